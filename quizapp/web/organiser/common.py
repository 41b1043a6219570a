"""Helpers shared by the console's views: scope, unit choices, audit, downloads."""

from __future__ import annotations

from flask import abort
from sqlalchemy import func, select

from quizapp import policy
from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import Unit, UnitKind
from quizapp.policy import Action
from quizapp.services import audit, org
from quizapp.web.access import user

# Above this many units a select list becomes unusable on a phone; choices then narrow.
MAX_UNIT_CHOICES = 400


def unit_or_404(unit_id) -> Unit:
    """The unit with this id, or 404."""
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    if unit is None:
        abort(404)
    return unit


def units_in_scope(action: Action, kinds: list[str] | None = None, under: Unit | None = None):
    """SELECT of units in the user's scope for `action` (optionally of some kinds, under a unit)."""
    stmt = select(Unit).where(policy.unit_scope_filter(user(), action))
    if kinds:
        stmt = stmt.where(Unit.kind.in_(kinds))
    if under is not None:
        stmt = stmt.where(under.subtree_filter())
    return stmt.order_by(Unit.path)


def unit_label(unit: Unit) -> str:
    """A unit as shown in a select: indented by depth, with its code."""
    return f"{'· ' * unit.depth}{unit.name} ({unit.code})"


def unit_choices(
    action: Action, kinds: list[str] | None = None, under: Unit | None = None
) -> list[tuple[int, str]]:
    """(id, label) of units in scope; chapters are left out when the list would be too long."""
    count_stmt = select(func.count()).select_from(
        units_in_scope(action, kinds, under).order_by(None).subquery()
    )
    if db.session.scalar(count_stmt) > MAX_UNIT_CHOICES and (
        kinds is None or UnitKind.CHAPTER in kinds
    ):
        kinds = [k for k in (kinds or list(UnitKind)) if k != UnitKind.CHAPTER] or kinds
    units = db.session.scalars(units_in_scope(action, kinds, under).limit(MAX_UNIT_CHOICES * 5))
    return [(u.id, unit_label(u)) for u in org.in_tree_order(list(units))]


def chapter_choices_near(unit: Unit, action: Action) -> list[tuple[int, str]]:
    """Chapters around `unit` (widest ancestor still in scope with a short enough list)."""
    best = unit
    for ancestor in reversed(unit.ancestors()):
        if not policy.can(user(), action, ancestor):
            break
        count = db.session.scalar(
            select(func.count())
            .select_from(Unit)
            .where(ancestor.subtree_filter(), Unit.kind == UnitKind.CHAPTER)
        )
        if count > MAX_UNIT_CHOICES:
            break
        best = ancestor
    # The whole subtree is ordered, so chapters stay grouped under their (collated) parents.
    units = org.in_tree_order(list(db.session.scalars(select(Unit).where(best.subtree_filter()))))
    return [(u.id, unit_label(u)) for u in units if u.kind == UnitKind.CHAPTER]


def now():
    """The console's clock (one place, so tests can freeze it)."""
    return now_utc()


def record(action: str, unit: Unit | None, *, target: str = "", before=None, after=None):
    """Audit an action of the signed-in user, now."""
    return audit.record(user(), action, unit, now(), target=target, before=before, after=after)
