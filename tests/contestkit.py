"""Plain helpers for the contest tests: finished attempts with a score, a guess and a duration."""

from __future__ import annotations

from datetime import timedelta

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState
from quizapp.services.reports import participation
from tests.timeline import DURING


def sit(quiz, member, percent, *, guess=None, seconds=600, at=DURING, number=1) -> Attempt:
    """A finished attempt started at `at`, taking `seconds`, counted like a real finish."""
    attempt = Attempt(
        quiz=quiz,
        member=member,
        number=number,
        started_at=at,
        deadline=at + timedelta(minutes=30),
        state=AttemptState.FINISHED,
        finished_at=at + timedelta(seconds=seconds),
        percent=percent,
        score=percent,
        max_score=100,
        passed=percent >= quiz.pass_mark,
        prediction_guess=guess,
    )
    db.session.add(attempt)
    db.session.flush()
    participation.record_start(attempt, at)
    participation.record_finish(attempt)
    return attempt
