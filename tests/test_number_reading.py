"""Property tests for how typed numbers are read (the grading's one parser) and shown back."""

from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.formatting import number_reading
from quizapp.numbers import read_number
from quizapp.services.attempts.grading import parse_number

wholes = st.integers(min_value=0, max_value=10**15)
fractions = st.text(alphabet="0123456789", min_size=1, max_size=6)


def vietnamese(whole: int, fraction: str = "") -> str:
    """How a Vietnamese member writes a number: 1.234.567,5."""
    return f"{whole:,}".replace(",", ".") + ("," + fraction if fraction else "")


def english(whole: int, fraction: str = "") -> str:
    """How an English speaker writes it: 1,234,567.5."""
    return f"{whole:,}" + ("." + fraction if fraction else "")


def exact(whole: int, fraction: str = "") -> Decimal:
    return Decimal(f"{whole}.{fraction or '0'}")


def as_decimal(text) -> Decimal:
    r = read_number(text)
    assert r is not None, text
    return Decimal(r.canonical)


@settings(deadline=None)
@given(wholes, st.one_of(st.just(""), fractions), st.booleans())
def test_vietnamese_form_is_read_exactly(whole, fraction, negative):
    text = ("-" if negative else "") + vietnamese(whole, fraction)
    value = exact(whole, fraction)
    assert as_decimal(text) == (-value if negative else value)


@settings(deadline=None)
@given(st.integers(min_value=1000, max_value=10**15), fractions)
def test_english_form_with_groups_and_a_decimal_point_is_read_exactly(whole, fraction):
    assert as_decimal(english(whole, fraction)) == exact(whole, fraction)


@settings(deadline=None)
@given(st.integers(min_value=1_000_000, max_value=10**15))
def test_english_groups_twice_are_thousands(whole):
    assert as_decimal(english(whole)) == whole


@settings(deadline=None)
@given(wholes, fractions.filter(lambda f: len(f) != 3))
def test_a_decimal_point_that_cannot_group_thousands_is_a_decimal_point(whole, fraction):
    assert as_decimal(f"{whole}.{fraction}") == exact(whole, fraction)


@settings(deadline=None)
@given(
    st.integers(min_value=1, max_value=999), st.lists(st.integers(0, 999), min_size=1, max_size=4)
)
def test_dot_before_groups_of_exactly_three_digits_groups_thousands(head, groups):
    text = str(head) + "".join(f".{g:03d}" for g in groups)
    assert as_decimal(text) == int(text.replace(".", ""))


@settings(deadline=None)
@given(st.text(max_size=30))
def test_any_text_is_a_finite_number_or_refused_and_never_raises(text):
    value = parse_number(text)
    assert value is None or math.isfinite(value)


@settings(deadline=None)
@given(st.text(alphabet="0123456789.,- ", max_size=20))
def test_the_hint_shown_to_the_member_reads_back_as_the_same_number(text):
    reading = read_number(text)
    hint, english = number_reading(text, "vi"), number_reading(text, "en")
    if reading is None:
        assert hint == english == ""
    else:
        # Groups are spaces, so the only mark left is the decimal one: the parser reads the
        # Vietnamese hint back exactly, and the English hint differs only by that mark.
        assert hint.startswith("= ") and read_number(hint[2:]) == reading
        assert english == hint.replace(",", ".")


def test_the_hint_groups_with_spaces_and_uses_the_language_decimal_mark():
    assert number_reading("700.000", "vi") == "= 700\u00a0000"
    assert number_reading("3,5", "vi") == "= 3,5"
    assert number_reading("3,5", "en") == "= 3.5"
    assert number_reading("1,234.5", "vi") == "= 1\u00a0234,5"
    assert number_reading("ba", "vi") == ""
