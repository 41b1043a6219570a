"""One round's ranking, read from the members' stored ranking keys.

Each active member's counted attempt (by the quiz's grading policy, as participation's
graded_percent) ranks by: percent ↓, then a prediction guess before none, then the distance
|guess − answer| ↑, then time taken ↑, then submission time ↑. The contest may drop the
prediction or the time rule. While the quiz has no prediction answer the ranking is
provisional. Rows still equal after every rule share their rank and are marked tied.

The key of each member's counted attempt is kept in `Participation` (services/reports/rank_keys.py
says how and why the distance is stored), so a page is an index range: the rows at
`offset - 1 … offset + limit` in key order (member id last), their ranks counted from the offset,
a tie told by the neighbouring rows. Only a tie that starts before the page costs one more count
(the rows strictly better than the page's first). Tied rows are listed by member id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import aliased

from quizapp.extensions import db
from quizapp.models import Contest, Member, Participation, Quiz, Unit
from quizapp.services.reports import rank_keys


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


def uses_prediction(quiz: Quiz, contest: Contest | None) -> bool:
    """Whether the prediction rule applies to this round."""
    return rank_keys.rules_for(quiz, contest).prediction


def is_provisional(quiz: Quiz, contest: Contest | None) -> bool:
    """True while the prediction answer the ranking needs is not entered."""
    return uses_prediction(quiz, contest) and quiz.prediction_answer is None


def _rules(r: rank_keys.Rules) -> list[tuple]:
    """The key columns the rules compare, each with True when larger is better."""
    columns = [(Participation.rank_percent, True)]
    if r.prediction:
        columns += [(Participation.rank_guessed, True), (Participation.rank_distance, False)]
    if r.timed:
        columns.append((Participation.rank_ms, False))
    return [*columns, (Participation.rank_finished_at, False)]


_KEY = (
    Participation.member_id,
    Participation.rank_percent,
    Participation.rank_guessed,
    Participation.rank_distance,
    Participation.rank_ms,
    Participation.rank_finished_at,
)
_KEY_NAMES = [c.key for c in _KEY]


def _ranked(quiz: Quiz):
    return and_(Participation.quiz_id == quiz.id, Participation.rank_percent.is_not(None))


def _better_than(quiz: Quiz, rules: list[tuple], row) -> int:
    """How many ranked rows are strictly better than `row` under `rules`."""
    condition = None
    for column, larger_first in reversed(rules):
        value = row._mapping[column.key]
        if value is None:  # a distance without an answer (or a guess): equal across its group
            continue
        if isinstance(
            value, bool
        ):  # SQL has no order on booleans: the better one, if this is not it
            wanted = larger_first
            better = column.is_(wanted) if value is not wanted else false()
            same = column.is_(value)
        else:
            better = column > value if larger_first else column < value
            same = column == value
        condition = better if condition is None else or_(better, and_(same, condition))
    return db.session.scalar(
        select(func.count())
        .select_from(Participation)
        .where(_ranked(quiz), Participation.rank_percent >= row.rank_percent, condition)
    )


def ranking(
    quiz: Quiz, contest: Contest | None = None, *, limit: int | None = None, offset: int = 0
) -> Ranking:
    """The round's ranking, best first (a page of it with `limit`/`offset`)."""
    r = rank_keys.rules_for(quiz, contest)
    rules = _rules(r)
    order = [c.desc() if larger_first else c for c, larger_first in rules] + [
        Participation.member_id
    ]
    start = max(0, offset - 1)  # one row before the page and one after tell a tie at its edges
    keys = select(*_KEY).where(_ranked(quiz)).order_by(*order).offset(start)
    if limit is not None:
        keys = keys.limit(offset - start + limit + 1)
    keys = keys.subquery("page")
    shown = aliased(Participation)
    rows = db.session.execute(
        select(
            keys,
            shown.rank_guess,
            Member.code,
            Member.full_name,
            Unit.id.label("unit_id"),
            Unit.name.label("unit_name"),
        )
        .join(shown, and_(shown.quiz_id == quiz.id, shown.member_id == keys.c.member_id))
        .join(Member, Member.id == keys.c.member_id)
        .join(Unit, Unit.id == Member.chapter_id)
        .order_by(
            *[keys.c[c.key].desc() if larger_first else keys.c[c.key] for c, larger_first in rules],
            keys.c.member_id,
        )
    ).all()
    rule_of = itemgetter(*(_KEY_NAMES.index(c.key) for c, _ in rules))  # what ties compare
    keys_of = [rule_of(row) for row in rows]
    distances = r.prediction and r.answer is not None
    result: list[RankedRow] = []
    first = offset - start
    end = len(rows) if limit is None else min(len(rows), first + limit)
    for i in range(first, end):
        row = rows[i]
        tied_before = i > 0 and keys_of[i - 1] == keys_of[i]
        tied_after = i + 1 < len(rows) and keys_of[i + 1] == keys_of[i]
        if not tied_before:
            rank = start + i + 1
        elif result:
            rank = result[-1].rank
        else:
            rank = _better_than(quiz, rules, row) + 1
        result.append(
            RankedRow(
                rank=rank,
                tied=tied_before or tied_after,
                member_id=row.member_id,
                member_code=row.code,
                name=row.full_name,
                chapter_id=row.unit_id,
                unit=row.unit_name,
                percent=float(row.rank_percent),
                guess=row.rank_guess,
                distance=row.rank_distance if distances else None,
                seconds=row.rank_ms / 1000,
                finished_at=row.rank_finished_at,
            )
        )
    if limit is None:
        total = start + len(rows)
    else:
        total = db.session.scalar(
            select(func.count()).select_from(Participation).where(_ranked(quiz))
        )
    return Ranking(rows=result, total=total, provisional=is_provisional(quiz, contest))
