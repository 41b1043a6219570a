"""Finding questions in a version by words, ignoring Vietnamese diacritics and case."""

from __future__ import annotations

from quizapp.models import BankVersion, Question
from quizapp.text import fold_vietnamese


def _haystack(q: Question) -> str:
    parts = [q.uid, q.title, q.stem, q.explanation, q.source, *(q.options or []), *(q.tags or [])]
    if q.qtype == "short":
        parts += (q.answer or {}).get("accepted", [])
    return fold_vietnamese(" ".join(p for p in parts if p))


def search_questions(version: BankVersion, text: str) -> list[Question]:
    """Questions of `version` containing every word of `text` ("nghi quyet" finds "Nghị quyết")."""
    words = fold_vietnamese(text).split()
    if not words:
        return list(version.questions)
    return [q for q in version.questions if all(w in _haystack(q) for w in words)]
