"""The one guarded way to read an XLSX upload (banks and rosters): limits first, then a streaming read.

`open_workbook(data)` checks the archive against one set of limits (file size, members, unpacked
size, compression ratio) before anything is inflated, then reads the workbook with expat: no DTD
(hence no entity expansion), shared strings counted as they are read, rows counted as they stream.
Formulas are reported as `Formula` (with the value Excel last computed), never evaluated: each
caller decides whether that value may be used.

openpyxl's read-only mode builds an object per cell and took twice as long on a 10,000-row file
(`bench/xlsx_read.py`, `docs/bank-formats.md`); this reads the same parts with expat.
"""

from __future__ import annotations

import datetime
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from flask_babel import lazy_gettext as _l
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from quizapp.services.cell_format import format_cell, is_date_code

_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CELL_REF = re.compile(r"([A-Z]+)(\d*)")
CHUNK = 256 * 1024


@dataclass(frozen=True)
class XlsxLimits:
    """What an uploaded workbook may be; checked before parsing (sizes are the zip's declared ones,
    which zipfile enforces while inflating) or while streaming (strings, rows)."""

    max_bytes: int = 20 * 1024 * 1024  # the file as uploaded
    max_unpacked: int = 200 * 1024 * 1024  # sum of the members' sizes
    max_members: int = 500
    max_ratio: int = 200  # unpacked/packed, for any member over 1 MB
    max_shared_strings: int = 1_000_000  # entries of the shared-strings table
    max_shared_chars: int = 32 * 1024 * 1024  # their total length: the table is held in memory
    max_rows: int = 200_000  # row elements of one sheet, empty ones included


LIMITS = XlsxLimits()


class XlsxError(Exception):
    """The archive is not a workbook we can read."""


class XlsxRefused(XlsxError):
    """The workbook exceeds a limit; `message` (lazy, translatable) says which and what to do."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Formula:
    """A cell holding a formula (its text) and the value its writer last computed (None if none)."""

    text: str
    cached: object = None


@dataclass
class CellError:
    """A cell holding an Excel error such as #N/A."""

    text: str


# Built-in formats 14 and 22 are "the system's short date": shown the Vietnamese way, day first.
_SHORT_DATES = {14: "dd/mm/yyyy", 22: "dd/mm/yyyy hh:mm"}
_LOCAL_NAMES: dict[str, str] = {}


def _local(name: str) -> str:
    """The element name without its namespace (Excel's transitional and strict ones alike)."""
    local = _LOCAL_NAMES.get(name)
    if local is None:
        local = _LOCAL_NAMES[name] = name.rsplit(" ", 1)[-1]
    return local


def _refuse_dtd(*_args):
    raise XlsxError("DTD")


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_dtd  # no DTD, hence no entity expansion of any kind
    parser.EntityDeclHandler = _refuse_dtd
    parser.buffer_text = True
    return parser


