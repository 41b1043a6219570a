"""Reading roster files: the headers organisers write, CSV encodings, XLSX sheets, cell values."""

import io
import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from quizapp.services.roster import columns as C
from quizapp.services.roster import parse_roster
from quizapp.services.roster import values as V
from quizapp.text import INVISIBLE, MAX_COMBINING_RUN

HEADER = "Mã đoàn viên,Họ và tên,Ngày sinh,Chi đoàn\n"


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    """An .xlsx file with one sheet per entry."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_headers_match_without_case_diacritics_spaces_or_notes():
    headers = [
        "MÃ ĐOÀN VIÊN",
        "ho va ten",
        "Ngày sinh (dd/mm/yyyy)",
        "Giới  tính",
        "SĐT",
        "Cán bộ Đoàn (*)",
        "Số thẻ đoàn viên",
        "Chi đoàn",
    ]
    assert [C.field_for_header(h) for h in headers] == [
        C.CODE,
        C.FULL_NAME,
        C.BIRTH_DATE,
        C.GENDER,
        C.PHONE,
        C.IS_CADRE,
        C.CODE,
        C.CHAPTER,
    ]


def test_english_headers_are_accepted():
    headers = [
        "Member code",
        "Full name",
        "Date of birth",
        "Gender",
        "Ethnicity",
        "Phone",
        "Email",
        "Chapter",
        "Cadre",
    ]
    assert [C.field_for_header(h) for h in headers] == [
        C.CODE,
        C.FULL_NAME,
        C.BIRTH_DATE,
        C.GENDER,
        C.ETHNICITY,
        C.PHONE,
        C.EMAIL,
        C.CHAPTER,
        C.IS_CADRE,
    ]


def test_no_alias_names_two_fields():
    fields_by_header: dict[str, set[str]] = {}
    for fld, aliases in C._ALIASES.items():
        for alias in aliases:
            fields_by_header.setdefault(C.fold_header(alias), set()).add(fld)
    assert all(len(fields) == 1 for fields in fields_by_header.values())


def test_csv_with_and_without_bom_read_the_same(app):
    body = HEADER + "DV001,Lò Văn Ánh,05/09/2001,Chi đoàn bản Nà Sản\n"
    with_bom = parse_roster("ds.csv", ("\ufeff" + body).encode())
    without = parse_roster("ds.csv", body.encode())
    assert with_bom.rows == without.rows
    assert with_bom.columns[0] == C.CODE


def test_semicolon_separated_csv_is_read(app):
    parsed = parse_roster(
        "ds.csv", "Mã đoàn viên;Họ và tên;Chi đoàn\nDV001;Lò Văn Ánh;Nà Sản\n".encode()
    )
    assert parsed.errors == []
    assert parsed.rows[0][2] == ("DV001", "Lò Văn Ánh", "Nà Sản")


def test_csv_not_in_utf8_is_refused_with_a_vietnamese_message(app):
    # "Mã đoàn viên,Họ và tên / DV001,Trần" as Excel saves it on Vietnamese Windows (cp1258:
    # base letters with circumflex, breve or horn precomposed, tone marks combining)
    text = "Ma\u0303 \u0111oa\u0300n vi\u00ean,Ho\u0323 va\u0300 t\u00ean\nDV001,Tr\u00e2\u0300n\n"
    parsed = parse_roster("ds.csv", text.encode("cp1258"))
    assert parsed.rows == []
    assert "dòng 1" in parsed.errors[0].message
    assert "không ở mã UTF-8" in parsed.errors[0].message
    assert "CSV UTF-8" in parsed.errors[0].message


def test_utf16_csv_is_refused(app):
    parsed = parse_roster("ds.csv", (HEADER + "DV001,Lò Văn Ánh,,Nà Sản\n").encode("utf-16"))
    assert "UTF-8" in parsed.errors[0].message


def test_header_row_is_found_below_title_lines_and_rows_keep_their_numbers(app):
    body = (
        "DANH SÁCH ĐOÀN VIÊN,,,\nChi đoàn bản Nà Sản,,,\n,,,\n"
        + HEADER
        + "DV001,Lò Văn Ánh,05/09/2001,Nà Sản\n,,,\nDV002,Cầm Thị Hoa,,Nà Sản\n"
    )
    parsed = parse_roster("ds.csv", body.encode())
    assert [(number, values[0]) for _sheet, number, values in parsed.rows] == [
        (5, "DV001"),
        (7, "DV002"),
    ]


def test_file_without_a_header_row_is_refused(app):
    parsed = parse_roster("ds.csv", b"a,b,c\n1,2,3\n")
    assert "Không tìm thấy dòng tiêu đề" in parsed.errors[0].message


def test_a_column_named_twice_is_an_error(app):
    parsed = parse_roster("ds.csv", "Mã đoàn viên,Họ và tên,Số thẻ đoàn viên\nA,B,C\n".encode())
    assert "xuất hiện hai lần" in parsed.errors[0].message
    assert parsed.errors[0].column == "Số thẻ đoàn viên"


def test_unknown_columns_become_custom_attributes_and_stt_is_ignored(app):
    parsed = parse_roster(
        "ds.csv", "STT,Mã đoàn viên,Họ và tên,Tôn giáo,Trình độ\n1,DV1,An,Không,Đại học\n".encode()
    )
    assert parsed.columns == [C.CODE, C.FULL_NAME, "attr:Tôn giáo", "attr:Trình độ"]


def test_old_excel_and_other_files_are_refused_with_advice(app):
    assert ".xlsx" in parse_roster("ds.xls", b"\xd0\xcf\x11\xe0").errors[0].message
    assert "'ds.pdf'" in parse_roster("ds.pdf", b"%PDF").errors[0].message


def test_damaged_xlsx_is_refused(app):
    assert (
        "Không đọc được tệp Excel"
        in parse_roster("ds.xlsx", b"PK\x03\x04 not really").errors[0].message
    )


def test_xlsx_reads_every_visible_sheet_with_its_name(app):
    data = xlsx(
        {
            "Nà Sản": [
                ["Mã đoàn viên", "Họ và tên", "Chi đoàn"],
                ["DV001", "Lò Văn Ánh", "Nà Sản"],
            ],
            "Ghi chú": [["Danh sách lập ngày 01/03/2024"]],
            "Co Muồng": [
                ["Họ và tên", "Mã đoàn viên", "Chi đoàn", "Dân tộc"],
                ["Cầm Thị Hoa", "DV002", "Co Muồng", "Thái"],
            ],
        }
    )
    parsed = parse_roster("ds.xlsx", data)
    assert parsed.errors == []
    rows = {values[0]: (sheet, number, values) for sheet, number, values in parsed.rows}
    assert rows["DV002"][:2] == ("Co Muồng", 2)
    assert rows["DV002"][2][parsed.columns.index(C.ETHNICITY)] == "Thái"
    assert (
        rows["DV001"][2][parsed.columns.index(C.ETHNICITY)] is None
    )  # that sheet has no such column
    assert any(w.sheet == "Ghi chú" for w in parsed.warnings)


def test_xlsx_row_limit_is_enforced(app):
    app.config["ROSTER_MAX_ROWS"] = 2
    data = xlsx({"DS": [["Mã đoàn viên", "Họ và tên"]] + [[f"DV{i}", "An"] for i in range(3)]})
    assert "hơn 2 dòng" in parse_roster("ds.xlsx", data).errors[0].message


def test_oversized_file_is_refused_before_reading(app):
    app.config["ROSTER_MAX_BYTES"] = 100
    assert "quá lớn" in parse_roster("ds.csv", (HEADER * 10).encode()).errors[0].message


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("05/09/2001", date(2001, 9, 5)),
        ("5/9/2001", date(2001, 9, 5)),
        ("05-09-2001", date(2001, 9, 5)),
        ("05.09.2001", date(2001, 9, 5)),
        ("2001-09-05", date(2001, 9, 5)),
        (datetime(2001, 9, 5), date(2001, 9, 5)),
        ("", None),
    ],
)
def test_birth_dates_in_vietnamese_or_iso_order(app, raw, expected):
    assert V.DateReader(date(2024, 1, 1))(raw) == expected


@pytest.mark.parametrize(
    "raw", ["31/02/2001", "2001", "09/2001", "mùng 5", "05/09/2031", "01/01/1850"]
)
def test_impossible_birth_dates_are_refused(app, raw):
    with pytest.raises(V.CellError):
        V.DateReader(date(2024, 1, 1))(raw)


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 1, 1)))
def test_any_birth_date_reads_back_in_both_spellings(day):
    read = V.DateReader(date(2024, 1, 1))
    assert read(day.strftime("%d/%m/%Y")) == day == read(day.isoformat())


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0912 345 678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        (912345678, "0912345678"),
        ("84912345678", "0912345678"),
        ("", None),
    ],
)
def test_phone_numbers_are_stored_in_one_form(app, raw, expected):
    assert V.phone(raw) == expected


@pytest.mark.parametrize("raw", ["12ab", "123", "0912-345-678-999"])
def test_bad_phone_numbers_are_refused(app, raw):
    with pytest.raises(V.CellError):
        V.phone(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("x", True),
        ("X", True),
        ("Có", True),
        ("co", True),
        ("1", True),
        ("✓", True),
        ("", False),
        ("Không", False),
        ("0", False),
        (True, True),
    ],
)
def test_cadre_flag_spellings(app, raw, expected):
    assert V.cadre_flag(raw) is expected


@pytest.mark.parametrize(
    "raw, expected",
    [("Nam", "nam"), ("NỮ", "nu"), ("nu", "nu"), ("Female", "nu"), ("Khác", "khac"), ("", None)],
)
def test_gender_spellings(app, raw, expected):
    assert V.gender(raw) == expected


def _longest_mark_run(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if unicodedata.combining(char) else 0
        longest = max(longest, run)
    return longest


@settings(max_examples=80, deadline=None)
@given(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp")),
        min_size=1,
        max_size=60,
    )
    .filter(lambda s: s.strip() and not set(s) & INVISIBLE)
    .filter(lambda s: _longest_mark_run(unicodedata.normalize("NFC", s)) <= MAX_COMBINING_RUN)
)
def test_names_are_kept_as_written_in_nfc(name):
    """Visible text is kept as written (NFC); invisible and format characters are another test's."""
    decomposed = unicodedata.normalize("NFD", name)
    assert V.full_name(decomposed) == unicodedata.normalize("NFC", decomposed).strip()


