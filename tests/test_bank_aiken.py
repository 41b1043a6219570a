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
    assert (first.source, first.explanation, first.uid) == (
        "Bảng dữ kiện, mục 1",
        "Tháng 12/2022.",
        "dh-1",
    )
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


def test_options_without_a_space_after_the_letter_as_moodle_reads_them():
    """Issue 18 item 5: Moodle's aiken_errors.txt fixture expects «A)Incorrect (No space)» to import."""
    text = (
        "A second good question\nA)Incorrect (No space)\nB)Correct (No space)\nANSWER: B\n\n"
        "Thủ đô của Việt Nam?\nA.Hà Nội\nB.Huế\nANSWER: A\n"
    )
    parsed = load_bank_file("moodle.txt", text.encode())
    assert parsed.errors == []
    assert [(q.options, q.answer) for q in parsed.questions] == [
        (["Incorrect (No space)", "Correct (No space)"], {"correct": [1]}),
        (["Hà Nội", "Huế"], {"correct": [0]}),
    ]


def test_a_stem_line_that_starts_like_an_option_but_out_of_order_stays_in_the_stem():
    parsed = load_bank_file(
        "b.txt", "Câu hỏi dài\nU.S.A là viết tắt của?\nA. Hoa Kỳ\nB. Anh\nANSWER: A\n".encode()
    )
    assert parsed.errors == [] and parsed.questions[0].stem == "Câu hỏi dài\nU.S.A là viết tắt của?"
