"""Moodle GIFT: every supported feature, and refusals that name the line."""

from quizapp.services.banks import load_bank_file
from quizapp.services.banks.gift_writer import write_gift


def load(text: str):
    return load_bank_file("bank.gift", text.encode("utf-8"))


def only(text: str):
    parsed = load(text)
    assert parsed.errors == [], [str(e) for e in parsed.errors]
    return parsed.questions[0]


def test_category_becomes_the_topic():
    parsed = load(
        "$CATEGORY: $course$/top/Nhân sự\n\nCâu?{T}\n\n$CATEGORY: Phong trào\n\nCâu 2?{F}\n"
    )
    assert [t.title for t in parsed.topics] == ["Nhân sự", "Phong trào"]


def test_title_and_single_choice_with_feedback():
    q = only("::Đại hội::Đại hội XII năm nào?{=2022#Đúng rồi ~2017#Chưa đúng ~2012}")
    assert q.title == "Đại hội" and q.qtype == "single"
    assert q.options == ["2022", "2017", "2012"] and q.answer == {"correct": [0]}
    assert q.option_feedback == ["Đúng rồi", "Chưa đúng", ""]


def test_weights_make_a_multiple_choice_question():
    q = only("Chọn các ý đúng {~%50%A ~%50%B ~%-100%C}")
    assert q.qtype == "multiple" and q.answer == {"correct": [0, 1]}


def test_general_feedback_is_the_explanation():
    q = only("Câu?{=a ~b####Vì a là đúng.}")
    assert q.explanation == "Vì a là đúng."


def test_true_false_spellings():
    for block, truth in (("T", [0]), ("F", [1]), ("TRUE", [0]), ("FALSE", [1]), ("true", [0])):
        q = only(f"Câu?{{{block}}}")
        assert q.qtype == "true_false" and q.answer == {"correct": truth}


def test_true_false_feedback_goes_to_the_chosen_option():
    q = only("Câu?{T#Sai rồi#Chính xác}")
    assert q.option_feedback == ["Chính xác", "Sai rồi"]


def test_short_answer_with_several_accepted_answers():
    q = only("Viết tắt?{=TNCS =Thanh niên Cộng sản}")
    assert q.qtype == "short" and q.answer == {
        "accepted": ["TNCS", "Thanh niên Cộng sản"],
        "ignore_diacritics": False,
    }


def test_numeric_value_tolerance_and_range():
    assert only("Số?{#144:2}").answer == {"value": 144, "tolerance": 2}
    assert only("Số?{#144}").answer == {"value": 144, "tolerance": 0}
    assert only("Số?{#1.5..2.5}").answer == {"min": 1.5, "max": 2.5}


def test_escaped_special_characters_are_literal():
    q = only(r"Ký tự \~ \= \# \{ \} \: \\ ?{=a\=b ~c\#d}")
    assert q.stem == "Ký tự ~ = # { } : \\ ?"
    assert q.options == ["a=b", "c#d"]


def test_comments_are_ignored_and_metadata_comments_are_read():
    q = only(
        "// một chú thích\n// @id: dh-1\n// @source: Nguồn A\n// @difficulty: khó\n// @points: 2\n"
        "// @tags: a, b\nCâu?{T}"
    )
    assert (q.uid, q.source, q.difficulty, q.points, q.tags) == (
        "dh-1",
        "Nguồn A",
        "hard",
        2,
        ["a", "b"],
    )


def test_multiline_question_and_answers():
    q = only("::T::Dòng một\ndòng hai {\n=đúng\n~sai\n}")
    assert q.stem == "Dòng một\ndòng hai" and q.options == ["đúng", "sai"]


def test_blank_lines_separate_questions():
    parsed = load("A?{T}\n\nB?{F}\n\n\nC?{T}")
    assert [q.stem for q in parsed.questions] == ["A?", "B?", "C?"]


