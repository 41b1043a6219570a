"""Reading a roster file (CSV in UTF-8, or XLSX) into rows keyed by field, with their row numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from operator import itemgetter

from flask import current_app, has_app_context
from flask_babel import gettext as _

from quizapp.services.roster import columns as C
from quizapp.services.roster.report import RosterIssue
from quizapp.services.xlsx_reader import CellError, Formula, XlsxError, XlsxRefused, open_workbook

HEADER_SEARCH_ROWS = 15
MAX_COLUMNS = 200
DEFAULT_MAX_ROWS = 500_000
DEFAULT_MAX_BYTES = 100 * 1024 * 1024  # CSV; a workbook has the limits of xlsx_reader.LIMITS


class RosterFileError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class ParsedRoster:
    """A roster file read into rows: `columns[i]` names what `row.values[i]` holds.

    A column is a field key ("code", "chapter", …) or "attr:<header>" for a custom
    attribute. A value of None means the row's sheet has no such column (keep what
    the database holds); "" means a blank cell (clear it).
    """

    filename: str
    columns: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # column -> header as written
    rows: list[tuple] = field(default_factory=list)  # (sheet, row number, values tuple)
    errors: list[RosterIssue] = field(default_factory=list)
    warnings: list[RosterIssue] = field(default_factory=list)

    def has(self, column: str) -> bool:
        """True when some sheet of the file has this column."""
        return column in self.headers


def _limit(key: str, default: int) -> int:
    return int(current_app.config.get(key, default)) if has_app_context() else default


def parse_roster(filename: str, data: bytes, max_rows: int | None = None) -> ParsedRoster:
    """Read a .csv (UTF-8, with or without BOM) or .xlsx roster; problems land in `errors`.
    `max_rows` overrides ROSTER_MAX_ROWS (the web upload accepts fewer rows than the CLI)."""
    parsed = ParsedRoster(filename=filename)
    lower = filename.lower()
    try:
        if len(data) > _limit("ROSTER_MAX_BYTES", DEFAULT_MAX_BYTES):
            raise RosterFileError(_("Tệp quá lớn; hãy chia danh sách theo từng huyện đoàn."))
        if lower.endswith((".xlsx", ".xlsm")):
            workbook, sheets = _xlsx_sheets(data)
        elif lower.endswith((".csv", ".txt")):
            workbook, sheets = None, [(None, enumerate(_csv_rows(data), start=1))]
        elif lower.endswith(".xls"):
            raise RosterFileError(
                _(
                    "Tệp .xls (Excel 97-2003) chưa được hỗ trợ: hãy mở bằng Excel và lưu lại "
                    "thành .xlsx hoặc CSV UTF-8."
                )
            )
        else:
            raise RosterFileError(
                _(
                    "Chỉ nhận tệp .csv hoặc .xlsx; tệp '%(name)s' không phải hai loại này.",
                    name=filename,
                )
            )
        try:
            _read_sheets(parsed, sheets, max_rows)
            if workbook is not None:
                _hidden_rows_warnings(parsed, workbook)
        except UnicodeDecodeError:  # the CSV is decoded while it is read
            raise RosterFileError(_encoding_message(_bad_utf8_line(data))) from None
        except XlsxRefused as refused:  # too many rows or strings, found while streaming
            raise RosterFileError(str(refused.message)) from None
        except XlsxError:
            raise RosterFileError(
                _("Không đọc được tệp Excel: tệp hỏng hoặc không phải .xlsx.")
            ) from None
    except RosterFileError as err:
        parsed.errors.append(RosterIssue(None, None, str(err)))
        parsed.rows.clear()
    if not parsed.errors and not parsed.rows:
        parsed.errors.append(RosterIssue(None, None, _("Tệp không có dòng đoàn viên nào.")))
    return parsed


def _csv_rows(data: bytes):
    """Rows of a UTF-8 CSV, decoded as they are read; the delimiter (comma, semicolon or tab)
    is read off the header line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RosterFileError(
            _(
                "Tệp CSV ở mã UTF-16 (Excel gọi là 'Văn bản Unicode'), không phải UTF-8. Trong "
                "Excel hãy chọn 'Lưu thành' → 'CSV UTF-8 (phân cách bằng dấu phẩy)', hoặc gửi "
                "tệp .xlsx."
            )
        )
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    end = data.find(b"\n", start, start + 1_000_000)
    try:
        first = data[start : end if end >= 0 else start + 1_000_000].decode("utf-8")
    except UnicodeDecodeError:
        raise RosterFileError(_encoding_message(1)) from None
    delimiter = max((",", ";", "\t"), key=first.count)
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    return csv.reader(text, delimiter=delimiter)


