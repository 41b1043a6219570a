"""Grading: a pure function of the snapshotted questions and the member's responses.

Stored answer shapes (what `clean_answer` returns and autosave keeps):
single / true_false: the original option index (int); multiple: sorted original
indexes (list of int); short and numeric: the text as typed (str); None: no answer.
Partial credit for multiple choice: (right picks - wrong picks) / number of keys,
never below zero; all-or-nothing: the exact set of keys.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from quizapp.models import MultipleScoring, QuestionType
from quizapp.text import fold_vietnamese, normalize_text

MAX_TEXT_ANSWER = 500


class KeyedQuestion(Protocol):
    """What grading needs of a question (a `Question` row fits)."""

    qtype: str
    options: list
    answer: dict
    points: float


class AnswerError(ValueError):
    """An answer that does not fit the question (bad index, wrong shape, too long)."""


@dataclass(frozen=True)
class Grade:
    """Points per item, their sum, the maximum and the percentage."""

    item_scores: tuple[float, ...]
    score: float
    max_score: float
    percent: float


def _index(value: Any, option_count: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise AnswerError("not an option index")
    try:
        index = int(value)
    except ValueError as err:
        raise AnswerError("not an option index") from err
    if not 0 <= index < option_count:
        raise AnswerError("option index out of range")
    return index


def clean_answer(question: KeyedQuestion, raw: Any) -> Any:
    """The stored form of a raw answer from a form or JSON; None or "" clears it."""
    if raw is None or raw == "" or raw == []:
        return None
    qtype = question.qtype
    if qtype in (QuestionType.SINGLE, QuestionType.TRUE_FALSE):
        return _index(raw, len(question.options))
    if qtype == QuestionType.MULTIPLE:
        values = raw if isinstance(raw, list) else [raw]
        return sorted({_index(v, len(question.options)) for v in values})
    if qtype in (QuestionType.SHORT, QuestionType.NUMERIC):
        if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
            raise AnswerError("not text")
        text = str(raw)
        if len(text) > MAX_TEXT_ANSWER:
            raise AnswerError("too long")
        return text if text.strip() else None
    raise AnswerError(f"unknown question type {qtype}")


# How numbers are read (issue 12): the Vietnamese convention first, the English form where it
# cannot mean anything else. A dot followed by groups of exactly three digits groups thousands
# ("700.000" = 700000); a comma is the decimal mark ("3,5" = 3.5). "1,234.5", "1,000,000" and
# "3.5" or "0.500" can only be English, so they are read that way. static/js/number-hint.js
# mirrors these rules for the hint beside the field; a browser test checks both agree.
_VI_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")            # 700.000, 1.234.567
_EN_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")              # 1,000 (only with a decimal dot or twice)
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Reading:
    """A typed number as understood: sign, whole digits and fraction digits (exact, no float)."""

    negative: bool
    whole: str       # digits without leading zeros ("0" for none)
    fraction: str    # digits without trailing zeros ("" for none)

    @property
    def value(self) -> float:
        """The number as a float, for comparing with a key."""
        text = self.whole + ("." + self.fraction if self.fraction else "")
        return -float(text) if self.negative else float(text)

    @property
    def canonical(self) -> str:
        """The number in plain machine form: "-1234.5"."""
        text = self.whole + ("." + self.fraction if self.fraction else "")
        return "-" + text if self.negative and text != "0" else text


def _split(s: str) -> tuple[str, str] | None:
    """(whole digits, fraction digits) of an unsigned number as typed; None when not a number."""
    if "," in s and "." in s:
        if s.rfind(",") > s.rfind("."):             # 1.234,5: Vietnamese
            whole, _, fraction = s.rpartition(",")
            grouped = _VI_GROUPED.fullmatch(whole)
        else:                                        # 1,234.5: English (a comma never follows the dot)
            whole, _, fraction = s.rpartition(".")
            grouped = _EN_GROUPED.fullmatch(whole)
        if not (grouped and _DIGITS.fullmatch(fraction)):
            return None
        return whole.replace(".", "").replace(",", ""), fraction
    if _DIGITS.fullmatch(s):
        return s, ""
    if _VI_GROUPED.fullmatch(s):                     # 700.000 groups thousands
        return s.replace(".", ""), ""
    if s.count(",") > 1 and _EN_GROUPED.fullmatch(s):  # 1,000,000 cannot be a decimal
        return s.replace(",", ""), ""
    for mark in ",.":                                # 3,5 (so 700,000 is 700), or 3.5, 0.500, 1234.567
        whole, sep, fraction = s.partition(mark)
        if sep and (whole == "" or _DIGITS.fullmatch(whole)) and _DIGITS.fullmatch(fraction):
            return whole or "0", fraction
    return None


def read_number(text: Any) -> Reading | None:
    """How a typed number is understood ("700.000" = 700000, "3,5" = 3.5); None if not a number."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        return None
    if isinstance(text, float):
        if not math.isfinite(text):
            return None
        text = format(Decimal(repr(text)), "f")
    # Full-width digits and marks from phone keyboards, every kind of space, the true minus sign.
    s = "".join(unicodedata.normalize("NFKC", str(text)).split()).replace("\u2212", "-")
    negative = s.startswith("-")
    parts = _split(s[1:] if s[:1] in "+-" else s)
    if parts is None or len(parts[0]) > 30:
        return None
    whole, fraction = parts[0].lstrip("0") or "0", parts[1].rstrip("0")
    return Reading(negative=negative and (whole, fraction) != ("0", ""), whole=whole, fraction=fraction)


