"""Each member's ranking key for a quiz, kept in `Participation` beside `graded_percent`.

A round ranks members by their counted attempt: percent ↓, then a prediction guess before none,
then |guess − answer| ↑, then time taken ↑, then submission ↑ (services/contests/ranking.py).
The key of the counted attempt is stored in the member's participation row (`rank_*` columns) in
the transaction that finalises or regrades an attempt, and rebuilt with the other read models,
so a page of the ranking is read in the order of one index instead of ranking every attempt.

- `rank_percent` is NULL for a member who is not ranked (inactive, or nothing finished); the
  roster upkeep clears and restores it, so the ranking never joins members to filter.
- `rank_distance` is stored, not computed per read: it depends on the prediction answer, which
  is entered once, late, through the quiz settings; `refresh_quiz` then rewrites the distances
  in one UPDATE. Stored, the distance is part of the index and a page at any offset is an index
  range; computed per read, every page would sort the whole round again.
- The counted attempt follows the grading policy; under "highest" it is the best attempt by
  every rule of the quiz's round (its contest may drop the prediction or the time rule), so a
  new answer or a quiz becoming a round re-picks it for members with several finished attempts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import BigInteger, bindparam, cast, func, select, update

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptState,
    Contest,
    ContestRound,
    GradingPolicy,
    Participation,
    Quiz,
)

KEY_FIELDS = (
    "rank_percent",
    "rank_guessed",
    "rank_guess",
    "rank_distance",
    "rank_ms",
    "rank_finished_at",
)
_MS = timedelta(milliseconds=1)


@dataclass(frozen=True)
class Rules:
    """Which tie-break rules rank a quiz, and the prediction answer once entered."""

    prediction: bool
    timed: bool
    answer: int | None


def rules_for(quiz: Quiz, contest: Contest | None) -> Rules:
    """The rules of `quiz` ranked under `contest` (every rule without one)."""
    prediction = bool(quiz.prediction_question) and (contest is None or contest.use_prediction)
    return Rules(
        prediction=prediction,
        timed=contest is None or contest.use_time,
        answer=quiz.prediction_answer,
    )


def rules(quiz: Quiz) -> Rules:
    """The rules of the quiz's own round (every rule for a quiz in no contest)."""
    contest = db.session.scalar(
        select(Contest)
        .join(ContestRound, ContestRound.contest_id == Contest.id)
        .where(ContestRound.quiz_id == quiz.id)
    )
    return rules_for(quiz, contest)


def milliseconds(attempt) -> int:
    """Time taken, rounded to the millisecond (half up)."""
    return (attempt.finished_at - attempt.started_at + _MS / 2) // _MS


def distance(guess: int | None, answer: int | None) -> int | None:
    return None if guess is None or answer is None else abs(guess - answer)


def _order(attempt, r: Rules) -> tuple:
    """How good an attempt is under `r`, smaller first (the "highest" policy's pick)."""
    key: tuple = (-(attempt.percent or 0.0),)
    if r.prediction:
        d = distance(attempt.prediction_guess, r.answer)
        key += (attempt.prediction_guess is None, d is None, d or 0)
    if r.timed:
        key += (milliseconds(attempt),)
    return (*key, attempt.finished_at, attempt.number)


def counted(policy: str, r: Rules, attempts: list):
    """The attempt that counts among a member's attempts (objects with number, state, times,
    percent, prediction_guess), or None when none is finished."""
    finished = [
        a for a in attempts if a.state != AttemptState.IN_PROGRESS and a.finished_at is not None
    ]
    if not finished:
        return None
    if policy == GradingPolicy.FIRST:
        return min(finished, key=lambda a: a.number)
    if policy == GradingPolicy.LAST:
        return max(finished, key=lambda a: a.number)
    return min(finished, key=lambda a: _order(a, r))


def key(policy: str, r: Rules, attempts: list, active: bool) -> dict:
    """The `rank_*` values of a member's participation row."""
    attempt = counted(policy, r, attempts)
    if attempt is None:
        return dict.fromkeys(KEY_FIELDS)
    return {
        "rank_percent": (attempt.percent or 0.0) if active else None,
        "rank_guessed": attempt.prediction_guess is not None,
        "rank_guess": attempt.prediction_guess,
        "rank_distance": distance(attempt.prediction_guess, r.answer),
        "rank_ms": milliseconds(attempt),
        "rank_finished_at": attempt.finished_at,
    }


def ranked_percent(p: Participation, active: bool) -> float | None:
    """`rank_percent` of a row whose member was (de)activated: the counted attempt's percent."""
    if not active or p.rank_finished_at is None:
        return None
    return p.graded_percent or 0.0


def refresh_quiz(quiz: Quiz) -> None:
    """Follow a new prediction answer (or question) or new round rules: distances in one UPDATE,
    then, under "highest", the counted attempt of members with more than one finished attempt."""
    answer = quiz.prediction_answer
    db.session.execute(
        update(Participation)
        .where(Participation.quiz_id == quiz.id)
        .values(
            rank_distance=None
            if answer is None
            else func.abs(cast(Participation.rank_guess, BigInteger) - cast(answer, BigInteger))
        )
        .execution_options(synchronize_session=False)
    )
    if quiz.grading_policy not in (GradingPolicy.FIRST, GradingPolicy.LAST):
        _repick(quiz)
    db.session.expire_all()


# What the keys are computed from: one attempt's row (the rebuild reads the same columns).
ATTEMPT_COLUMNS = (
    Attempt.member_id,
    Attempt.number,
    Attempt.state,
    Attempt.started_at,
    Attempt.finished_at,
    Attempt.percent,
    Attempt.prediction_guess,
)

_SEVERAL = select(Participation.member_id).where(
    Participation.quiz_id == bindparam("quiz_id"), Participation.attempts_finished > 1
)


def _repick(quiz: Quiz) -> None:
    r = rules(quiz)
    stmt = (
        select(*ATTEMPT_COLUMNS)
        .where(Attempt.quiz_id == quiz.id, Attempt.member_id.in_(_SEVERAL))
        .order_by(Attempt.member_id, Attempt.number)
    )
    by_member: dict[int, list] = {}
    for row in db.session.execute(stmt, {"quiz_id": quiz.id}):
        by_member.setdefault(row.member_id, []).append(row)
    if not by_member:
        return
    ranked = dict(
        db.session.execute(
            select(Participation.member_id, Participation.rank_percent.is_not(None)).where(
                Participation.quiz_id == quiz.id, Participation.member_id.in_(list(by_member))
            )
        ).all()
    )
    updates = [
        {"quiz_id": quiz.id, "member_id": m, **key(quiz.grading_policy, r, rows, bool(ranked[m]))}
        for m, rows in by_member.items()
    ]
    db.session.execute(update(Participation), updates)
