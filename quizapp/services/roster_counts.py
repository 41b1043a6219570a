"""Denominators for reports: active members per unit subtree, and per breakdown group,
refreshed after roster changes."""
from __future__ import annotations

import json
from collections import Counter, defaultdict

from sqlalchemy import Text, case, cast, delete, func, select

from quizapp.extensions import db
from quizapp.models import Member, Unit, UnitRoster, UnitRosterGroup
from quizapp.services.reports.labels import (
    ATTR_PREFIX,
    ETHNICITY,
    GENDER,
    MAX_ATTRIBUTE_VALUES,
    attribute_values,
    clean,
)


def _attributes(text: str | None, cache: dict) -> dict[str, str]:
    if text not in cache:
        try:
            parsed = json.loads(text) if text else {}
        except ValueError:
            parsed = {}
        cache[text] = attribute_values(parsed if isinstance(parsed, dict) else {})
    return cache[text]


def refresh_roster_counts() -> None:
    """Recompute UnitRoster and UnitRosterGroup for every unit with one aggregate query and a
    roll-up by path; recount quiz breakdowns when the set of attribute dimensions changed."""
    attrs = cast(Member.attributes, Text)
    per_group = db.session.execute(
        select(Member.chapter_id, Member.gender, Member.ethnicity, attrs, func.count(),
               func.sum(case((Member.is_cadre.is_(True), 1), else_=0)))
        .where(Member.active.is_(True))
        .group_by(Member.chapter_id, Member.gender, Member.ethnicity, attrs)
    ).all()
    cache: dict = {}
    # Attribute dimensions with few distinct values are breakdowns; the rest (notes, addresses) are not.
    seen: dict[str, set[str]] = defaultdict(set)
    for row in per_group:
        for dimension, value in _attributes(row[3], cache).items():
            if value and len(seen[dimension]) <= MAX_ATTRIBUTE_VALUES:
                seen[dimension].add(value)
    dims = sorted(d for d, values in seen.items() if 0 < len(values) <= MAX_ATTRIBUTE_VALUES)

    per_chapter: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    groups_per_chapter: Counter = Counter()
    cleaned: dict = {}  # a province has a handful of distinct genders and ethnicities
    for chapter_id, gender, ethnicity, attr_text, members, cadres in per_group:
        per_chapter[chapter_id][0] += members
        per_chapter[chapter_id][1] += int(cadres or 0)
        values = _attributes(attr_text, cache)
        if gender not in cleaned:
            cleaned[gender] = clean(gender)
        if ethnicity not in cleaned:
            cleaned[ethnicity] = clean(ethnicity)
        groups_per_chapter[(chapter_id, GENDER, cleaned[gender])] += members
        groups_per_chapter[(chapter_id, ETHNICITY, cleaned[ethnicity])] += members
        for dimension in dims:
            groups_per_chapter[(chapter_id, dimension, values.get(dimension, ""))] += members

    paths = {uid: [int(p) for p in path.strip("/").split("/")]
             for uid, path in db.session.execute(select(Unit.id, Unit.path))}
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for chapter_id, (members, cadres) in per_chapter.items():
        for unit_id in paths[chapter_id]:
            totals[unit_id][0] += members
            totals[unit_id][1] += cadres
    groups: Counter = Counter()
    for (chapter_id, dimension, value), members in groups_per_chapter.items():
        for unit_id in paths[chapter_id]:
            groups[(unit_id, dimension, value)] += members

    old_dims = set(db.session.scalars(
        select(UnitRosterGroup.dimension).distinct().where(UnitRosterGroup.dimension.startswith(ATTR_PREFIX))
    ))
    db.session.execute(delete(UnitRoster))
    db.session.execute(delete(UnitRosterGroup))
    # Core inserts: the ORM's bulk path costs more than the writes at province scale
    if totals:
        db.session.execute(
            UnitRoster.__table__.insert(),
            [{"unit_id": u, "members": m, "cadres": c} for u, (m, c) in totals.items()],
        )
    rows = [{"unit_id": u, "dimension": d, "value": v, "members": n} for (u, d, v), n in groups.items()]
    for start in range(0, len(rows), 5000):
        db.session.execute(UnitRosterGroup.__table__.insert(), rows[start:start + 5000])
    db.session.flush()
    if old_dims != set(dims):
        from quizapp.services import participation

        participation.regroup_all()