def _unescape(text: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _mb(size: int) -> float:
    return round(size / 1048576, 1)


def check_archive(data: bytes, limits: XlsxLimits | None = None) -> zipfile.ZipFile:
    """The zip of an upload, once its size, members and compression are within `limits`."""
    limits = limits or LIMITS
    if len(data) > limits.max_bytes:
        raise XlsxRefused(
            _l(
                "Tệp Excel quá lớn (%(size)s MB); tối đa %(max)s MB.",
                size=_mb(len(data)),
                max=limits.max_bytes // 1048576,
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise XlsxError("not a zip") from None
    total = sum(m.file_size for m in members)
    if (
        len(members) > limits.max_members
        or total > limits.max_unpacked
        or any(
            m.file_size > 1024 * 1024 and m.file_size > limits.max_ratio * max(m.compress_size, 1)
            for m in members
        )
    ):
        raise XlsxRefused(
            _l(
                "Tệp Excel khi giải nén quá lớn (%(size)s MB) hoặc nén bất thường nên bị từ chối; "
                "hãy chia thành các tệp nhỏ hơn, mỗi tệp một phần danh sách.",
                size=round(total / 1048576),
            )
        )
    return archive


def open_workbook(data: bytes, limits: XlsxLimits | None = None) -> Workbook:
    """The workbook of an upload, checked against `limits`; raises XlsxRefused or XlsxError."""
    limits = limits or LIMITS
    archive = check_archive(data, limits)
    try:
        return Workbook(archive, limits)
    except XlsxError:
        raise
    except Exception:  # noqa: BLE001 - any broken part of an untrusted archive means the same to the user
        raise XlsxError("damaged") from None


class Workbook:
    """The sheets of one workbook and what is needed to read their values."""

    def __init__(self, archive: zipfile.ZipFile, limits: XlsxLimits | None = None):
        self.archive = archive
        self.limits = limits or LIMITS
        names = set(archive.namelist())
        rels = (
            self._rels("xl/_rels/workbook.xml.rels")
            if "xl/_rels/workbook.xml.rels" in names
            else {}
        )
        self.sheets: list[tuple[str, str]] = []
        self.hidden: set[str] = set()  # names of sheets hidden or very hidden
        self.formats: dict[int, str] = {}  # style index -> number format code, General left out
        self.hidden_rows: dict[str, int] = {}  # sheet part -> rows hidden (by a filter or by hand)
        self.date1904 = False
        self._read_workbook(rels)
        shared = next((t for t, kind in rels.values() if kind == "sharedStrings"), None)
        styles = next((t for t, kind in rels.values() if kind == "styles"), None)
        self.strings = self._read_strings(shared) if shared in names else []
        self.date_styles = self._read_styles(styles) if styles in names else set()

    def _xml(self, path: str, start=None, end=None, text=None) -> None:
        parser = _parser()
        if start:
            parser.StartElementHandler = start
        if end:
            parser.EndElementHandler = end
        if text:
            parser.CharacterDataHandler = text
        with self.archive.open(path) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)

    def _rels(self, path: str) -> dict[str, tuple[str, str]]:
        found = {}

        def start(name, attrs):
            if _local(name) == "Relationship":
                target = attrs.get("Target", "")
                target = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join("xl", target))
                )
                found[attrs.get("Id", "")] = (target, attrs.get("Type", "").rsplit("/", 1)[-1])

        self._xml(path, start=start)
        return found

    def _read_workbook(self, rels) -> None:
        def start(name, attrs):
            local = _local(name)
            if local == "sheet":
                rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
                if rid in rels:
                    self.sheets.append((attrs.get("name", ""), rels[rid][0]))
                    if attrs.get("state", "visible") != "visible":
                        self.hidden.add(attrs.get("name", ""))
            elif local == "workbookPr":
                self.date1904 = attrs.get("date1904") in ("1", "true")

        self._xml("xl/workbook.xml", start=start)

    def _read_strings(self, path: str) -> list[str]:
        strings: list[str] = []
        state = {"parts": [], "in_t": False, "skip": 0, "chars": 0}
        limits = self.limits

        def start(name, attrs):
            local = _local(name)
            if local == "si":
                state["parts"] = []
            elif local == "rPh":
                state["skip"] += 1  # phonetic guides are not part of the text
            elif local == "t" and not state["skip"]:
                state["in_t"] = True

        def end(name):
            local = _local(name)
            if local == "si":
                strings.append(_unescape("".join(state["parts"])))
                state["chars"] += len(strings[-1])
                if (
                    len(strings) > limits.max_shared_strings
                    or state["chars"] > limits.max_shared_chars
                ):
                    raise XlsxRefused(
                        _l(
                            "Tệp Excel có quá nhiều chữ khác nhau (tối đa %(max)s ô chữ khác nhau); "
                            "hãy chia tệp thành nhiều tệp nhỏ hơn.",
                            max=limits.max_shared_strings,
                        )
                    )
            elif local == "rPh":
                state["skip"] -= 1
            elif local == "t":
                state["in_t"] = False

        def text(data):
            if state["in_t"]:
                state["parts"].append(data)

        self._xml(path, start, end, text)
        return strings

    def _read_styles(self, path: str) -> set[int]:
        custom: dict[int, str] = {}
        formats: list[int] = []
        depth = {"xfs": False}

        def start(name, attrs):
            local = _local(name)
            if local == "numFmt":
                custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
            elif local == "cellXfs":
                depth["xfs"] = True
            elif local == "xf" and depth["xfs"]:
                formats.append(int(attrs.get("numFmtId", "0") or 0))

        def end(name):
            if _local(name) == "cellXfs":
                depth["xfs"] = False

        self._xml(path, start, end)
        dates = set()
        for index, fmt in enumerate(formats):
            code = custom.get(fmt, BUILTIN_FORMATS.get(fmt, ""))
            if code and is_date_format(code):
                dates.add(index)
            code = custom.get(fmt, _SHORT_DATES.get(fmt, code))
            if code and code.lower() != "general" and fmt != 49:  # 49 is text (@)
                self.formats[index] = code
        return dates

    def visible_sheets(self) -> list[tuple[str, str]]:
        """(name, part) of the sheets a user sees, in the workbook's order."""
        names = set(self.archive.namelist())
        return [(t, p) for t, p in self.sheets if t not in self.hidden and p in names]

    def rows(self, path: str, max_columns: int, shown: bool = False):
        """Yield (row number, values) for every row element of a sheet, streaming; refuses a sheet
        of more than `limits.max_rows` row elements. With `shown`, a number or date cell that has a
        number format comes as `Shown` (its value and the text the spreadsheet shows)."""
        done: list[tuple[int, list]] = []
        formats = self.formats if shown else {}
        date1904 = self.date1904
        self.hidden_rows[path] = 0
        max_rows, seen = self.limits.max_rows, 0
        strings, date_styles = self.strings, self.date_styles
        epoch = CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900
        # Plain closure variables: these handlers run for every element of a large sheet.
        number, values, col, kind, style = 0, [], -1, "n", 0
        parts: list[str] = []
        capture, formula, in_is, skip = False, None, False, 0

        def start(name, attrs):
            nonlocal number, values, col, kind, style, parts, capture, formula, in_is, skip
            local = _LOCAL_NAMES.get(name) or _local(name)
            if local == "c":
                ref = _CELL_REF.match(attrs.get("r", ""))
                col = _column_index(ref.group(1)) if ref else col + 1
                kind = attrs.get("t", "n")
                style = int(attrs.get("s") or 0)
                parts, formula, capture = [], None, False
            elif local == "v":
                capture = True
            elif local == "t":
                capture = in_is and not skip
            elif local == "row":
                number = int(attrs.get("r") or number + 1)
                values, col = [], -1
                if attrs.get("hidden") in ("1", "true"):
                    self.hidden_rows[path] += 1
            elif local == "is":
                in_is = True
            elif local == "f":
                formula, capture = [], True
            elif local == "rPh":
                skip += 1

        def end(name):
            nonlocal capture, formula, parts, in_is, skip, seen
            local = _LOCAL_NAMES.get(name) or _local(name)
            if local == "c":
                if col < max_columns:
                    if len(values) <= col:
                        values.extend([None] * (col + 1 - len(values)))
                    value = _value(
                        "".join(parts), kind, style, formula, strings, date_styles, epoch
                    )
                    if (
                        style in formats
                        and value is not None
                        and kind in ("n", "d")
                        and formula is None
                    ):
                        value = _shown(value, "".join(parts), kind, formats[style], date1904)
                    values[col] = value
            elif local in ("v", "t"):
                capture = False
            elif local == "row":
                done.append((number, values))
                seen += 1
                if seen > max_rows:
                    raise XlsxRefused(
                        _l(
                            "Trang tính có quá nhiều hàng (tối đa %(max)s hàng); hãy chia tệp.",
                            max=max_rows,
                        )
                    )
            elif local == "f":
                formula, parts, capture = "".join(parts), [], False
            elif local == "is":
                in_is = False
            elif local == "rPh":
                skip -= 1

        def text(data):
            if capture:
                parts.append(data)

        parser = _parser()
        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = (
            start,
            end,
            text,
        )
        with self.archive.open(path) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
                yield from done
                done.clear()
        parser.Parse(b"", True)
        yield from done


