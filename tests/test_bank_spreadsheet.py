"""The Excel/CSV template: headers in Vietnamese or English, safe opening, errors by sheet/row/column."""

import dataclasses
import io
import zipfile
from pathlib import Path

import openpyxl

from quizapp.services import xlsx_reader
from quizapp.services.banks import load_bank_file
from quizapp.services.banks.xlsx_format import write_xlsx

TEMPLATE = (
    Path(__file__).parent.parent / "question_banks" / "template" / "mau-ngan-hang-cau-hoi.xlsx"
)
HEADERS = [
    "Chủ đề",
    "Loại",
    "Câu hỏi",
    "A",
    "B",
    "C",
    "D",
    "Đáp án",
    "Giải thích",
    "Nguồn",
    "Độ khó",
    "Điểm",
]


def workbook_bytes(rows, sheet="Câu hỏi", extra=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    if extra:
        extra(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_vietnamese_headers_and_type_names():
    data = workbook_bytes(
        [
            HEADERS,
            [
                "Đại hội",
                "một đáp án",
                "Năm nào?",
                "2017",
                "2022",
                None,
                None,
                "B",
                "Vì…",
                "Nguồn 1",
                "dễ",
                1,
            ],
            [
                None,
                "nhiều đáp án",
                "Chọn hai",
                "a",
                "b",
                "c",
                None,
                "A, C",
                None,
                "Nguồn 2",
                "khó",
                2,
            ],
            [
                "Khác",
                "đúng sai",
                "Đúng không?",
                None,
                None,
                None,
                None,
                "Sai",
                None,
                "Nguồn 3",
                None,
                None,
            ],
            [
                "Khác",
                "trả lời ngắn",
                "Viết tắt?",
                None,
                None,
                None,
                None,
                "TNCS | Thanh niên Cộng sản",
                None,
                "N",
                None,
                None,
            ],
            ["Khác", "số", "Bao nhiêu?", None, None, None, None, "144±2", None, "N", None, None],
        ]
    )
    parsed = load_bank_file("bank.xlsx", data)
    assert parsed.errors == [], [str(e) for e in parsed.errors]
    single, multiple, tf, short, numeric = parsed.questions
    assert [t.title for t in parsed.topics] == ["Đại hội", "Khác"]
    assert single.answer == {"correct": [1]} and single.difficulty == "easy"
    assert multiple.answer == {"correct": [0, 2]} and multiple.points == 2
    assert tf.answer == {"correct": [1]}
    assert short.answer["accepted"] == ["TNCS", "Thanh niên Cộng sản"]
    assert numeric.answer == {"value": 144, "tolerance": 2}


def test_english_header_aliases():
    data = workbook_bytes(
        [
            [
                "Topic",
                "Type",
                "Question",
                "Option A",
                "Option B",
                "Answer",
                "Explanation",
                "Source",
                "Difficulty",
                "Points",
                "ID",
                "Title",
                "Tags",
            ],
            ["T", "single", "Q?", "x", "y", "A", "E", "S", "medium", 3, "q-1", "Tt", "a, b"],
        ]
    )
    parsed = load_bank_file("bank.xlsx", data)
    assert parsed.errors == []
    q = parsed.questions[0]
    assert (q.uid, q.title, q.tags, q.points, q.difficulty) == (
        "q-1",
        "Tt",
        ["a", "b"],
        3,
        "medium",
    )


def test_more_than_four_option_columns():
    data = workbook_bytes(
        [
            ["Câu hỏi", "A", "B", "C", "D", "E", "F", "Đáp án", "Nguồn"],
            ["Q?", 1, 2, 3, 4, 5, 6, "F", "S"],
        ]
    )
    q = load_bank_file("bank.xlsx", data).questions[0]
    assert (
        q.options == ["1", "2", "3", "4", "5", "6"]
        and q.answer == {"correct": [5]}
        and q.qtype == "single"
    )


def test_several_errors_each_with_sheet_row_and_column():
    data = workbook_bytes(
        [
            HEADERS,
            ["T", "một đáp án", "Q1", "a", "b", None, None, "E", None, "S", None, None],
            ["T", "loại lạ", "Q2", "a", "b", None, None, "A", None, "S", None, None],
            ["T", "một đáp án", "Q3", "a", "b", None, None, "A", None, "S", "rất khó", "x"],
        ]
    )
    parsed = load_bank_file("bank.xlsx", data)
    places = {(e.location.sheet, e.location.row, e.location.column) for e in parsed.errors}
    assert places == {
        ("Câu hỏi", 2, "H"),
        ("Câu hỏi", 3, "B"),
        ("Câu hỏi", 4, "K"),
        ("Câu hỏi", 4, "L"),
    }
    assert all("trang tính «Câu hỏi», hàng" in str(e.location) for e in parsed.errors)


def test_formula_cells_are_refused_with_their_place():
    data = workbook_bytes(
        [HEADERS, ["T", "một đáp án", "Q", "a", "b", None, None, "=CHAR(65)", None, "S"]]
    )
    parsed = load_bank_file("bank.xlsx", data)
    assert [
        (e.location.row, e.location.column) for e in parsed.errors if "công thức" in e.message
    ] == [(2, "H")]


def test_text_starting_with_equals_is_exported_as_text_not_formula():
    parsed = load_bank_file(
        "bank.xlsx",
        workbook_bytes(
            [HEADERS, ["T", "đúng sai", "Q", None, None, None, None, "Đúng", None, "S"]]
        ),
    )
    parsed.questions[0].stem = "=1+1 là bao nhiêu?"
    again = load_bank_file("again.xlsx", write_xlsx(parsed))
    assert again.errors == [] and again.questions[0].stem == "=1+1 là bao nhiêu?"


def test_zip_bomb_is_refused_before_opening():
    data = workbook_bytes([HEADERS])
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (5 * 1024 * 1024))
    parsed = load_bank_file("bomb.xlsx", out.getvalue())
    assert len(parsed.errors) == 1 and "giải nén" in parsed.errors[0].message


def test_uncompressed_size_limit(monkeypatch):
    monkeypatch.setattr(
        xlsx_reader, "LIMITS", dataclasses.replace(xlsx_reader.LIMITS, max_unpacked=1000)
    )
    parsed = load_bank_file("big.xlsx", workbook_bytes([HEADERS]))
    assert "giải nén" in parsed.errors[0].message


def test_broken_xlsx_is_refused_plainly():
    parsed = load_bank_file("broken.xlsx", b"PK\x03\x04 not really a zip")
    assert len(parsed.errors) == 1 and "Excel" in parsed.errors[0].message


def test_old_xls_asks_to_save_as_xlsx():
    parsed = load_bank_file("cu.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert ".xlsx" in parsed.errors[0].message


def test_missing_question_column_is_reported():
    parsed = load_bank_file("bank.xlsx", workbook_bytes([["Chủ đề", "Nội dung lạ"], ["a", "b"]]))
    assert any("Câu hỏi" in e.message for e in parsed.errors)


def test_bank_information_sheet_is_read():
    def info(wb):
        ws = wb.create_sheet("Thông tin")
        ws.append(["Mã ngân hàng", "ngan-hang-thu"])
        ws.append(["Tên ngân hàng", "Ngân hàng thử"])
        ws.append(["Chấm câu nhiều đáp án", "từng phần"])

    parsed = load_bank_file(
        "bank.xlsx",
        workbook_bytes(
            [HEADERS, ["T", "đúng sai", "Q", None, None, None, None, "Đúng", None, "S"]], extra=info
        ),
    )
    assert (parsed.slug, parsed.title, parsed.multiple_scoring) == (
        "ngan-hang-thu",
        "Ngân hàng thử",
        "partial",
    )


def test_shipped_template_has_vietnamese_headers_dropdowns_and_instructions():
    wb = openpyxl.load_workbook(TEMPLATE)
    sheet = wb["Câu hỏi"]
    headers = [c.value for c in sheet[1]]
    assert headers[:12] == HEADERS and {"Mã câu", "Tiêu đề", "Nhãn"} <= set(headers)
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert any("một đáp án" in f for f in lists) and any("trung bình" in f for f in lists)
    assert "Hướng dẫn" in wb.sheetnames


def test_shipped_template_reads_as_an_empty_bank():
    parsed = load_bank_file(TEMPLATE.name, TEMPLATE.read_bytes())
    assert [e.message for e in parsed.errors] == ["Tệp không có câu hỏi nào."]


def test_csv_with_bom_and_semicolons():
    text = "\ufeffChủ đề;Loại;Câu hỏi;A;B;Đáp án;Nguồn\nT;một đáp án;Q?;x;y;B;S\n"
    parsed = load_bank_file("bank.csv", text.encode("utf-8"))
    assert parsed.errors == [] and parsed.questions[0].answer == {"correct": [1]}


def test_csv_errors_name_row_and_column():
    text = "Câu hỏi,A,B,Đáp án,Nguồn\nQ1,x,y,A,S\nQ2,x,y,Z,S\n"
    parsed = load_bank_file("bank.csv", text.encode("utf-8"))
    assert [(e.location.row, e.location.column) for e in parsed.errors] == [(3, "D")]


def test_gap_in_options_is_an_error():
    text = "Câu hỏi,A,B,C,Đáp án,Nguồn\nQ1,x,,z,A,S\n"
    parsed = load_bank_file("bank.csv", text.encode("utf-8"))
    assert [(e.location.row, e.location.column) for e in parsed.errors] == [(2, "C")]
