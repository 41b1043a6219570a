"""A round's results for the public: the organiser publishes them once the round has closed and
its ranking is final; until then (and after an unpublish) nobody outside the console sees them.

The prediction answer the ranking needs is typed by the organiser or computed from the round's
own data, as the Đoàn's contests ask it: how many people take part, or how many answer every
question correctly. Both are known only once the round has closed, so both wait for that.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Contest, ContestRound, Member, Participation, Quiz, QuizStatus
from quizapp.services.contests import ranking as ranking_service
from quizapp.services.reports import rank_keys

MAX_ANSWER = 2_147_483_647  # the column is a 32-bit integer on PostgreSQL
PERFECT = 100.0  # grading rounds percentages to 2 decimals, so every answer right is exactly 100


class RoundError(ValueError):
    """A change the round refuses now; `reason` says which (the page words it)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Source(enum.StrEnum):
    """Where a prediction answer comes from."""

    PARTICIPANTS = "participants"  # "how many people will take part"
    PERFECT = "perfect"  # "how many will answer every question correctly"
    MANUAL = "manual"


def has_closed(quiz: Quiz, now: datetime) -> bool:
    """True once members can no longer start or continue the round."""
    return quiz.status(now) in (QuizStatus.CLOSED, QuizStatus.CLOSED_EARLY)


def _took_part(quiz: Quiz):
    """Participation rows of members ranked in the round: active, with a finished attempt."""
    return (
        select(func.count())
        .select_from(Participation)
        .join(Member, Member.id == Participation.member_id)
        .where(
            Participation.quiz_id == quiz.id,
            Participation.attempts_finished > 0,
            Member.active.is_(True),
        )
    )


def participants(quiz: Quiz) -> int:
    """How many people took part: the members the ranking ranks."""
    return db.session.scalar(_took_part(quiz)) or 0


def perfect_scores(quiz: Quiz) -> int:
    """How many of them answered every question correctly in their counted attempt."""
    return db.session.scalar(_took_part(quiz).where(Participation.graded_percent >= PERFECT)) or 0


def computed_answer(quiz: Quiz, source: Source) -> int:
    """The answer `source` gives for the round as it stands."""
    return participants(quiz) if source == Source.PARTICIPANTS else perfect_scores(quiz)


def set_prediction_answer(
    quiz: Quiz, source: Source, now: datetime, value: int | None = None
) -> int:
    """Store the prediction answer (typed, or computed from the round) once the round has closed."""
    if not quiz.prediction_question:
        raise RoundError("no_question")
    if not has_closed(quiz, now):
        raise RoundError("not_closed")
    if source != Source.MANUAL:
        value = computed_answer(quiz, source)
    if value is None or not 0 <= value <= MAX_ANSWER:
        raise RoundError("range")
    quiz.prediction_answer = value
    db.session.flush()
    rank_keys.refresh_quiz(quiz)  # the stored distances follow the answer
    return value


def publish(contest_round: ContestRound, now: datetime) -> None:
    """Show the round's results to everyone: only once it has closed and its ranking is final."""
    quiz = contest_round.quiz
    if not has_closed(quiz, now):
        raise RoundError("not_closed")
    if ranking_service.is_provisional(quiz, contest_round.contest):
        raise RoundError("provisional")
    contest_round.results_published_at = now
    db.session.flush()


def unpublish(contest_round: ContestRound) -> None:
    """Take the round's results off the public page."""
    contest_round.results_published_at = None
    db.session.flush()


def published_round(contest_id: int, position: int) -> ContestRound | None:
    """The round at `position` of the contest, if its results are published."""
    return db.session.scalar(
        select(ContestRound).where(
            ContestRound.contest_id == contest_id,
            ContestRound.position == position,
            ContestRound.results_published_at.is_not(None),
        )
    )


def public_contest(contest_id: int) -> Contest | None:
    """The contest, if at least one of its rounds has published results."""
    contest = db.session.get(Contest, contest_id)
    if contest is None or not any(r.results_published_at for r in contest.rounds):
        return None
    return contest


def latest_published(limit: int = 5) -> list[ContestRound]:
    """The most recently published rounds, newest first (for the home page)."""
    return list(
        db.session.scalars(
            select(ContestRound)
            .where(ContestRound.results_published_at.is_not(None))
            .order_by(ContestRound.results_published_at.desc(), ContestRound.id.desc())
            .limit(limit)
        )
    )