@dataclass(frozen=True)
class Shown:
    """A number or date cell with a number format: its value and the text a spreadsheet shows."""

    value: object
    text: str

    @property
    def is_date(self) -> bool:
        """True for a date or time (including a duration such as 144:02:00)."""
        return isinstance(
            self.value, (datetime.datetime, datetime.date, datetime.time, datetime.timedelta)
        )


def _shown(value, raw: str, kind: str, code: str, date1904: bool) -> Shown:
    if kind == "d":
        return Shown(
            value, format_cell(value, code if is_date_code(code) else "dd/mm/yyyy", date1904)
        )
    number = float(raw)
    if is_date_code(code) and not isinstance(
        value, (datetime.datetime, datetime.date, datetime.time)
    ):
        value = from_excel(number, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900)
    return Shown(value, format_cell(number, code, date1904))


def _value(raw: str, kind: str, style: int, formula, strings, date_styles, epoch):
    """One cell's value from its raw text, type attribute and style."""
    if formula is not None:
        return Formula("=" + formula, _value(raw, kind, style, None, strings, date_styles, epoch))
    if kind == "s":
        return strings[int(raw)] if raw else None
    if kind in ("inlineStr", "str"):
        return _unescape(raw)
    if raw == "":
        return None
    if kind == "b":
        return raw in ("1", "true")
    if kind == "e":
        return CellError(raw)
    if kind == "d":  # an ISO 8601 date (SheetJS with cellDates, some exporters); UTC "Z" made naive
        value = datetime.datetime.fromisoformat(raw)
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return value
    number = float(raw)
    if style in date_styles:
        return from_excel(number, epoch)
    return (
        int(number) if number.is_integer() and "." not in raw and "E" not in raw.upper() else number
    )
