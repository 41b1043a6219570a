"""Grading is a pure function of the questions (with their keys) and the stored answers."""

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.services.attempts.grading import (
    AnswerError,
    clean_answer,
    grade,
    parse_integer,
    parse_number,
    question_fraction,
)

AON, PARTIAL = "all_or_nothing", "partial"


def q(qtype, answer, options=(), points=1.0):
    return SimpleNamespace(qtype=qtype, answer=answer, options=list(options), points=points)


SINGLE = q("single", {"correct": [2]}, ["a", "b", "c", "d"])
MULTI = q("multiple", {"correct": [0, 2]}, ["a", "b", "c", "d"])
TF = q("true_false", {"correct": [1]}, ["Đúng", "Sai"])
SHORT = q("short", {"accepted": ["Nghị quyết Đại hội", "NQ XII"], "ignore_diacritics": False})
SHORT_FOLD = q("short", {"accepted": ["Thanh niên tình nguyện"], "ignore_diacritics": True})
NUM = q("numeric", {"value": 3.5, "tolerance": 0.1})
RANGE = q("numeric", {"min": 10, "max": 20})


def test_single_choice_scores_only_the_key():
    assert question_fraction(SINGLE, 2, AON) == 1.0
    assert question_fraction(SINGLE, 1, AON) == 0.0
    assert question_fraction(SINGLE, None, AON) == 0.0


def test_true_false_scores_the_key():
    assert question_fraction(TF, 1, AON) == 1.0
    assert question_fraction(TF, 0, AON) == 0.0


def test_multiple_all_or_nothing_needs_the_exact_set():
    assert question_fraction(MULTI, [0, 2], AON) == 1.0
    assert question_fraction(MULTI, [0], AON) == 0.0
    assert question_fraction(MULTI, [0, 1, 2], AON) == 0.0


def test_multiple_partial_gives_credit_and_takes_it_back_for_wrong_picks():
    assert question_fraction(MULTI, [0], PARTIAL) == 0.5
    assert question_fraction(MULTI, [0, 2], PARTIAL) == 1.0
    assert question_fraction(MULTI, [0, 1], PARTIAL) == 0.0
    assert question_fraction(MULTI, [0, 1, 2, 3], PARTIAL) == 0.0


def test_short_answer_ignores_case_spaces_and_unicode_form():
    decomposed = "nghi\u0323 quyê\u0301t   đại HỘI "
    assert question_fraction(SHORT, decomposed, AON) == 1.0
    assert question_fraction(SHORT, "nq xii", AON) == 1.0


def test_short_answer_keeps_diacritics_unless_the_question_folds_them():
    assert question_fraction(SHORT, "Nghi quyet Dai hoi", AON) == 0.0
    assert question_fraction(SHORT_FOLD, "thanh nien tinh nguyen", AON) == 1.0
    assert question_fraction(SHORT_FOLD, "thanh nien", AON) == 0.0


def test_empty_short_answer_never_matches():
    assert question_fraction(q("short", {"accepted": [""]}), "   ", AON) == 0.0


def test_numeric_value_with_tolerance_accepts_a_decimal_comma():
    assert question_fraction(NUM, "3,5", AON) == 1.0
    assert question_fraction(NUM, "3.58", AON) == 1.0
    assert question_fraction(NUM, "3.7", AON) == 0.0
    assert question_fraction(NUM, "ba phẩy năm", AON) == 0.0


def test_numeric_range_is_inclusive():
    assert question_fraction(RANGE, "10", AON) == 1.0
    assert question_fraction(RANGE, "20", AON) == 1.0
    assert question_fraction(RANGE, "20.5", AON) == 0.0


