"""Validation shared by every format: all problems at once, with places; warnings do not block."""

import pytest
from sqlalchemy import func, select

from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import Bank, Question
from quizapp.services.banks import BankImportError, import_bank, limits, load_bank_file

SEVERAL_PROBLEMS = """format: quizapp-bank/1
title: "Nhiều lỗi"
topics:
  - title: "Chủ đề"
    questions:
      - id: a-1
        type: single
        stem: "Một câu không có đáp án đúng"
        options: ["x", "y"]
        answer: E
        source: "S"
      - id: a-1
        type: true_false
        stem: "Mã câu bị trùng"
        answer: true
        source: "S"
      - id: a-3
        type: numeric
        stem: "Khoảng ngược"
        min: 5
        max: 1
        source: "S"
      - id: a-4
        type: loai-la
        stem: "Loại lạ"
        source: "S"
"""


def test_every_problem_is_reported_with_its_line():
    parsed = load_bank_file("loi.yaml", SEVERAL_PROBLEMS.encode("utf-8"))
    assert [p.location.line for p in parsed.errors] == [10, 12, 20, 24]


def test_file_with_errors_writes_nothing(app):
    parsed = load_bank_file("loi.yaml", SEVERAL_PROBLEMS.encode("utf-8"))
    with pytest.raises(BankImportError) as caught:
        import_bank(parsed, now=now_utc())
    assert len(caught.value.problems) == 4
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Bank)) == 0
    assert db.session.scalar(select(func.count()).select_from(Question)) == 0


def test_messages_render_in_vietnamese_inside_the_app_without_a_request(app):
    parsed = load_bank_file("loi.yaml", SEVERAL_PROBLEMS.encode("utf-8"))
    assert str(parsed.errors[0]).startswith("dòng 10: Đáp án E không có phương án tương ứng")


def test_warnings_do_not_block_duplicate_text_repeated_option_no_source():
    text = """format: quizapp-bank/1
title: "Cảnh báo"
topics:
  - title: "Chủ đề"
    questions:
      - {id: a, type: single, stem: "Cùng một câu", options: ["x", "x"], answer: A}
      - {id: b, type: true_false, stem: "cùng MỘT câu", answer: true, source: "S"}
"""
    parsed = load_bank_file("w.yaml", text.encode("utf-8"))
    assert parsed.errors == []
    kinds = sorted(p.message.split(" ")[0] for p in parsed.warnings)
    assert len(parsed.warnings) == 3, [str(w) for w in parsed.warnings]
    assert any("trùng với phương án" in w.message for w in parsed.warnings)
    assert any("chưa ghi nguồn" in w.message for w in parsed.warnings)
    assert any("trùng với câu ở dòng 6" in w.message for w in parsed.warnings) and kinds


@pytest.mark.parametrize("encoding", ["cp1258", "latin-1"])
def test_legacy_encodings_are_refused_saying_so(encoding):
    data = (
        "Câu hỏi,A,B,Đáp án\nĐại hội?,x,y,A\n".encode()
        .decode("utf-8")
        .encode(encoding, errors="replace")
    )
    parsed = load_bank_file("bank.csv", data)
    assert len(parsed.errors) == 1 and "UTF-8" in parsed.errors[0].message


def test_utf16_is_refused_saying_so():
    parsed = load_bank_file("bank.gift", "Câu?{T}".encode("utf-16"))
    assert "UTF-16" in parsed.errors[0].message


def test_utf8_with_and_without_bom_read_the_same():
    text = "Câu?{T}\n"
    plain = load_bank_file("a.gift", text.encode("utf-8"))
    bom = load_bank_file("a.gift", b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert plain.errors == bom.errors == [] and plain.content() == bom.content()


def test_oversized_text_file_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_BYTES", 100)
    parsed = load_bank_file("big.gift", ("Câu?{T}\n\n" * 20).encode())
    assert "quá lớn" in parsed.errors[0].message


def test_overlong_question_is_an_error():
    parsed = load_bank_file(
        "long.gift", ("// @source: S\n" + "x" * (limits.MAX_STEM_CHARS + 1) + "{T}").encode()
    )
    assert any("quá dài" in e.message for e in parsed.errors)


def test_too_many_questions_is_an_error(monkeypatch):
    monkeypatch.setattr(limits, "MAX_QUESTIONS", 2)
    parsed = load_bank_file("many.gift", b"A?{T}\n\nB?{T}\n\nC?{T}\n")
    assert any("Quá nhiều câu hỏi" in e.message for e in parsed.errors)


def test_unknown_extension_lists_supported_formats():
    parsed = load_bank_file("bank.docx", b"whatever")
    assert ".xlsx" in parsed.errors[0].message and ".gift" in parsed.errors[0].message


def test_questions_without_id_get_a_stable_generated_one():
    first = load_bank_file("a.gift", "Câu một?{T}\n\nCâu hai?{F}".encode())
    second = load_bank_file("b.gift", "Câu hai?{F}\n\nCâu một?{T}".encode())
    assert {q.uid for q in first.questions} == {q.uid for q in second.questions}
    assert all(q.uid.startswith("q-") for q in first.questions)


def test_control_characters_are_refused():
    parsed = load_bank_file("c.gift", "Câu\x07?{T}".encode())
    assert any("ký tự điều khiển" in e.message for e in parsed.errors)
