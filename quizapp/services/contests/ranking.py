"""One round's ranking, computed in SQL.

Each active member's counted attempt (by the quiz's grading policy, as participation's
graded_percent) ranks by: percent ↓, then a prediction guess before none, then the distance
|guess − answer| ↑, then time taken ↑, then submission time ↑. The contest may drop the
prediction or the time rule. While the quiz has no prediction answer the ranking is
provisional. Rows still equal after every rule share their rank and are marked tied.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Numeric, case, func, literal, select

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, Contest, GradingPolicy, Member, Quiz, Unit


@dataclass(frozen=True)
class RankedRow:
    """One ranked member: their counted attempt and where it places them."""

    rank: int
    tied: bool
    member_id: int
    member_code: str
    name: str
    chapter_id: int
    unit: str
    percent: float
    guess: int | None
    distance: int | None
    seconds: float
    finished_at: datetime


@dataclass(frozen=True)
class Ranking:
    """A page of a round's ranking, with the round's size and whether it may still change."""

    rows: list[RankedRow]
    total: int
    provisional: bool


def _seconds(finished, started):
    """Time taken in seconds, to the millisecond (the same on both databases)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.round(func.extract("epoch", finished - started).cast(Numeric), 3)
    return func.round((func.julianday(finished) - func.julianday(started)) * 86400.0, 3)


def uses_prediction(quiz: Quiz, contest: Contest | None) -> bool:
    """Whether the prediction rule applies to this round."""
    return bool(quiz.prediction_question) and (contest is None or contest.use_prediction)


def is_provisional(quiz: Quiz, contest: Contest | None) -> bool:
    """True while the prediction answer the ranking needs is not entered."""
    return uses_prediction(quiz, contest) and quiz.prediction_answer is None


def _ranked(quiz: Quiz, contest: Contest | None):
    """The subquery of counted attempts with their rank and tie size."""
    prediction = uses_prediction(quiz, contest)
    timed = contest is None or contest.use_time
    seconds = _seconds(Attempt.finished_at, Attempt.started_at)
    missing = case((Attempt.prediction_guess.is_(None), 1), else_=0)
    if prediction and quiz.prediction_answer is not None:
        distance = func.abs(Attempt.prediction_guess - quiz.prediction_answer)
    else:
        distance = literal(None, type_=Attempt.prediction_guess.type)
    base = (
        select(Attempt.member_id, Attempt.number, func.coalesce(Attempt.percent, 0.0).label("percent"),
               Attempt.prediction_guess.label("guess"), Attempt.finished_at,
               missing.label("missing"), distance.label("distance"), seconds.label("seconds"))
        .join(Member, Member.id == Attempt.member_id)
        .where(Attempt.quiz_id == quiz.id, Attempt.state != AttemptState.IN_PROGRESS,
               Attempt.finished_at.is_not(None), Member.active.is_(True))
        .subquery("finished")
    )

    def key(t):
        cols = [t.c.percent.desc()]
        if prediction:
            cols += [t.c.missing, case((t.c.distance.is_(None), 1), else_=0), t.c.distance]
        if timed:
            cols.append(t.c.seconds)
        return [*cols, t.c.finished_at]

    if quiz.grading_policy == GradingPolicy.FIRST:
        counted = [base.c.number]
    elif quiz.grading_policy == GradingPolicy.LAST:
        counted = [base.c.number.desc()]
    else:  # the best attempt, by every rule of the ranking
        counted = key(base)
    picked = select(base, func.row_number().over(partition_by=base.c.member_id, order_by=counted)
                    .label("pick")).subquery("picked")
    best = select(picked).where(picked.c.pick == 1).subquery("counted")
    ties = [best.c.percent]
    if prediction:
        ties += [best.c.missing, best.c.distance]
    if timed:
        ties.append(best.c.seconds)
    ties.append(best.c.finished_at)
    return select(
        best, func.rank().over(order_by=key(best)).label("rank"),
        func.count().over(partition_by=ties).label("tie_size"),
    ).subquery("ranked")


def ranking(quiz: Quiz, contest: Contest | None = None, *, limit: int | None = None,
            offset: int = 0) -> Ranking:
    """The round's ranking, best first (a page of it with `limit`/`offset`)."""
    ranked = _ranked(quiz, contest)
    stmt = (
        select(ranked.c.rank, ranked.c.tie_size, Member.id, Member.code, Member.full_name,
               Unit.id, Unit.name, ranked.c.percent, ranked.c.guess, ranked.c.distance,
               ranked.c.seconds, ranked.c.finished_at)
        .join(Member, Member.id == ranked.c.member_id)
        .join(Unit, Unit.id == Member.chapter_id)
        .order_by(ranked.c.rank, Member.code)
        .offset(offset)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = [
        RankedRow(rank=r[0], tied=r[1] > 1, member_id=r[2], member_code=r[3], name=r[4],
                  chapter_id=r[5], unit=r[6], percent=float(r[7]), guess=r[8],
                  distance=None if r[9] is None else int(r[9]), seconds=float(r[10]),
                  finished_at=Attempt.finished_at.type.process_result_value(r[11], None))
        for r in db.session.execute(stmt)
    ]
    # one row per member with a finished attempt: counted without the window functions
    total = db.session.scalar(
        select(func.count(func.distinct(Attempt.member_id)))
        .join(Member, Member.id == Attempt.member_id)
        .where(Attempt.quiz_id == quiz.id, Attempt.state != AttemptState.IN_PROGRESS,
               Attempt.finished_at.is_not(None), Member.active.is_(True)))
    return Ranking(rows=rows, total=total, provisional=is_provisional(quiz, contest))
