"""A streaming, read-only XLSX reader: cell values only, formulas reported never evaluated, no DTDs.

openpyxl's read-only mode builds an object per cell and was most of the time of a 10,000-row
import; this reads the same parts (workbook, shared strings, styles for dates, sheets) with expat.
"""
from __future__ import annotations

import datetime
import posixpath
import re
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CELL_REF = re.compile(r"([A-Z]+)(\d*)")
CHUNK = 256 * 1024


class XlsxError(Exception):
    """The archive is not a workbook we can read."""


@dataclass
class Formula:
    """A cell holding a formula (its text), reported to the user instead of a value."""

    text: str


@dataclass
class CellError:
    """A cell holding an Excel error such as #N/A."""

    text: str


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


class Workbook:
    """The sheets of one workbook and what is needed to read their values."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        names = set(archive.namelist())
        rels = self._rels("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else {}
        self.sheets: list[tuple[str, str]] = []
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
                target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join("xl", target))
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
            elif local == "workbookPr":
                self.date1904 = attrs.get("date1904") in ("1", "true")

        self._xml("xl/workbook.xml", start=start)

    def _read_strings(self, path: str) -> list[str]:
        strings: list[str] = []
        state = {"parts": [], "in_t": False, "skip": 0}

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
        return dates

    def rows(self, path: str, max_columns: int):
        """Yield (row number, values) for every row element of a sheet, streaming."""
        done: list[tuple[int, list]] = []
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
            elif local == "is":
                in_is = True
            elif local == "f":
                formula, capture = [], True
            elif local == "rPh":
                skip += 1

        def end(name):
            nonlocal capture, formula, parts, in_is, skip
            local = _LOCAL_NAMES.get(name) or _local(name)
            if local == "c":
                if col < max_columns:
                    if len(values) <= col:
                        values.extend([None] * (col + 1 - len(values)))
                    values[col] = _value("".join(parts), kind, style, formula, strings, date_styles, epoch)
            elif local in ("v", "t"):
                capture = False
            elif local == "row":
                done.append((number, values))
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
        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
        with self.archive.open(path) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
                yield from done
                done.clear()
        parser.Parse(b"", True)
        yield from done


def _value(raw: str, kind: str, style: int, formula, strings, date_styles, epoch):
    """One cell's value from its raw text, type attribute and style."""
    if formula is not None:
        return Formula("=" + formula)
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
    if kind == "d":
        return datetime.datetime.fromisoformat(raw)
    number = float(raw)
    if style in date_styles:
        return from_excel(number, epoch)
    return int(number) if number.is_integer() and "." not in raw and "E" not in raw.upper() else number