def parse_number(text: Any) -> float | None:
    """The value of a typed number, read as `read_number` does; None when it is not one."""
    reading = read_number(text)
    return reading.value if reading is not None else None


def parse_integer(text: Any) -> int | None:
    """A whole number with optional thousands groups: "12.500", "12,500", "12500"."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    if not isinstance(text, str):
        return None
    s = "".join(unicodedata.normalize("NFKC", text).split()).replace("\u2212", "-")
    body = s[1:] if s[:1] in "+-" else s
    # A single comma group is a thousands group here: a whole number has no decimals to mark.
    if not (_DIGITS.fullmatch(body) or _VI_GROUPED.fullmatch(body) or _EN_GROUPED.fullmatch(body)):
        return None
    return int(s.replace(".", "").replace(",", ""))


def _short_matches(key: dict, answer: str) -> bool:
    fold = fold_vietnamese if key.get("ignore_diacritics") else normalize_text
    given = fold(answer)
    return bool(given) and any(given == fold(str(a)) for a in key.get("accepted", []))


def _numeric_matches(key: dict, answer: Any) -> bool:
    value = parse_number(answer)
    if value is None:
        return False
    eps = 1e-9
    if "min" in key or "max" in key:
        low = float(key.get("min", -math.inf))
        high = float(key.get("max", math.inf))
        return low - eps <= value <= high + eps
    target, tolerance = float(key["value"]), abs(float(key.get("tolerance", 0) or 0))
    return abs(value - target) <= tolerance + eps * max(1.0, abs(target))


def question_fraction(question: KeyedQuestion, answer: Any, multiple_scoring: str) -> float:
    """The share of the question's points earned by `answer` (0..1)."""
    if answer is None:
        return 0.0
    key = question.answer or {}
    qtype = question.qtype
    if qtype in (QuestionType.SINGLE, QuestionType.TRUE_FALSE):
        return 1.0 if answer in key.get("correct", []) else 0.0
    if qtype == QuestionType.MULTIPLE:
        picked = set(answer if isinstance(answer, list) else [answer])
        correct = set(key.get("correct", []))
        if not correct:
            return 0.0
        if multiple_scoring == MultipleScoring.PARTIAL:
            return max(0.0, (len(picked & correct) - len(picked - correct)) / len(correct))
        return 1.0 if picked == correct else 0.0
    if qtype == QuestionType.SHORT:
        return 1.0 if isinstance(answer, str) and _short_matches(key, answer) else 0.0
    if qtype == QuestionType.NUMERIC:
        return 1.0 if _numeric_matches(key, answer) else 0.0
    return 0.0


def grade(questions: Sequence[KeyedQuestion], answers: Sequence[Any], multiple_scoring: str) -> Grade:
    """Grade aligned lists of questions (carrying the keys to use) and stored answers."""
    scores = tuple(
        round(question_fraction(q, a, multiple_scoring) * (q.points or 0.0), 6)
        for q, a in zip(questions, answers, strict=True)
    )
    total = round(sum(scores), 6)
    maximum = round(sum(q.points or 0.0 for q in questions), 6)
    percent = round(100.0 * total / maximum, 2) if maximum else 0.0
    return Grade(item_scores=scores, score=total, max_score=maximum, percent=percent)

