"""The organisation tree: creating units, finding them, and showing a subtree with member counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Unit, UnitKind, UnitRoster, set_unit_path
from quizapp.text import vietnamese_sort_key


class UnitError(Exception):
    """A unit that cannot be created; the message key is shown translated."""


def find_unit(code: str) -> Unit | None:
    """The unit with this code (codes are unique)."""
    return db.session.scalar(select(Unit).where(Unit.code == code.strip()))


def create_unit(code: str, name: str, kind: str, parent: Unit | None) -> Unit:
    """Add a unit under `parent` (a root when None) with its materialized path."""
    code, name = code.strip(), name.strip()
    if kind not in {k.value for k in UnitKind}:
        raise UnitError("unknown_kind")
    if not code or not name:
        raise UnitError("code_and_name_required")
    if find_unit(code) is not None:
        raise UnitError("code_taken")
    unit = Unit(code=code, name=name, kind=kind, parent=parent)
    db.session.add(unit)
    db.session.flush()
    set_unit_path(unit)
    db.session.flush()
    return unit


@dataclass
class UnitNode:
    """A unit in a displayed tree, with active members and cadres of its whole subtree."""

    id: int
    code: str
    name: str
    kind: str
    depth: int
    members: int = 0
    cadres: int = 0
    children: list[UnitNode] = field(default_factory=list)
    more_below: bool = False  # the unit has children deeper than the tree shows


def _sort_key(node: UnitNode):
    return vietnamese_sort_key(node.name)


def in_tree_order(units: list[Unit]) -> list[Unit]:
    """The units depth-first, each unit's children in Vietnamese alphabetical order (ancestors
    missing from the list are passed over: their descendants still sort among themselves)."""
    names = {u.id: u.name for u in units}

    def key(unit: Unit) -> tuple:
        return tuple((vietnamese_sort_key(names[i]), i) for i in unit.ancestor_ids() if i in names)

    return sorted(units, key=key)


def unit_tree(roots: list[Unit], levels: int = 2, max_children: int = 300) -> list[UnitNode]:
    """Each root with `levels` levels below it and counts from UnitRoster: one query per root,
    plus one to mark the deepest shown units that have more below them."""
    result = []
    for root in sorted(roots, key=lambda u: u.path):
        rows = db.session.execute(
            select(
                Unit.id,
                Unit.parent_id,
                Unit.code,
                Unit.name,
                Unit.kind,
                Unit.depth,
                UnitRoster.members,
                UnitRoster.cadres,
            )
            .outerjoin(UnitRoster, UnitRoster.unit_id == Unit.id)
            .where(root.subtree_filter(), Unit.depth <= root.depth + levels)
        ).all()
        nodes = {r[0]: UnitNode(r[0], r[2], r[3], r[4], r[5], r[6] or 0, r[7] or 0) for r in rows}
        for unit_id, parent_id, *_rest in rows:
            if unit_id != root.id and parent_id in nodes:
                nodes[parent_id].children.append(nodes[unit_id])
        deepest = [n.id for n in nodes.values() if n.depth == root.depth + levels]
        for start in range(0, len(deepest), 900):
            for parent_id in db.session.scalars(
                select(Unit.parent_id)
                .where(Unit.parent_id.in_(deepest[start : start + 900]))
                .distinct()
            ):
                nodes[parent_id].more_below = True
        for node in nodes.values():
            node.children.sort(key=_sort_key)
            del node.children[max_children:]
        result.append(nodes[root.id])
    return result


def child_units(unit: Unit) -> list[UnitNode]:
    """The unit's direct children with their counts, in Vietnamese name order."""
    rows = db.session.execute(
        select(
            Unit.id,
            Unit.code,
            Unit.name,
            Unit.kind,
            Unit.depth,
            UnitRoster.members,
            UnitRoster.cadres,
        )
        .outerjoin(UnitRoster, UnitRoster.unit_id == Unit.id)
        .where(Unit.parent_id == unit.id)
    ).all()
    has_children = (
        set(
            db.session.scalars(
                select(Unit.parent_id).where(Unit.parent_id.in_([r[0] for r in rows])).distinct()
            )
        )
        if rows
        else set()
    )
    nodes = [
        UnitNode(
            r[0], r[1], r[2], r[3], r[4], r[5] or 0, r[6] or 0, more_below=r[0] in has_children
        )
        for r in rows
    ]
    return sorted(nodes, key=_sort_key)


def roster_count(unit: Unit) -> tuple[int, int]:
    """(active members, cadres) of the unit's subtree."""
    row = db.session.get(UnitRoster, unit.id)
    return (row.members, row.cadres) if row else (0, 0)
