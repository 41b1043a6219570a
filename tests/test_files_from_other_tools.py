"""Files as organisers really make them (issue 18): LibreOffice, xlsxwriter, SheetJS, exceljs.

The fixtures in tests/fixtures/files were made by those tools (make_fixtures.py, README.md there).
Where a file imports, it is exported again and read back: what a member must type is what the
organiser saw in the cell, before and after the round trip."""

from pathlib import Path

import pytest

from quizapp.services.banks import load_bank_file
from quizapp.services.banks.xlsx_format import write_xlsx

FILES = Path(__file__).parent / "fixtures" / "files"


def load(name: str):
    return load_bank_file(name, (FILES / name).read_bytes())


def by_stem(parsed) -> dict:
    return {q.stem: q for q in parsed.questions}


def assert_round_trip(parsed) -> None:
    again = load_bank_file("again.xlsx", write_xlsx(parsed))
    assert [(q.stem, q.options, q.answer) for q in again.questions] == [
        (q.stem, q.options, q.answer) for q in parsed.questions
    ]


def test_libreoffice_typed_cells_import_as_the_cells_show_them(app):
    parsed = load("lo-typed.xlsx")
    questions = by_stem(parsed)
    founded = questions["Đoàn TNCS Hồ Chí Minh được thành lập ngày nào?"]
    # Dates as Calc shows them, day first, four-digit years (Calc shows 26/03/31), never ISO;
    # 1890 is before Excel's calendar: LibreOffice stores it as a negative serial.
    assert founded.options == ["26/03/1931", "02/09/1945", "19/05/1890", "03/02/1930"]
    key = questions["Ghi ngày thành lập Đoàn (ngày/tháng/năm)."].answer["accepted"]
    assert key[0] == "26/03/1931" and {"26/3/1931", "26-3-1931", "26/03/1931"} <= set(key)
    # Percentages and decimal commas as shown, not 0.5.
    assert questions["Tỉ lệ đoàn viên tham gia là bao nhiêu?"].options == [
        "50,00%",
        "25,00%",
        "12,50%",
        "100,00%",
    ]
    assert questions["Một nửa viết dưới dạng số thập phân là?"].options == [
        "0,25",
        "0,5",
        "1,5",
        "2,5",
    ]


def test_libreoffice_title_row_and_header_notes_are_accepted(app):
    parsed = load(
        "lo-typed.xlsx"
    )  # row 1 is a title; «Đáp án (A/B/C/D)», «Độ khó (dễ/trung bình/khó)»
    questions = by_stem(parsed)
    assert questions["Đoàn TNCS Hồ Chí Minh được thành lập ngày nào?"].answer == {"correct": [0]}
    assert questions["Đoàn TNCS Hồ Chí Minh được thành lập ngày nào?"].difficulty == "easy"
    assert not any("không được nhận ra" in str(w) for w in parsed.warnings)


def test_a_duration_typed_in_a_numeric_key_is_quoted_as_shown_with_the_form_to_use(app):
    parsed = load("lo-typed.xlsx")
    [error] = parsed.errors
    assert error.location.row == 8 and error.location.column == "H"
    assert (
        "«366:02:00»" in error.message and "1900" not in error.message and "144±2" in error.message
    )


def test_libreoffice_typed_bank_round_trips(app):
    parsed = load("lo-typed.xlsx")
    for topic in parsed.topics:  # without the refused numeric key
        topic.questions = [q for q in topic.questions if q.qtype != "numeric"]
    assert_round_trip(parsed)


def test_the_visible_questions_sheet_is_read_never_a_hidden_one(app):
    parsed = load("lo-sheets.xlsx")
    assert parsed.errors == []
    assert [q.stem for q in parsed.questions] == [
        "Bí thư thứ nhất đầu tiên của Đoàn là ai?",
        "Đoàn mang tên Bác từ năm 1970.",
    ]
    warnings = [str(w) for w in parsed.warnings]
    assert any("được đọc từ trang tính «Câu hỏi»" in w and "«Cũ»" in w for w in warnings)
    assert any(
        "1 hàng đang bị ẩn" in w for w in warnings
    )  # the row a filter hid is said, not silent
    assert_round_trip(parsed)


def test_a_workbook_whose_questions_sheet_is_hidden_is_refused_naming_it(app):
    import io

    from openpyxl import load_workbook

    book = load_workbook(FILES / "lo-sheets.xlsx")
    book["Câu hỏi"].sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    parsed = load_bank_file("an.xlsx", out.getvalue())
    assert len(parsed.errors) == 1 and "các trang tính ẩn" in parsed.errors[0].message
    assert "«Câu hỏi»" in parsed.errors[0].message and "bỏ ẩn" in parsed.errors[0].message


@pytest.mark.parametrize("name", ["xlsxwriter-1904.xlsx", "exceljs-rich.xlsx"])
def test_other_writers_dates_and_percentages(app, name):
    parsed = load(name)
    assert parsed.errors == []
    questions = by_stem(parsed)
    assert questions["Đoàn được thành lập ngày nào?"].options[0] == "26/03/1931"
    assert questions["Tỉ lệ nào là một nửa?"].options == ["25%", "50%"]
    assert_round_trip(parsed)


def test_a_date_without_a_year_stays_without_one(app):
    key = by_stem(load("xlsxwriter-1904.xlsx"))["Ngày thành lập Đoàn (ngày/tháng)?"].answer[
        "accepted"
    ]
    assert key[0] == "26/3" and "26/03" in key and not any("2026" in k for k in key)


def test_sheetjs_iso_date_cells(app):
    parsed = load("sheetjs-dates.xlsx")
    assert parsed.errors == []
    assert parsed.questions[0].options == ["26/03/1931", "2/9/1945"]
    assert_round_trip(parsed)


def test_our_export_saved_again_by_libreoffice_imports_as_it_was(app):
    """The project's example bank, exported by quizapp and saved again by Calc, is the same bank:
    reading cells as shown must not change what LibreOffice keeps as it was."""
    source = Path(__file__).parent.parent / "question_banks" / "examples" / "vi-du.yaml"
    original = load_bank_file(source.name, source.read_bytes())
    resaved = load("lo-resaved-vi-du.xlsx")
    assert resaved.errors == []

    def content(parsed):
        return [
            (
                t.title,
                [
                    (q.uid, q.qtype, q.stem, q.options, q.answer, q.explanation, q.source, q.points)
                    for q in t.questions
                ],
            )
            for t in parsed.topics
        ]

    assert content(resaved) == content(original)
