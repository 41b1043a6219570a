"""Denominators for reports: active members per unit subtree, and per breakdown group,
refreshed after roster changes."""

from __future__ import annotations

import json
from collections import Counter, defaultdict

from sqlalchemy import Text, case, cast, delete, func, select

from quizapp import db_upsert
from quizapp.extensions import db
from quizapp.models import Member, Unit, UnitRoster, UnitRosterGroup, path_ids
from quizapp.services.reports import participation
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
        select(
            Member.chapter_id,
            Member.gender,
            Member.ethnicity,
            attrs,
            func.count(),
            func.sum(case((Member.is_cadre.is_(True), 1), else_=0)),
        )
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

    paths = {uid: path_ids(path) for uid, path in db.session.execute(select(Unit.id, Unit.path))}
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for chapter_id, (members, cadres) in per_chapter.items():
        for unit_id in paths[chapter_id]:
            totals[unit_id][0] += members
            totals[unit_id][1] += cadres
    groups: Counter = Counter()
    for (chapter_id, dimension, value), members in groups_per_chapter.items():
        for unit_id in paths[chapter_id]:
            groups[(unit_id, dimension, value)] += members

    old_dims = set(
        db.session.scalars(
            select(UnitRosterGroup.dimension)
            .distinct()
            .where(UnitRosterGroup.dimension.startswith(ATTR_PREFIX))
        )
    )
    db.session.execute(delete(UnitRoster))
    db.session.execute(delete(UnitRosterGroup))
    # Core inserts: the ORM's bulk path costs more than the writes at province scale
    if totals:
        db.session.execute(
            UnitRoster.__table__.insert(),
            [{"unit_id": u, "members": m, "cadres": c} for u, (m, c) in totals.items()],
        )
    rows = [
        {"unit_id": u, "dimension": d, "value": v, "members": n} for (u, d, v), n in groups.items()
    ]
    for start in range(0, len(rows), 5000):
        db.session.execute(UnitRosterGroup.__table__.insert(), rows[start : start + 5000])
    db.session.flush()
    if old_dims != set(dims):
        participation.regroup_all()


# --- One member's edit: ±1 along the old and the new path instead of a full recount. ---

_SAME = object()
_roster = UnitRoster.__table__
_group = UnitRosterGroup.__table__


def adjust_roster_counts(
    member: Member,
    old_chapter_id: int,
    old_active: bool,
    old_cadre: bool,
    *,
    old_gender=_SAME,
    old_ethnicity=_SAME,
) -> None:
    """Apply one member's edit to the denominators: −1 along the old path, +1 along the new one.

    Leaves the tables exactly as `refresh_roster_counts()` would, and falls back to it when the
    edit could change which attribute dimensions are breakdowns (a (de)activation of a member
    holding a rare or brand-new attribute value). `old_gender`/`old_ethnicity` default to the
    member's current ones (single-member edits never change attributes).
    """
    db.session.flush()
    old_gender = member.gender if old_gender is _SAME else old_gender
    old_ethnicity = member.ethnicity if old_ethnicity is _SAME else old_ethnicity
    dims = sorted(
        db.session.scalars(
            select(_group.c.dimension).distinct().where(_group.c.dimension.startswith(ATTR_PREFIX))
        )
    )
    values = attribute_values(member.attributes)
    if old_active != member.active and _dimensions_may_change(values, dims, entering=member.active):
        refresh_roster_counts()
        return
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    groups: Counter = Counter()
    for sign, active, chapter_id, cadre, gender, ethnicity in (
        (-1, old_active, old_chapter_id, old_cadre, old_gender, old_ethnicity),
        (+1, member.active, member.chapter_id, member.is_cadre, member.gender, member.ethnicity),
    ):
        if not active:
            continue
        labels = [(GENDER, clean(gender)), (ETHNICITY, clean(ethnicity))]
        labels += [(d, values.get(d, "")) for d in dims]
        for unit_id in _path_ids(chapter_id):
            totals[unit_id][0] += sign
            totals[unit_id][1] += sign if cadre else 0
            for dimension, value in labels:
                groups[(unit_id, dimension, value)] += sign
    _apply(totals, groups)


def _path_ids(unit_id: int) -> list[int]:
    return path_ids(db.session.scalar(select(Unit.path).where(Unit.id == unit_id)))


def _dimensions_may_change(values: dict[str, str], dims: list[str], entering: bool) -> bool:
    """True when adding (or removing) one active member with these attribute values could change
    the set of dimensions a full refresh would choose."""
    for dimension, value in values.items():
        if not value:
            continue
        if dimension not in dims:
            return True  # a new dimension, or a too-wide one that this member may narrow or widen
        distinct = db.session.scalar(
            select(func.count(func.distinct(_group.c.value))).where(
                _group.c.dimension == dimension, _group.c.value != ""
            )
        )
        holders = db.session.scalar(
            select(func.coalesce(func.sum(_group.c.members), 0))
            .join(Unit, Unit.id == _group.c.unit_id)
            .where(
                Unit.parent_id.is_(None), _group.c.dimension == dimension, _group.c.value == value
            )
        )
        if entering and holders == 0 and distinct + 1 > MAX_ATTRIBUTE_VALUES:
            return True
        if not entering and holders <= 1 and distinct <= 1:
            return True
    return False


def _apply(totals: dict[int, list[int]], groups: Counter) -> None:
    """Add the signed deltas (atomic upserts, in key order so concurrent edits lock alike), then
    drop rows that reached zero: a full refresh only writes units and groups with members."""
    roster_rows = [
        {"unit_id": u, "members": m, "cadres": c} for u, (m, c) in sorted(totals.items()) if m or c
    ]
    group_rows = [
        {"unit_id": u, "dimension": d, "value": v, "members": n}
        for (u, d, v), n in sorted(groups.items())
        if n
    ]
    if roster_rows:
        stmt = db_upsert.insert(_roster)
        db.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["unit_id"],
                set_={
                    "members": _roster.c.members + stmt.excluded.members,
                    "cadres": _roster.c.cadres + stmt.excluded.cadres,
                },
            ),
            roster_rows,
        )
        db.session.execute(
            delete(_roster).where(
                _roster.c.unit_id.in_([r["unit_id"] for r in roster_rows]), _roster.c.members <= 0
            )
        )
    if group_rows:
        stmt = db_upsert.insert(_group)
        db.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["unit_id", "dimension", "value"],
                set_={"members": _group.c.members + stmt.excluded.members},
            ),
            group_rows,
        )
        db.session.execute(
            delete(_group).where(
                _group.c.unit_id.in_({r["unit_id"] for r in group_rows}), _group.c.members <= 0
            )
        )