def test_member_code_with_a_space_inside_is_refused(app):
    with pytest.raises(V.CellError, match="dấu cách"):
        V.member_code("DV 001")


def roster_zip_bomb(rows: int) -> bytes:
    """A roster workbook as the review sent it: a small file whose one sheet repeats the same
    member row until it inflates a few hundred times over (here `rows` rows of ~400 bytes)."""
    import zipfile

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="DS" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                f'<worksheet xmlns="{main}"><sheetData><row><c t="inlineStr"><is><t>Mã đoàn viên</t>'
                '</is></c><c t="inlineStr"><is><t>Họ và tên</t></is></c></row>'.encode()
            )
            row = (
                '<row><c t="inlineStr"><is><t>DV0000001</t></is></c><c t="inlineStr"><is><t>'
                + "Nguyễn Văn An " * 20
                + "</t></is></c></row>"
            ).encode()
            block = row * 1000
            for _ in range(rows // 1000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_a_roster_zip_bomb_is_refused_before_it_is_parsed(app):
    """Issue 11 item 3: a small roster that unpacks hundreds of times over is refused at once, by the
    same guard as bank workbooks (it used to be parsed by openpyxl for minutes)."""
    data = roster_zip_bomb(100_000)  # ~40 MB of XML in a file of ~100 KB
    assert len(data) < 1024 * 1024
    parsed = parse_roster("ds.xlsx", data)
    assert parsed.rows == []
    assert [e.message for e in parsed.errors] == [
        (
            "Tệp Excel khi giải nén quá lớn (41 MB) hoặc nén bất thường nên bị từ chối; hãy chia thành các tệp "
            "nhỏ hơn, mỗi tệp một phần danh sách."
        )
    ]


def test_rows_hidden_by_a_filter_are_counted_in_a_warning(app):
    """Issue 18 item 10: hidden rows are imported like the others, but not without a word."""
    book = Workbook()
    sheet = book.active
    sheet.title = "DS"
    for row in [
        ["Mã đoàn viên", "Họ và tên"],
        ["DV1", "Lò Văn A"],
        ["DV2", "Cầm Thị B"],
        ["DV3", "Hà Văn C"],
    ]:
        sheet.append(row)
    sheet.row_dimensions[3].hidden = sheet.row_dimensions[4].hidden = True
    out = io.BytesIO()
    book.save(out)
    parsed = parse_roster("ds.xlsx", out.getvalue())
    assert len(parsed.rows) == 3
    assert [str(w) for w in parsed.warnings] == [
        "Trang tính 'DS': 2 dòng đang bị ẩn (bởi bộ lọc hoặc ẩn tay) vẫn được nhập như các dòng khác."
    ]


def test_a_utf16_csv_is_refused_naming_utf16(app):
    data = "Mã đoàn viên,Họ và tên\nDV1,Lò Văn A\n".encode("utf-16")
    [error] = parse_roster("ds.csv", data).errors
    assert "UTF-16" in error.message and "CSV UTF-8" in error.message


def test_a_parsed_roster_kept_with_its_upload_comes_back_the_same(app):
    """What the upload read is what the preview and the confirmation use (issue 11 item 3)."""
    from quizapp.services.roster import dump_parsed, load_parsed

    data = xlsx(
        {
            "DS": [
                ["Mã đoàn viên", "Họ và tên", "Ngày sinh", "Số điện thoại", "Cán bộ"],
                ["DV1", "Lò Văn A", datetime(2001, 5, 4), 912345678, True],
                ["DV2", "Cầm Thị B", None, "0977000111", False],
            ]
        }
    )
    parsed = parse_roster("ds.xlsx", data)
    again = load_parsed(dump_parsed(parsed))
    assert again == parsed
    with pytest.raises(ValueError):
        load_parsed(b"not a kept roster")