@pytest.mark.parametrize(
    "text,value",
    [
        ("3,5", 3.5),
        ("3.5", 3.5),
        ("1.000.000", 1_000_000.0),
        ("1,000,000", 1_000_000.0),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        (" -2 ", -2.0),
        ("abc", None),
        ("", None),
        ("1e9", None),
        # Vietnamese first: a dot before groups of exactly three digits groups thousands.
        ("700.000", 700_000.0),
        ("1.500", 1500.0),
        ("700 000", 700_000.0),
        ("1.234.567,89", 1_234_567.89),
        # ... and a single comma is the decimal mark, even before three digits.
        ("700,000", 700.0),
        ("0,5", 0.5),
        (",5", 0.5),
        # English only where nothing else is meant.
        ("0.500", 0.5),
        ("1234.567", 1234.567),
        ("3.14", 3.14),
        (".5", 0.5),
        # Not numbers: broken groups, two decimal marks, unfinished.
        ("1.2.3", None),
        ("1,2,3", None),
        ("1.23.456", None),
        ("3,", None),
        ("1,234,5", None),
        ("1.234.5", None),
        ("\u2212" + "7", -7.0),
        ("\uff17\uff10\uff10\uff0e\uff10\uff10\uff10", 700_000.0),
    ],
)
def test_numbers_are_read_as_people_type_them(text, value):
    assert parse_number(text) == value


def test_grade_sums_points_and_computes_percent():
    heavy = q("single", {"correct": [0]}, ["a", "b"], points=3.0)
    result = grade([heavy, SINGLE, MULTI], [0, 1, [0, 2]], AON)
    assert result.item_scores == (3.0, 0.0, 1.0)
    assert (result.score, result.max_score, result.percent) == (4.0, 5.0, 80.0)


def test_grade_of_no_questions_is_zero_percent():
    assert grade([], [], AON).percent == 0.0


def test_clean_answer_normalises_shapes():
    assert clean_answer(SINGLE, "3") == 3
    assert clean_answer(MULTI, [2, 0, 2]) == [0, 2]
    assert clean_answer(MULTI, 1) == [1]
    assert clean_answer(SHORT, "  ") is None
    assert clean_answer(NUM, 12) == "12"
    assert clean_answer(SINGLE, "") is None


@pytest.mark.parametrize(
    "question,raw",
    [
        (SINGLE, 4),
        (SINGLE, -1),
        (SINGLE, True),
        (SINGLE, "x"),
        (MULTI, [0, 9]),
        (TF, 2),
        (SHORT, {"a": 1}),
        (SHORT, "x" * 501),
    ],
)
def test_clean_answer_refuses_what_does_not_fit(question, raw):
    with pytest.raises(AnswerError):
        clean_answer(question, raw)


@given(
    st.lists(st.integers(min_value=0, max_value=5), max_size=8),
    st.sets(st.integers(min_value=0, max_value=5), min_size=1),
)
def test_partial_credit_stays_between_zero_and_one_and_full_only_for_the_key(picked, correct):
    question = q("multiple", {"correct": sorted(correct)}, ["o"] * 6)
    answer = clean_answer(question, picked)
    fraction = question_fraction(question, answer, PARTIAL)
    assert 0.0 <= fraction <= 1.0
    assert (fraction == 1.0) == (set(picked) == correct)


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=3), st.integers(min_value=1, max_value=4)),
        max_size=20,
    )
)
def test_grade_is_deterministic_and_bounded(rows):
    questions = [q("single", {"correct": [0]}, ["a", "b", "c", "d"], points=p) for _, p in rows]
    answers = [a for a, _ in rows]
    first, second = grade(questions, answers, AON), grade(questions, answers, AON)
    assert first == second
    assert 0.0 <= first.score <= first.max_score
    assert 0.0 <= first.percent <= 100.0


@pytest.mark.parametrize(
    "text,value",
    [
        ("12.500", 12500),
        ("12,500", 12500),
        ("1.000.000", 1_000_000),
        ("42", 42),
        ("-7", -7),
        ("12,5", None),
        ("1.000,000", None),
        ("1.5", None),
        ("x", None),
    ],
)
def test_whole_numbers_accept_thousands_groups_only(text, value):
    assert parse_integer(text) == value


def test_a_member_answering_seven_hundred_thousand_the_vietnamese_way_is_right():
    key = q("numeric", {"value": 700000, "tolerance": 0})
    assert question_fraction(key, "700.000", AON) == 1.0
    assert question_fraction(key, "700000", AON) == 1.0
    assert question_fraction(key, "700", AON) == 0.0
