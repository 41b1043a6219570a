"""Regrade: re-score a quiz's finished attempts with the keys of a corrected bank version.

Attempts keep their snapshot (question ids, option order); only the keys and points come
from the corrected version, matched by `Question.uid`. A question whose options changed
in number or whose type changed cannot be matched safely and keeps its old key (reported).
The first score of a changed attempt is kept in `previous_score`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, BankVersion, Question, Quiz
from quizapp.services.attempts import lifecycle, snapshot
from quizapp.services.quizzes import settings
from quizapp.services.reports import participation


class RegradeError(Exception):
    """A regrade that cannot run (message in Vietnamese)."""


@dataclass
class AttemptChange:
    """One attempt whose score or pass/fail changed."""

    attempt_id: int
    member_code: str
    old_score: float | None
    new_score: float
    old_passed: bool | None
    new_passed: bool


@dataclass
class RegradeReport:
    """What a regrade found and did."""

    quiz_id: int
    version_number: int
    checked: int = 0
    changes: list[AttemptChange] = field(default_factory=list)
    keys_changed: list[str] = field(default_factory=list)  # uids whose key or points differ
    unmatched: list[str] = field(default_factory=list)  # uids kept on their old key
    quiz_moved: bool = False


def regrade_quiz(
    quiz: Quiz, version: BankVersion, now: datetime, dry_run: bool = False
) -> RegradeReport:
    """Re-score every finished attempt of the quiz with `version`'s keys, then rebuild the reports."""
    if version.bank_id != quiz.bank_version.bank_id:
        raise RegradeError(_("Phiên bản này thuộc ngân hàng khác với ngân hàng của đợt kiểm tra."))
    report = RegradeReport(quiz_id=quiz.id, version_number=version.number)
    keys, report.unmatched = snapshot.corrected_keys(snapshot.snapshot_questions(quiz), version)
    report.keys_changed = sorted(uid for uid, new in keys.items() if _differs(uid, new, quiz))
    finished = db.session.scalars(
        select(Attempt)
        .where(Attempt.quiz_id == quiz.id, Attempt.state != AttemptState.IN_PROGRESS)
        .order_by(Attempt.id)
    )
    for attempt in finished:
        report.checked += 1
        result = lifecycle.grade_attempt(attempt, keys)
        passed = result.percent >= quiz.pass_mark
        if (result.score, passed) == (attempt.score, attempt.passed):
            continue
        report.changes.append(
            AttemptChange(
                attempt.id, attempt.member.code, attempt.score, result.score, attempt.passed, passed
            )
        )
        if not dry_run:
            if attempt.previous_score is None:
                attempt.previous_score = attempt.score
            lifecycle.apply_grade(attempt, result)
            attempt.regraded_at = now
    if not dry_run:
        db.session.flush()
        if version.id != quiz.bank_version_id and not settings.validate_settings(
            version, settings.settings_of(quiz)
        ):
            # New attempts draw from the corrected version too.
            quiz.bank_version = version
            report.quiz_moved = True
        participation.rebuild_quiz(quiz)
    return report


def _differs(uid: str, new: Question, quiz: Quiz) -> bool:
    old = db.session.scalar(
        select(Question).where(Question.version_id == quiz.bank_version_id, Question.uid == uid)
    )
    return old is None or (old.answer, old.points) != (new.answer, new.points)