def _bad_utf8_line(data: bytes) -> int:
    """The line of the first byte that is not UTF-8."""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return data[: err.start].count(b"\n") + 1
    return 1


def _encoding_message(line: int) -> str:
    return _(
        "Tệp CSV không ở mã UTF-8 (lỗi từ dòng %(line)d), nên tiếng Việt sẽ bị sai. Trong Excel hãy chọn "
        "'Lưu thành' → 'CSV UTF-8 (phân cách bằng dấu phẩy)', hoặc gửi tệp .xlsx.",
        line=line,
    )


def _xlsx_sheets(data: bytes):
    """(sheet title, numbered rows) for every visible sheet, through the guarded reader shared with
    banks. A formula gives the value Excel last computed, an error cell its text (#N/A)."""
    try:
        workbook = open_workbook(data)
    except XlsxRefused as refused:
        raise RosterFileError(str(refused.message)) from None
    except XlsxError:
        raise RosterFileError(
            _("Không đọc được tệp Excel: tệp hỏng hoặc không phải .xlsx.")
        ) from None
    return workbook, [
        (title, _xlsx_rows(workbook, path)) for title, path in workbook.visible_sheets()
    ]


def _xlsx_rows(workbook, path: str):
    for number, cells in workbook.rows(path, MAX_COLUMNS):
        for i, cell in enumerate(cells):
            if cell.__class__ is Formula:
                cells[i] = cell = cell.cached
            if cell.__class__ is CellError:
                cells[i] = cell.text
        yield number, cells


def _hidden_rows_warnings(parsed: ParsedRoster, workbook) -> None:
    """Rows hidden by a filter (or by hand) are imported like the others: say how many, per sheet."""
    for title, path in workbook.visible_sheets():
        if workbook.hidden_rows.get(path):
            parsed.warnings.append(
                RosterIssue(
                    None,
                    None,
                    _(
                        "%(n)d dòng đang bị ẩn (bởi bộ lọc hoặc ẩn tay) vẫn được nhập như các dòng khác.",
                        n=workbook.hidden_rows[path],
                    ),
                    sheet=title,
                )
            )


def _read_sheets(parsed: ParsedRoster, sheets, max_rows: int | None = None) -> None:
    """Find each sheet's header row, map its columns to fields and collect the data rows."""
    max_rows = max_rows or _limit("ROSTER_MAX_ROWS", DEFAULT_MAX_ROWS)
    found_header = False
    layouts = []
    for title, rows in sheets:
        try:
            layout = _read_sheet(parsed, title, rows, max_rows)
        except csv.Error as err:
            raise RosterFileError(
                _(
                    "Tệp CSV bị lỗi định dạng gần dòng %(line)d: %(detail)s",
                    line=len(parsed.rows) + 1,
                    detail=str(err),
                )
            ) from None
        if layout is not None:
            found_header = True
            layouts.append(layout)
    if not found_header:
        parsed.errors.append(
            RosterIssue(
                None,
                None,
                _(
                    "Không tìm thấy dòng tiêu đề: trong %(n)d dòng đầu cần có cột 'Mã đoàn viên' và cột 'Họ và tên'.",
                    n=HEADER_SEARCH_ROWS,
                ),
            )
        )
        return
    # Re-align every sheet's rows to the union of all columns (None: the sheet lacks it).
    width = len(parsed.columns)
    for i, (sheet, number, values) in enumerate(parsed.rows):
        if len(values) < width:
            parsed.rows[i] = (sheet, number, values + (None,) * (width - len(values)))


