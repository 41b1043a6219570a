"""Grading: a pure function of the snapshotted questions and the member's responses.

Stored answer shapes (what `clean_answer` returns and autosave keeps):
single / true_false: the original option index (int); multiple: sorted original
indexes (list of int); short and numeric: the text as typed (str); None: no answer.
Partial credit for multiple choice: (right picks - wrong picks) / number of keys,
never below zero; all-or-nothing: the exact set of keys.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from quizapp.models import MultipleScoring, QuestionType
from quizapp.numbers import DIGITS, EN_GROUPED, VI_GROUPED, read_number
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
    if not (DIGITS.fullmatch(body) or VI_GROUPED.fullmatch(body) or EN_GROUPED.fullmatch(body)):
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


def grade(
    questions: Sequence[KeyedQuestion], answers: Sequence[Any], multiple_scoring: str
) -> Grade:
    """Grade aligned lists of questions (carrying the keys to use) and stored answers."""
    scores = tuple(
        round(question_fraction(q, a, multiple_scoring) * (q.points or 0.0), 6)
        for q, a in zip(questions, answers, strict=True)
    )
    total = round(sum(scores), 6)
    maximum = round(sum(q.points or 0.0 for q in questions), 6)
    percent = round(100.0 * total / maximum, 2) if maximum else 0.0
    return Grade(item_scores=scores, score=total, max_score=maximum, percent=percent)
