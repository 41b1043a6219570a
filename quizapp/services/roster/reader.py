"""Reading a roster file (CSV in UTF-8, or XLSX) into rows keyed by field, with their row numbers."""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from flask import current_app, has_app_context
from flask_babel import gettext as _

from quizapp.services.roster import columns as C
from quizapp.services.roster.report import RosterIssue

HEADER_SEARCH_ROWS = 15
MAX_COLUMNS = 200
DEFAULT_MAX_ROWS = 500_000
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_XLSX_UNPACKED = 400 * 1024 * 1024


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
    rows: list[tuple] = field(default_factory=list)         # (sheet, row number, values tuple)
    errors: list[RosterIssue] = field(default_factory=list)
    warnings: list[RosterIssue] = field(default_factory=list)

    def has(self, column: str) -> bool:
        """True when some sheet of the file has this column."""
        return column in self.headers


def _limit(key: str, default: int) -> int:
    return int(current_app.config.get(key, default)) if has_app_context() else default


def parse_roster(filename: str, data: bytes) -> ParsedRoster:
    """Read a .csv (UTF-8, with or without BOM) or .xlsx roster; problems land in `errors`."""
    parsed = ParsedRoster(filename=filename)
    lower = filename.lower()
    try:
        if len(data) > _limit("ROSTER_MAX_BYTES", DEFAULT_MAX_BYTES):
            raise RosterFileError(_("Tệp quá lớn; hãy chia danh sách theo từng huyện đoàn."))
        if lower.endswith(".xlsx") or lower.endswith(".xlsm"):
            sheets = _xlsx_sheets(data)
        elif lower.endswith(".csv") or lower.endswith(".txt"):
            sheets = [(None, _csv_rows(data))]
        elif lower.endswith(".xls"):
            raise RosterFileError(_("Tệp .xls (Excel 97-2003) chưa được hỗ trợ: hãy mở bằng Excel và lưu lại "
                                    "thành .xlsx hoặc CSV UTF-8."))
        else:
            raise RosterFileError(_("Chỉ nhận tệp .csv hoặc .xlsx; tệp '%(name)s' không phải hai loại này.",
                                    name=filename))
        _read_sheets(parsed, sheets)
    except RosterFileError as err:
        parsed.errors.append(RosterIssue(None, None, str(err)))
        parsed.rows.clear()
    if not parsed.errors and not parsed.rows:
        parsed.errors.append(RosterIssue(None, None, _("Tệp không có dòng đoàn viên nào.")))
    return parsed


def _csv_rows(data: bytes):
    """Rows of a UTF-8 CSV; the delimiter (comma, semicolon or tab) is read off the first line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RosterFileError(_encoding_message(1))
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RosterFileError(_encoding_message(data[:err.start].count(b"\n") + 1)) from None
    first = content.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    return csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)


def _encoding_message(line: int) -> str:
    return _("Tệp CSV không ở mã UTF-8 (lỗi từ dòng %(line)d), nên tiếng Việt sẽ bị sai. Trong Excel hãy chọn "
             "'Lưu thành' → 'CSV UTF-8 (phân cách bằng dấu phẩy)', hoặc gửi tệp .xlsx.", line=line)


def _xlsx_sheets(data: bytes):
    """(sheet title, rows) for every visible sheet; the zip is checked before openpyxl opens it."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise RosterFileError(_("Không đọc được tệp Excel: tệp hỏng hoặc không phải .xlsx.")) from None
    if unpacked > _limit("ROSTER_MAX_XLSX_UNPACKED", DEFAULT_MAX_XLSX_UNPACKED):
        raise RosterFileError(_("Tệp quá lớn; hãy chia danh sách theo từng huyện đoàn."))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise RosterFileError(_("Không đọc được tệp Excel: tệp hỏng hoặc không phải .xlsx.")) from None
    sheets = []
    for sheet in book.worksheets:
        if getattr(sheet, "sheet_state", "visible") != "visible":
            continue
        sheet.reset_dimensions()  # some writers record wrong sizes; read what is there
        sheets.append((sheet.title, sheet.iter_rows(values_only=True)))
    return sheets


def _read_sheets(parsed: ParsedRoster, sheets) -> None:
    """Find each sheet's header row, map its columns to fields and collect the data rows."""
    max_rows = _limit("ROSTER_MAX_ROWS", DEFAULT_MAX_ROWS)
    found_header = False
    layouts = []
    for title, rows in sheets:
        try:
            layout = _read_sheet(parsed, title, rows, max_rows)
        except csv.Error as err:
            raise RosterFileError(_("Tệp CSV bị lỗi định dạng gần dòng %(line)d: %(detail)s",
                                    line=len(parsed.rows) + 1, detail=str(err))) from None
        if layout is not None:
            found_header = True
            layouts.append(layout)
    if not found_header:
        parsed.errors.append(RosterIssue(None, None, _(
            "Không tìm thấy dòng tiêu đề: trong %(n)d dòng đầu cần có cột 'Mã đoàn viên' và cột 'Họ và tên'.",
            n=HEADER_SEARCH_ROWS)))
        return
    # Re-align every sheet's rows to the union of all columns (None: the sheet lacks it).
    width = len(parsed.columns)
    for i, (sheet, number, values) in enumerate(parsed.rows):
        if len(values) < width:
            parsed.rows[i] = (sheet, number, values + (None,) * (width - len(values)))


def _read_sheet(parsed: ParsedRoster, title, rows, max_rows: int):
    """Read one sheet; returns its column layout, or None when it has no header row."""
    rows = iter(rows)
    positions: list[tuple[int, int]] | None = None  # (cell index, index in parsed.columns)
    seen_content = False
    number = 0
    for number, cells in enumerate(rows, start=1):
        cells = ["" if c is None else c for c in cells[:MAX_COLUMNS]]
        if positions is None:
            if any(str(c).strip() for c in cells):
                seen_content = True
            if number > HEADER_SEARCH_ROWS:
                break
            texts = [str(c).strip() for c in cells]
            if C.is_header_row(texts):
                positions = _map_header(parsed, title, number, texts)
                if positions is None:
                    return None
            continue
        if not any(c != "" and (not isinstance(c, str) or c.strip()) for c in cells):
            continue  # blank lines between blocks
        if len(parsed.rows) >= max_rows:
            raise RosterFileError(_("Tệp có hơn %(n)d dòng; hãy chia danh sách theo từng huyện đoàn.", n=max_rows))
        values = [None] * len(parsed.columns)
        for cell_index, column_index in positions:
            values[column_index] = cells[cell_index] if cell_index < len(cells) else ""
        parsed.rows.append((title, number, tuple(values)))
    if positions is None:
        if seen_content and title is not None:
            parsed.warnings.append(RosterIssue(None, None, _(
                "Bỏ qua trang tính vì không thấy dòng tiêu đề (cần cột 'Mã đoàn viên' và 'Họ và tên')."), sheet=title))
        return None
    return positions


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
            parsed.errors.append(RosterIssue(number, header, _(
                "Cột '%(header)s' xuất hiện hai lần (cột %(a)d và cột %(b)d); hãy xoá một cột.",
                header=header, a=seen[column] + 1, b=index + 1), sheet=title))
            return None
        seen[column] = index
        if column not in parsed.headers:
            parsed.headers[column] = header
            parsed.columns.append(column)
        positions.append((index, parsed.columns.index(column)))
    return positions