def test_matching_is_refused_naming_the_line():
    parsed = load("A?{T}\n\nGhép đôi {\n=a -> 1\n=b -> 2\n}")
    assert [(e.location.line, "matching" in e.message) for e in parsed.errors] == [(3, True)]


def test_essay_is_refused_naming_the_line():
    parsed = load("A?{T}\n\n\nViết cảm nghĩ {}")
    assert parsed.errors[0].location.line == 4 and "essay" in parsed.errors[0].message


def test_missing_word_is_refused_naming_the_line():
    parsed = load("Đại hội {=XII ~XI} diễn ra năm 2022.")
    assert parsed.errors[0].location.line == 1 and "missing word" in parsed.errors[0].message


def test_description_without_answers_is_refused():
    parsed = load("Chỉ là một đoạn mô tả.")
    assert "description" in parsed.errors[0].message


def test_several_equals_in_a_choice_block_is_an_error():
    parsed = load("Câu?{=a =b ~c}")
    assert any("«=»" in e.message for e in parsed.errors)


def test_export_reimports_with_special_characters():
    parsed = load(
        "// @id: x-1\n// @source: S\n::Tiêu đề\\: a::Câu \\{có\\} ngoặc ~ = #?{=%100%%50% là -> b ~c#phản hồi}"
    )
    assert parsed.errors == [] and parsed.questions[0].options[0] == "%50% là -> b"
    again = load(write_gift(parsed).decode("utf-8"))
    assert again.errors == [] and again.content() == parsed.content()


def test_moodle_numeric_export_with_tolerance_and_other_answers_feedback():
    """Issue 18 item 9: Moodle's export of a numeric question with a tolerance and feedback."""
    text = "// @source: S\n::Q1:: Năm nào? {#\n    =%100%2006:1#Đúng rồi\n    ~#Sai rồi\n}\n"
    parsed = load_bank_file("moodle.gift", text.encode())
    assert parsed.errors == []
    assert parsed.questions[0].answer == {"value": 2006, "tolerance": 1}
    assert any("~#" in str(w) for w in parsed.warnings)  # the ignored feedback is said


def test_a_full_stop_after_the_answer_block_is_the_end_of_a_sentence_with_a_blank():
    parsed = load_bank_file("b.gift", "// @source: S\nĐoàn thành lập năm {#1931}.\n".encode())
    assert parsed.errors == []
    assert parsed.questions[0].stem == "Đoàn thành lập năm _____."
    assert parsed.questions[0].answer == {"value": 1931, "tolerance": 0}


def test_format_markers_before_each_answer_and_feedback_are_applied_not_kept():
    """Issue 18 item 4: [moodle], [html], [plain], [markdown] before an option or a feedback."""
    text = "// @source: S\nThủ đô? {=[moodle]Hà Nội#[html]Đúng ~[plain]Huế#[markdown]Sai}\n"
    parsed = load_bank_file("m.gift", text.encode())
    assert parsed.errors == []
    q = parsed.questions[0]
    assert q.options == ["Hà Nội", "Huế"] and q.option_feedback == ["Đúng", "Sai"]


def test_a_description_or_a_missing_brace_is_one_error_not_two():
    """Issue 18 item 10: no spurious «Nội dung câu hỏi đang để trống» after the real error."""
    parsed = load("// @source: S\nChỉ là mô tả\n\n// @source: S\nCâu {=a\n")
    assert [e.message for e in parsed.errors] == [
        "Câu hỏi không có phần đáp án {…}; câu chỉ có mô tả (description) không được hỗ trợ.",
        "Thiếu dấu «}» đóng phần đáp án (mở ở dòng này).",
    ]


def test_no_correct_answer_in_gift_gives_gift_advice_not_spreadsheet_advice():
    [error] = load("// @source: S\nThủ đô? {~Hà Nội ~Huế}\n").errors
    assert "«=»" in error.message and "chữ cái" not in error.message
