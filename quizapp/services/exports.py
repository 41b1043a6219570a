"""Tables as downloadable files: CSV (UTF-8 with BOM) and XLSX, safe against formula injection.

Every area exports `(headers, rows)`; a cell that a spreadsheet would read as a
formula (starting with = + - @, a tab or a carriage return) is prefixed with an
apostrophe so it stays text. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import send_file
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


_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;"})
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")  # Excel would read "_x0041_" as "A"
_EPOCH = datetime(1899, 12, 30)
_DAY = timedelta(days=1)
_HEADER_STYLE = 1


def _xml_text(value: str) -> str:
    if "_x" in value:
        value = _EXCEL_ESCAPE.sub(r"_x005F_\1", value)
    return value.translate(_XML_ESCAPES)


def _may_widen(value, width: int) -> bool:
    """False when `value` surely fits `width` (a text is never wider than its length, a number
    under a million at most 10 characters): most cells of a long table need no measuring."""
    if width >= _MAX_WIDTH:
        return False
    if isinstance(value, str):
        return len(value) + 2 > width
    if type(value) in (int, float) and -1e6 < value < 1e6:
        return width < 12
    return True


def _cell(ref: str, value, style: int) -> str:
    """One cell of sheet XML: strings inline (never a formula), numbers and dates as numbers."""
    s = f' s="{style}"' if style else ""
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{_xml_text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        value = (value - _EPOCH) / _DAY
    elif isinstance(value, date):
        value = (value - _EPOCH.date()).days
    elif not math.isfinite(value):
        return f'<c r="{ref}" t="inlineStr"{s}><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"{s}><v>{value!r}</v></c>'


def _styles(number_formats: list[str]) -> str:
    """Style sheet: 0 plain, 1 the header (bold, shaded, wrapped), then one per number format."""
    fmts = "".join(
        f'<numFmt numFmtId="{164 + i}" formatCode="{_xml_text(f)}"/>'
        for i, f in enumerate(number_formats)
    )
    xfs = "".join(
        f'<xf numFmtId="{164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" '
        f'applyNumberFormat="1"/>'
        for i in range(len(number_formats))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<numFmts count="{len(number_formats)}">{fmts}</numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="3"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        '<fill><patternFill patternType="solid"><fgColor rgb="00EEF1F5"/></patternFill></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{2 + len(number_formats)}">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
        'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
        f"{xfs}</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


_PACKAGE = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>",
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>',
}


def to_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    title: str = "",
    number_formats: Mapping | Sequence | None = None,
) -> bytes:
    """XLSX bytes: bold header row, frozen panes below it, number formats and fitted column widths.

    The sheet's XML is written directly, a row at a time: a workbook of cell objects took
    minutes for a 100,000-row contest ranking, and openpyxl's write-only mode 12 s against 2.6 s
    here (`bench/xlsx_write.py`, docs/benchmarks.md).
    """
    formats = _formats_by_index(headers, number_formats)
    used = list(dict.fromkeys([*formats.values(), DATETIME, DATE]))
    style_of = {f: 2 + i for i, f in enumerate(used)}
    letters = [get_column_letter(i + 1) for i in range(max(len(headers), 1))]
    widths = [max(8, len(str(h)) + 2) for h in headers]
    body = [
        '<row r="1">',
        *(_cell(f"{letters[i]}1", _plain(str(h)), _HEADER_STYLE) for i, h in enumerate(headers)),
        "</row>",
    ]
    last = 1
    for last, row in enumerate(rows, start=2):
        cells = []
        for i, value in enumerate(row):
            value = _plain(value)
            if value is None:
                continue
            if i >= len(letters):
                letters.append(get_column_letter(i + 1))
            style = 0
            if isinstance(value, datetime):
                style = style_of[DATETIME]
            elif isinstance(value, date):
                style = style_of[DATE]
            elif i in formats and isinstance(value, (int, float)) and not isinstance(value, bool):
                style = style_of[formats[i]]
            cells.append(_cell(f"{letters[i]}{last}", value, style))
            if i < len(widths) and _may_widen(value, widths[i]):
                widths[i] = max(widths[i], min(_MAX_WIDTH, _width(value) + 2))
        body.append(f'<row r="{last}">{"".join(cells)}</row>')
    cols = "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>'
        for i, w in enumerate(widths)
    )
    autofilter = (
        f'<autoFilter ref="A1:{letters[len(headers) - 1]}{last}"/>' if last > 1 and headers else ""
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        f"{'<cols>' + cols + '</cols>' if cols else ''}<sheetData>{''.join(body)}</sheetData>"
        f"{autofilter}</worksheet>"
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{_xml_text(_sheet_title(title))}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in {
            **_PACKAGE,
            "xl/workbook.xml": workbook,
            "xl/styles.xml": _styles(used),
            "xl/worksheets/sheet1.xml": sheet,
        }.items():
            package.writestr(name, text)
    return out.getvalue()


def as_download(
    fmt: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    filename: str,
    title: str = "",
    number_formats: Mapping | Sequence | None = None,
):
    """A Flask response that downloads the table as `fmt` ("csv" or "xlsx"); `filename` without extension."""
    rows = list(rows)
    if fmt == "xlsx":
        data, mimetype = to_xlsx(headers, rows, title or filename, number_formats), XLSX_MIMETYPE
    elif fmt == "csv":
        data, mimetype = to_csv(headers, rows), CSV_MIMETYPE
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response = send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=f"{filename}.{fmt}",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
