"""What the draw and the answer check need of a bank version, kept per worker.

A bank version never changes once imported (a correction is a new version, and questions
are never deleted), so what is read from one is kept for the life of the process without
invalidation: its questions in bank order with their type, option count and topic. Kept
per app (`app.extensions`), so two apps on two databases never share ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Question, Topic

KEY = "quizapp.bank_cache"


@dataclass(frozen=True)
class CachedQuestion:
    """A question as the draw and `grading.clean_answer` see it (its options only counted)."""

    id: int
    version_id: int
    qtype: str
    options: tuple
    topic: str


def _store() -> dict:
    return current_app.extensions.setdefault(KEY, {"versions": {}, "questions": {}})


def _load(where) -> list[CachedQuestion]:
    rows = db.session.connection().execute(
        select(Question.id, Question.version_id, Question.qtype, Question.options, Topic.title)
        .join(Topic, Question.topic_id == Topic.id)
        .where(where)
        .order_by(Question.version_id, Topic.position, Question.position, Question.id)
    )
    return [
        CachedQuestion(i, v, t, tuple(range(len(o or []))), title) for i, v, t, o, title in rows
    ]


def _keep(found: list[CachedQuestion]) -> None:
    store = _store()
    by_version: dict[int, list[CachedQuestion]] = {}
    for q in found:
        by_version.setdefault(q.version_id, []).append(q)
        store["questions"][q.id] = q
    for version_id, questions in by_version.items():
        store["versions"][version_id] = tuple(questions)


def version(version_id: int) -> tuple[CachedQuestion, ...]:
    """Every question of the version in bank order (topic, then position); one read per worker."""
    cached = _store()["versions"].get(version_id)
    if cached is None:
        _keep(_load(Question.version_id == version_id))
        cached = _store()["versions"].setdefault(version_id, ())
    return cached


def question(question_id: int) -> CachedQuestion | None:
    """One question (None when there is no such question); a miss reads its whole version."""
    cached = _store()["questions"].get(question_id)
    if cached is None:
        _keep(
            _load(
                Question.version_id
                == select(Question.version_id).where(Question.id == question_id).scalar_subquery()
            )
        )
        cached = _store()["questions"].get(question_id)
    return cached