# Columns with few distinct values: their cells are shared between rows to save memory.
SHARED_COLUMNS = {
    C.GENDER,
    C.ETHNICITY,
    C.IS_CADRE,
    C.CHAPTER,
    C.CHAPTER_CODE,
    C.PROVINCE,
    C.DISTRICT,
    C.GRASSROOTS,
}


def _read_sheet(parsed: ParsedRoster, title, rows, max_rows: int):
    """Read one sheet; returns its column layout, or None when it has no header row."""
    rows = iter(rows)
    seen_content = False
    positions = None
    for number, cells in rows:
        texts = ["" if c is None else str(c).strip() for c in cells[:MAX_COLUMNS]]
        if any(texts):
            seen_content = True
        if number > HEADER_SEARCH_ROWS:
            break
        if C.is_header_row(texts):
            positions = _map_header(parsed, title, number, texts)
            if positions is None:
                return None
            _read_rows(parsed, title, rows, number, positions, max_rows)
            return positions
    if seen_content and title is not None:
        parsed.warnings.append(
            RosterIssue(
                None,
                None,
                _(
                    "Bỏ qua trang tính vì không thấy dòng tiêu đề (cần cột 'Mã đoàn viên' và 'Họ và tên')."
                ),
                sheet=title,
            )
        )
    return None


def _read_rows(
    parsed: ParsedRoster, title, rows, header_number: int, positions, max_rows: int
) -> None:
    """The data rows below a header, as tuples in `parsed.columns` order (the hot loop of big files)."""
    width = len(parsed.columns)
    cell_of = [None] * width  # cell index of each known column in this sheet
    for cell_index, column_index in positions:
        cell_of[column_index] = cell_index
    present = [i for i in cell_of if i is not None]
    straight = len(present) == width  # the sheet has every column known so far
    take = itemgetter(*present) if len(present) > 1 else (lambda cells, i=present[0]: (cells[i],))
    need = max(present) + 1
    shared = [
        k for k, c in enumerate(parsed.columns) if c in SHARED_COLUMNS or c.startswith("attr:")
    ]
    pool: dict = {}
    out = parsed.rows
    typed = title is not None  # xlsx: typed cells, None for empty; csv: strings
    for number, cells in rows:
        if typed:
            cells = ["" if c is None else c for c in cells]
            if not any(c != "" and (c.__class__ is not str or c.strip()) for c in cells):
                continue
        elif not "".join(cells).strip():
            continue  # blank lines between blocks
        if len(out) >= max_rows:
            raise RosterFileError(
                _("Tệp có hơn %(n)d dòng; hãy chia danh sách theo từng huyện đoàn.", n=max_rows)
            )
        if len(cells) < need:
            cells = list(cells) + [""] * (need - len(cells))
        picked = take(cells)
        if straight:
            values = list(picked)
        else:
            values = [None] * width
            for k, cell_index in enumerate(cell_of):
                if cell_index is not None:
                    values[k] = cells[cell_index]
        for k in shared:
            value = values[k]
            if value is not None:
                values[k] = pool.setdefault(value, value)
        out.append((title, number, tuple(values)))


def _map_header(parsed: ParsedRoster, title, number: int, texts: list[str]):
    """Columns of a header row; a field named twice is an error (which one would win?)."""
    positions = []
    seen: dict[str, int] = {}
    for index, header in enumerate(texts):
        if not header:
            continue
        fld = C.field_for_header(header)
        if fld == C.IGNORED:
            continue
        column = fld or f"attr:{header}"
        if column in seen:
            parsed.errors.append(
                RosterIssue(
                    number,
                    header,
                    _(
                        "Cột '%(header)s' xuất hiện hai lần (cột %(a)d và cột %(b)d); hãy xoá một cột.",
                        header=header,
                        a=seen[column] + 1,
                        b=index + 1,
                    ),
                    sheet=title,
                )
            )
            return None
        seen[column] = index
        if column not in parsed.headers:
            parsed.headers[column] = header
            parsed.columns.append(column)
        positions.append((index, parsed.columns.index(column)))
    return positions
