"""Plain helpers for the report tests: a quiz over the report window, finished and started
attempts. The instants come from tests/timeline.py (the four-week report window)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, Quiz
from quizapp.services.reports import participation
from quizapp.services.reports.roster_counts import refresh_roster_counts
from tests.factory import Factory
from tests.timeline import OPENS, TARGET_DATE
from tests.timeline import REPORT_CLOSES as CLOSES
from tests.timeline import REPORT_NOW as NOW

__all__ = [
    "CLOSES",
    "NOW",
    "OPENS",
    "TARGET_DATE",
    "finish",
    "make_quiz",
    "refresh",
    "start",
    "take",
]

_banks = itertools.count(1)


def make_quiz(
    audience,
    title="Tìm hiểu Nghị quyết Đại hội Đoàn XII",
    target_rate=80.0,
    target_date=TARGET_DATE,
    opens=OPENS,
    closes=CLOSES,
    slug=None,
) -> Quiz:
    """The factory's quiz over the report window, any number of attempts, pass mark 50 %
    (participation reports need no particular questions: a one-topic bank)."""
    make = Factory()
    version = make.bank(slug or f"report-{next(_banks)}", topics=("Chủ đề A",))
    return make.quiz(
        audience,
        version,
        title=title,
        target_rate=target_rate,
        target_date=target_date,
        opens_at=opens,
        closes_at=closes,
        pass_mark=50.0,
        attempts_allowed=None,
    )


def start(quiz, member, at, number=None) -> Attempt:
    """An attempt in progress, counted as started."""
    number = number or (
        len(list(db.session.query(Attempt).filter_by(quiz_id=quiz.id, member_id=member.id))) + 1
    )
    attempt = Attempt(
        quiz=quiz,
        member=member,
        number=number,
        started_at=at,
        deadline=at + timedelta(minutes=30),
        state=AttemptState.IN_PROGRESS,
    )
    db.session.add(attempt)
    db.session.flush()
    participation.record_start(attempt, at)
    return attempt


def finish(attempt, percent, minutes=10) -> Attempt:
    """Finish the attempt `minutes` after its start with `percent`, counting it."""
    attempt.state = AttemptState.FINISHED
    attempt.finished_at = attempt.started_at + timedelta(minutes=minutes)
    attempt.percent = attempt.score = percent
    attempt.max_score = 100
    attempt.passed = percent >= attempt.quiz.pass_mark
    db.session.flush()
    participation.record_finish(attempt)
    return attempt


def take(quiz, member, at, percent=80.0) -> Attempt:
    """Start and finish an attempt."""
    return finish(start(quiz, member, at), percent)


def refresh():
    """Recount roster denominators after creating members."""
    refresh_roster_counts()
    db.session.flush()
