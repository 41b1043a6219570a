"""Granting and revoking roles on units."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Grant, Role, Unit, User


class GrantError(Exception):
    """A grant that cannot be made; the message key is shown translated."""


def grant_role(
    user: User, role: str, unit: Unit | None, granted_by: User | None, now: datetime
) -> Grant | None:
    """Give `user` the role on `unit`'s subtree; returns None when it was already held."""
    if role not in {r.value for r in Role} or role == Role.MEMBER:
        raise GrantError("unknown_role")
    if role == Role.ADMIN:
        unit = None
    elif unit is None:
        raise GrantError("unit_required")
    exists = db.session.scalar(
        select(Grant).where(
            Grant.user_id == user.id,
            Grant.role == role,
            Grant.unit_id.is_(None) if unit is None else Grant.unit_id == unit.id,
        )
    )
    if exists is not None:
        return None
    grant = Grant(
        user=user,
        role=role,
        unit=unit,
        granted_by_id=granted_by.id if granted_by else None,
        granted_at=now,
    )
    db.session.add(grant)
    db.session.flush()
    return grant


def revoke_grant(grant: Grant) -> None:
    """Remove a grant."""
    db.session.delete(grant)
    db.session.flush()
