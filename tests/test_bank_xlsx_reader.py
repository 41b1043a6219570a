"""The streaming XLSX reader on workbooks as Excel writes them (shared strings, styles, strict XML)."""

import io
import zipfile

from quizapp.services.banks import load_bank_file

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def excel_file(sheet_rows: str, *, strings=(), doctype="") -> bytes:
    """A minimal workbook in the shape Excel saves: shared strings and a date style."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        '<sheet name="Câu hỏi" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>'
        "</Relationships>",
        "xl/sharedStrings.xml": f'<?xml version="1.0"?><sst xmlns="{MAIN}">'
        + "".join(f"<si>{s}</si>" for s in strings)
        + "</sst>",
        "xl/styles.xml": f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}"><cellXfs count="2"><xf numFmtId="0"/>'
        '<xf numFmtId="14"/></cellXfs></styleSheet>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?>{doctype}<worksheet xmlns="{MAIN}"><sheetData>'
        f"{sheet_rows}</sheetData></worksheet>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return out.getvalue()


HEADER = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
    '<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c></row>'
)
STRINGS = [
    "<t>Câu hỏi</t>",
    "<t>A</t>",
    "<t>B</t>",
    "<t>Đáp án</t>",
    "<t>Nguồn</t>",
    "<t>Loại</t>",
    "<r><t>Đại hội </t></r><r><rPr><b/></rPr><t>XII</t></r><rPh><t>ignored</t></rPh><t>?</t>",
    "<t>một đáp án</t>",
    "<t>x_x000D_y</t>",
]


def test_shared_strings_rich_text_dates_and_numbers():
    rows = HEADER + (
        '<row r="3"><c r="A3" t="s"><v>6</v></c><c r="B3" s="1"><v>44909</v></c>'
        '<c r="C3"><v>2017</v></c><c r="D3" t="inlineStr"><is><t>A</t></is></c>'
        '<c r="E3" t="s"><v>8</v></c><c r="F3" t="s"><v>7</v></c></row>'
    )
    parsed = load_bank_file("excel.xlsx", excel_file(rows, strings=STRINGS))
    assert parsed.errors == [], [str(e) for e in parsed.errors]
    q = parsed.questions[0]
    assert q.stem == "Đại hội XII?"
    assert q.options == ["14/12/2022", "2017"]  # as the cell shows it (issue 18 item 1), never ISO
    assert q.source == "x\ny" and q.location.row == 3


def test_formula_with_cached_value_is_refused_at_its_cell():
    rows = HEADER + (
        '<row r="2"><c r="A2" t="s"><v>6</v></c><c r="B2"><v>1</v></c><c r="C2"><v>2</v></c>'
        '<c r="D2" t="str"><f>CHAR(65)</f><v>A</v></c><c r="E2" t="s"><v>4</v></c></row>'
    )
    parsed = load_bank_file("excel.xlsx", excel_file(rows, strings=STRINGS))
    assert [
        (e.location.row, e.location.column) for e in parsed.errors if "công thức" in e.message
    ] == [(2, "D")]


def test_a_doctype_is_refused_so_no_entity_can_expand():
    doctype = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    parsed = load_bank_file("bomb.xlsx", excel_file(HEADER, strings=STRINGS, doctype=doctype))
    assert len(parsed.errors) == 1 and "Không đọc được tệp Excel" in parsed.errors[0].message


def test_shared_string_index_out_of_range_is_a_plain_refusal():
    rows = '<row r="1"><c r="A1" t="s"><v>99</v></c></row>'
    parsed = load_bank_file("bad.xlsx", excel_file(rows, strings=STRINGS))
    assert len(parsed.errors) == 1 and "Excel" in parsed.errors[0].message
