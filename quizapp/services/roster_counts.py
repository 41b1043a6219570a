"""Denominators for reports: active members per unit subtree, refreshed after roster changes."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import case, delete, func, select

from quizapp.extensions import db
from quizapp.models import Member, Unit, UnitRoster


def refresh_roster_counts() -> None:
    """Recompute UnitRoster for every unit with one aggregate query and a roll-up by path."""
    per_chapter = db.session.execute(
        select(Member.chapter_id, func.count(), func.sum(case((Member.is_cadre.is_(True), 1), else_=0)))
        .where(Member.active.is_(True))
        .group_by(Member.chapter_id)
    ).all()
    paths = dict(db.session.execute(select(Unit.id, Unit.path)).all())
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for chapter_id, members, cadres in per_chapter:
        for unit_id in (int(p) for p in paths[chapter_id].strip("/").split("/")):
            totals[unit_id][0] += members
            totals[unit_id][1] += int(cadres or 0)
    db.session.execute(delete(UnitRoster))
    if totals:
        db.session.execute(
            db.insert(UnitRoster),
            [{"unit_id": u, "members": m, "cadres": c} for u, (m, c) in totals.items()],
        )
    db.session.flush()
