"""The audit log: every organiser and secretary action, with the state before and after."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEntry, Unit, User


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def record(
    actor: User | None,
    action: str,
    unit: Unit | None,
    now: datetime,
    *,
    target: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Add an audit entry in the caller's transaction."""
    entry = AuditEntry(
        at=now,
        actor_id=actor.id if actor else None,
        action=action,
        unit_id=unit.id if unit else None,
        target=target[:255],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )
    db.session.add(entry)
    return entry


def entries_for_unit(unit: Unit | None, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
    """Newest entries on the unit's subtree (everything when unit is None)."""
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if unit is not None:
        stmt = stmt.join(Unit, AuditEntry.unit_id == Unit.id).where(unit.subtree_filter())
    return list(db.session.scalars(stmt.limit(limit).offset(offset)))
