"""Tables as downloadable files: CSV (UTF-8 with BOM) and XLSX, safe against formula injection.

Every area exports `(headers, rows)`; a cell that a spreadsheet would read as a
formula (starting with = + - @, a tab or a carriage return) is prefixed with an
apostrophe so it stays text. Numbers stay numbers.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from flask import send_file
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from quizapp.clock import to_local
from quizapp.text import scrub_text

# Full-width ＝＋－＠ too: spreadsheets (Excel with an East Asian input method, LibreOffice) read
# them as the ASCII operator at the start of a cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Ready-made number formats for `to_xlsx(number_formats=...)`.
INTEGER = "#,##0"
DECIMAL = "#,##0.0"
PERCENT = '0.0"%"'  # the value is already a percentage (87.5 shows as 87.5%)
DATETIME = "dd/mm/yyyy hh:mm"
DATE = "dd/mm/yyyy"

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_WIDTH = 60


def neutralise(value):
    """Return the cell value, with text that a spreadsheet would run as a formula made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _plain(value):
    """A value a spreadsheet understands: numbers as numbers, times in Vietnam time, text neutralised."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        # spreadsheets have no time zones: show the local wall-clock time
        return to_local(value).replace(tzinfo=None)
    if isinstance(value, date):
        return value
    # Names stored before input was cleaned may hold control or bidi characters: XLSX writers refuse
    # the first (a 500 on every export), the second reorder what a reader sees.
    return neutralise(scrub_text(str(value)))


def _csv_text(value) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def to_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """CSV bytes, UTF-8 with a byte-order mark so Excel opens Vietnamese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_text(str(h)) for h in headers])
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _formats_by_index(headers: Sequence[str], number_formats) -> dict[int, str]:
    """Accept formats keyed by column index (0-based) or by header text, or a list per column."""
    if not number_formats:
        return {}
    if isinstance(number_formats, Mapping):
        out = {}
        header_index = {str(h): i for i, h in enumerate(headers)}
        for key, fmt in number_formats.items():
            index = key if isinstance(key, int) else header_index.get(str(key))
            if index is not None and fmt:
                out[index] = fmt
        return out
    return {i: fmt for i, fmt in enumerate(number_formats) if fmt}


def _sheet_title(title: str) -> str:
    cleaned = _SHEET_TITLE_FORBIDDEN.sub(" ", scrub_text(title or "")).strip().strip("'")
    return (cleaned or "Sheet1")[:31]


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, float):
        return len(f"{value:,.1f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def to_xlsx(headers: Sequence[str], rows: Iterable[Sequence], title: str = "",
            number_formats: Mapping | Sequence | None = None) -> bytes:
    """XLSX bytes: bold header row, frozen panes below it, number formats and fitted column widths."""
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(title)
    formats = _formats_by_index(headers, number_formats)
    widths = [max(8, len(str(h)) + 2) for h in headers]
    ws.append([_plain(str(h)) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF1F5")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for r, row in enumerate(rows, start=2):  # ws.max_row scans every cell: quadratic over rows
        values = [_plain(v) for v in row]
        ws.append(values)
        for i, value in enumerate(values):
            cell = ws.cell(row=r, column=i + 1)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever openpyxl guesses
            if i in formats and isinstance(value, (int, float)) and not isinstance(value, bool):
                cell.number_format = formats[i]
            elif isinstance(value, datetime):
                cell.number_format = DATETIME
            elif isinstance(value, date):
                cell.number_format = DATE
            if i < len(widths):
                widths[i] = max(widths[i], min(_MAX_WIDTH, _width(value) + 2))
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    ws.freeze_panes = "A2"
    if ws.max_row > 1 and headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{ws.max_row}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def as_download(fmt: str, headers: Sequence[str], rows: Iterable[Sequence], filename: str,
                title: str = "", number_formats: Mapping | Sequence | None = None):
    """A Flask response that downloads the table as `fmt` ("csv" or "xlsx"); `filename` without extension."""
    rows = list(rows)
    if fmt == "xlsx":
        data, mimetype = to_xlsx(headers, rows, title or filename, number_formats), XLSX_MIMETYPE
    elif fmt == "csv":
        data, mimetype = to_csv(headers, rows), CSV_MIMETYPE
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=f"{filename}.{fmt}", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
