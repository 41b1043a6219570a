"""The YAML bank format: reading, canonical writing, and its error messages."""

from pathlib import Path

from quizapp.services.banks import load_bank_file
from quizapp.services.banks.yaml_writer import write_yaml

EXAMPLE = Path(__file__).parent.parent / "question_banks" / "examples" / "vi-du.yaml"

HEAD = 'format: quizapp-bank/1\ntitle: "T"\ntopics:\n  - title: "Chủ đề"\n    questions:\n'


def load(text: str):
    return load_bank_file("bank.yaml", text.encode("utf-8"))


def messages(parsed):
    return [f"{p.location}: {p.message}" for p in parsed.errors]


def test_example_reads_every_question_type_with_its_key():
    parsed = load_bank_file(EXAMPLE.name, EXAMPLE.read_bytes())
    assert parsed.errors == []
    by_id = {q.uid: q for q in parsed.questions}
    assert by_id["vd-001"].answer == {"correct": [1]}
    assert by_id["vd-001"].option_feedback[1].startswith("Đúng")
    assert by_id["vd-002"].answer == {"correct": [0, 2]}
    assert by_id["vd-003"].options == ["Đúng", "Sai"] and by_id["vd-003"].answer == {"correct": [0]}
    assert by_id["vd-004"].answer == {
        "accepted": ["TNCS", "Thanh niên Cộng sản"],
        "ignore_diacritics": True,
    }
    assert by_id["vd-005"].answer == {"value": 12, "tolerance": 0}
    assert by_id["vd-006"].answer == {"min": 2021, "max": 2030}
    assert parsed.multiple_scoring == "partial"


def test_example_written_back_is_byte_identical():
    data = EXAMPLE.read_bytes()
    assert write_yaml(load_bank_file(EXAMPLE.name, data)) == data


def test_unknown_key_is_named_with_its_line():
    parsed = load(
        HEAD
        + '      - id: a\n        type: single\n        stem: "x"\n        options: ["a", "b"]\n'
        '        answer: A\n        explaination: "typo"\n'
    )
    assert any("dòng 11" in m and "explaination" in m for m in messages(parsed))


def test_yaml_syntax_error_names_the_line():
    parsed = load(HEAD + '      - id: a\n        stem: "unclosed\n')
    assert parsed.errors and parsed.errors[0].location.line is not None


def test_aliases_are_refused():
    parsed = load(
        HEAD + '      - &q {id: a, type: true_false, stem: "x", answer: true}\n      - *q\n'
    )
    assert any("tham chiếu" in m for m in messages(parsed))


def test_missing_format_line_is_an_error():
    parsed = load('title: "T"\ntopics: []\n')
    assert any("format: quizapp-bank/1" in m for m in messages(parsed))


def test_duplicate_key_is_an_error():
    parsed = load(
        HEAD
        + '      - id: a\n        id: b\n        type: true_false\n        stem: "x"\n        answer: true\n'
    )
    assert any("bị lặp lại" in m for m in messages(parsed))


def test_key_that_does_not_fit_the_type_is_named():
    parsed = load(
        HEAD + '      - id: a\n        type: short\n        stem: "x"\n        accepted: ["y"]\n'
        '        options: ["a", "b"]\n'
    )
    assert any("options" in m and "short" in m for m in messages(parsed))


def test_unquoted_yes_as_option_asks_for_quotes():
    parsed = load(
        HEAD
        + '      - id: a\n        type: single\n        stem: "x"\n        options: [yes, "b"]\n'
        "        answer: A\n"
    )
    assert any("ngoặc kép" in m for m in messages(parsed))


def test_numbers_and_dates_as_options_are_taken_as_written():
    parsed = load(
        HEAD
        + '      - id: a\n        type: single\n        stem: "x"\n        options: [2022, 2017]\n'
        '        answer: A\n        source: "s"\n'
    )
    assert parsed.errors == [] and parsed.questions[0].options == ["2022", "2017"]


def test_text_is_stored_in_nfc():
    decomposed = "Nghi\u0323 quyê\u0301t"
    parsed = load(
        HEAD
        + f'      - id: a\n        type: true_false\n        stem: "{decomposed}"\n        answer: true\n'
    )
    assert parsed.questions[0].stem == "Nghị quyết"
