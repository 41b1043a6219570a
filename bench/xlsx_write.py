"""Writing a 100,000-row ranking as XLSX: the project's sheet writer against openpyxl's
write-only mode (the library's streaming writer), same features (bold header, frozen pane,
number formats, fitted widths, autofilter, text never a formula).

    python -m bench.xlsx_write                # writes bench/results/xlsx_write.json

Why `exports.to_xlsx` writes the sheet XML itself: this is the measurement (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import io
import platform
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bench.load.stats import machine, write_result
from quizapp.services import exports

RESULTS = Path(__file__).resolve().parent / "results"
HEADERS = [
    "Hạng",
    "Mã đoàn viên",
    "Họ và tên",
    "Đơn vị",
    "Điểm (%)",
    "Dự đoán",
    "Chênh lệch",
    "Thời gian (giây)",
    "Nộp lúc",
]
FORMATS = {"Điểm (%)": exports.PERCENT, "Thời gian (giây)": exports.DECIMAL}


def rows(n: int, seed: int = 16) -> list[list]:
    """A contest ranking's rows: ints, Vietnamese text, percentages, seconds, times."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 1, 8, tzinfo=UTC)
    names = ["Lò Văn Ánh", "Cầm Thị Bình", "Quàng Văn Chiến", "Hoàng Thị Dung", "Nguyễn Đức Thắng"]
    return [
        [
            i + 1,
            f"DV{i:07d}",
            rng.choice(names),
            f"Chi đoàn bản {rng.randrange(6000)}",
            round(rng.uniform(0, 100), 1),
            rng.randrange(5000),
            rng.randrange(500),
            round(rng.uniform(30, 600), 3),
            start + timedelta(seconds=rng.randrange(10**6)),
        ]
        for i in range(n)
    ]


def openpyxl_write_only(headers, data, title="Xếp hạng", number_formats=None) -> bytes:
    """The same sheet through openpyxl's write-only workbook (widths need the rows first)."""
    formats = exports._formats_by_index(headers, number_formats)
    values = [[exports._plain(v) for v in row] for row in data]
    widths = [max(8, len(str(h)) + 2) for h in headers]
    for row in values:
        for i, value in enumerate(row):
            if i < len(widths):
                widths[i] = max(widths[i], min(exports._MAX_WIDTH, exports._width(value) + 2))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(exports._sheet_title(title))
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    ws.freeze_panes = "A2"
    if values and headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(values) + 1}"
    bold, fill, top = (
        Font(bold=True),
        PatternFill("solid", fgColor="EEF1F5"),
        Alignment(vertical="top", wrap_text=True),
    )
    header = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=exports._plain(str(h)))
        cell.font, cell.fill, cell.alignment = bold, fill, top
        header.append(cell)
    ws.append(header)
    for row in values:
        out = []
        for i, value in enumerate(row):
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            if i in formats and isinstance(value, (int, float)) and not isinstance(value, bool):
                cell.number_format = formats[i]
            elif isinstance(value, datetime):
                cell.number_format = exports.DATETIME
            out.append(cell)
        ws.append(out)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = rows(args.rows)
    result = {
        "bench": "xlsx_write",
        "rows": args.rows,
        "columns": len(HEADERS),
        "repeat": args.repeat,
        "python": platform.python_version(),
        "machine": machine(),
        "writers": {},
    }
    for name, write in (
        ("quizapp sheet writer (exports.to_xlsx)", exports.to_xlsx),
        ("openpyxl write-only", openpyxl_write_only),
    ):
        times, size = [], 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            blob = write(HEADERS, data, "Xếp hạng", FORMATS)
            times.append(time.perf_counter() - started)
            size = len(blob)
        sheet = load_workbook(io.BytesIO(blob), read_only=True).active
        first = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
        assert first[:3] == data[0][:3], first  # both files read back the same first row
        result["writers"][name] = {"median_s": round(statistics.median(times), 2), "bytes": size}
        print(f"{name}: median {statistics.median(times):.2f} s, {size:,} bytes", flush=True)
    write_result(RESULTS / "xlsx_write.json", result)


if __name__ == "__main__":
    main()
