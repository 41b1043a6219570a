"""Aiken: options A./A), ANSWER line, quizapp's optional extra lines."""
from quizapp.services.banks import load_bank_file

SAMPLE = """Đại hội Đoàn toàn quốc lần thứ XII diễn ra năm nào?
A. 2017
B) 2022
C. 2012
D. 2027
ANSWER: B
NGUỒN: Bảng dữ kiện, mục 1
GIẢI THÍCH: Tháng 12/2022.
ID: dh-1

Câu thứ hai?
A. Một
B. Hai
ANSWER: A
SOURCE: Nguồn 2
"""


def test_options_answer_and_extra_lines():
    parsed = load_bank_file("mau.aiken", SAMPLE.encode("utf-8"))
    assert parsed.errors == []
    first, second = parsed.questions
    assert first.options == ["2017", "2022", "2012", "2027"] and first.answer == {"correct": [1]}
    assert (first.source, first.explanation, first.uid) == ("Bảng dữ kiện, mục 1", "Tháng 12/2022.", "dh-1")
    assert second.source == "Nguồn 2" and second.qtype == "single"


def test_txt_file_with_answer_lines_is_read_as_aiken():
    assert load_bank_file("mau.txt", SAMPLE.encode("utf-8")).source_format == "aiken"


def test_missing_answer_line_is_reported_at_the_question():
    parsed = load_bank_file("x.aiken", "Câu?\nA. a\nB. b\n".encode())
    assert [e.location.line for e in parsed.errors] == [1]


def test_answer_without_that_option_is_reported_at_its_line():
    parsed = load_bank_file("x.aiken", "Câu?\nA. a\nB. b\nANSWER: D\n".encode())
    assert [e.location.line for e in parsed.errors] == [4]


def test_topic_line_starts_a_topic():
    parsed = load_bank_file("x.aiken", "CHỦ ĐỀ: Nhân sự\nCâu?\nA. a\nB. b\nANSWER: A\n".encode())
    assert [t.title for t in parsed.topics] == ["Nhân sự"]


def test_source_cited_at_the_end_of_the_question_line_becomes_the_source():
    text = "Đại hội ở đâu? (Nguồn: Bảng dữ kiện, mục 1 (Hà Nội) — https://x.vn/a)\nA. Hà Nội\nB. Huế\nANSWER: A\n"
    q = load_bank_file("x.txt", text.encode()).questions[0]
    assert (q.stem, q.source) == ("Đại hội ở đâu?", "Bảng dữ kiện, mục 1 (Hà Nội) — https://x.vn/a")


def test_source_line_wins_over_nothing_and_stem_keeps_other_parentheses():
    text = "Câu (có ngoặc) hỏi?\nA. x\nB. y\nANSWER: B\nSOURCE: S\n"
    q = load_bank_file("x.txt", text.encode()).questions[0]
    assert (q.stem, q.source) == ("Câu (có ngoặc) hỏi?", "S")
