"""Units ranked per round and per contest, by participation rate and by participants.

Read from the report read models: `UnitQuizCounter.took_part` (members of the unit's subtree who
finished the round) over `UnitRoster.members` (its active members). For a whole contest the
participations of every round are summed and the rate is over members × rounds, the average of
the rounds' rates (the Đoàn counts "lượt tham gia" over a contest). Ranks are competition ranks
(1, 1, 3); a unit without members has no rate and ranks last by rate.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select

from quizapp.extensions import db
from quizapp.models import Unit, UnitKind, UnitQuizCounter, UnitRoster


@dataclass(frozen=True)
class UnitStanding:
    """A unit's participation over the rounds and its two ranks among the units of its level."""

    unit_id: int
    code: str
    name: str
    members: int
    participants: int
    rate: float | None
    rank_by_rate: int
    rank_by_participants: int


def levels(scope: Unit) -> list[int]:
    """Depths of the tree below `scope` (one level per kind of unit in practice)."""
    return list(
        db.session.scalars(
            select(Unit.depth)
            .distinct()
            .where(scope.subtree_filter(), Unit.depth > scope.depth)
            .order_by(Unit.depth)
        )
    )


def _ranks(values: list) -> list[int]:
    """Competition ranks of `values`, larger first, None last."""
    ordered = sorted((v for v in values if v is not None), reverse=True)
    first = {}
    for index, value in enumerate(ordered):
        first.setdefault(value, index + 1)
    return [first[v] if v is not None else len(ordered) + 1 for v in values]


def unit_ranking(quiz_ids: list[int], scope: Unit, depth: int) -> list[UnitStanding]:
    """Units at `depth` under `scope`, best rate first, over the rounds `quiz_ids`."""
    took = (
        select(UnitQuizCounter.unit_id, func.sum(UnitQuizCounter.took_part).label("n"))
        .where(UnitQuizCounter.quiz_id.in_(quiz_ids) if quiz_ids else False)
        .group_by(UnitQuizCounter.unit_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Unit.id,
            Unit.code,
            Unit.name,
            func.coalesce(UnitRoster.members, 0),
            func.coalesce(took.c.n, 0),
        )
        .outerjoin(UnitRoster, UnitRoster.unit_id == Unit.id)
        .outerjoin(took, took.c.unit_id == Unit.id)
        .where(and_(scope.subtree_filter(), Unit.depth == depth))
    ).all()
    rounds = len(quiz_ids)
    rates = [n * 100.0 / (m * rounds) if m and rounds else None for _, _, _, m, n in rows]
    by_rate = _ranks(rates)
    by_count = _ranks([int(n) for *_, n in rows])
    standings = [
        UnitStanding(
            unit_id=r[0],
            code=r[1],
            name=r[2],
            members=int(r[3]),
            participants=int(r[4]),
            rate=rate,
            rank_by_rate=rr,
            rank_by_participants=rc,
        )
        for r, rate, rr, rc in zip(rows, rates, by_rate, by_count, strict=True)
    ]
    return sorted(standings, key=lambda s: (s.rank_by_rate, s.rank_by_participants, s.name))


def level_kinds(scope: Unit) -> dict[int, list[str]]:
    """The kinds of unit found at each depth below `scope`, widest kind first (a level may mix kinds)."""
    order = {kind.value: index for index, kind in enumerate(UnitKind)}
    found: dict[int, list[str]] = {}
    for depth, kind in db.session.execute(
        select(Unit.depth, Unit.kind)
        .distinct()
        .where(scope.subtree_filter(), Unit.depth > scope.depth)
        .order_by(Unit.depth)
    ):
        found.setdefault(depth, []).append(kind)
    return {
        depth: sorted(kinds, key=lambda k: order.get(k, len(order)))
        for depth, kinds in found.items()
    }


def ranking_scope(contest_audience: Unit, unit: Unit) -> Unit | None:
    """Where a unit's view of a contest starts: the unit inside the audience, the audience inside
    the unit; None when the two subtrees do not meet."""
    if unit.is_within(contest_audience):
        return unit
    if contest_audience.is_within(unit):
        return contest_audience
    return None
