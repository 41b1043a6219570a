"""Console writes that have no CLI twin: one member's edit, move and (de)activation.

Like services: explicit actor and `now`, flush, never commit; each keeps the
report read models in step and leaves an audit entry.
"""
from __future__ import annotations

from datetime import datetime

from quizapp.extensions import db
from quizapp.models import Member, Unit, User
from quizapp.services import audit, participation
from quizapp.services.roster_counts import refresh_roster_counts

EDITABLE = ("full_name", "birth_date", "gender", "ethnicity", "phone", "email", "is_cadre")


def _snapshot(member: Member, keys) -> dict:
    return {k: getattr(member, k) for k in keys}


def _follow_up(member: Member, old: tuple[int, bool, bool]) -> None:
    """Move report contributions and denominators after a change that affects them."""
    db.session.flush()
    if old != (member.chapter_id, member.active, member.is_cadre):
        participation.member_changed(member, *old)
        refresh_roster_counts()


def update_member(member: Member, values: dict, actor: User | None, now: datetime) -> dict:
    """Apply edited fields; returns {field: (before, after)} of what changed."""
    old = (member.chapter_id, member.active, member.is_cadre)
    changes = {}
    for key in EDITABLE:
        if key in values and values[key] != getattr(member, key):
            changes[key] = (getattr(member, key), values[key])
            setattr(member, key, values[key])
    if not changes:
        return changes
    member.updated_at = now
    if member.user is not None and "full_name" in changes:
        member.user.display_name = member.full_name
    _follow_up(member, old)
    audit.record(actor, "member.edit", member.chapter, now, target=member.code,
                 before={k: b for k, (b, _a) in changes.items()}, after={k: a for k, (_b, a) in changes.items()})
    return changes


def move_member(member: Member, chapter: Unit, actor: User | None, now: datetime) -> bool:
    """Put the member in another chapter; False when they are already there."""
    if member.chapter_id == chapter.id:
        return False
    old = (member.chapter_id, member.active, member.is_cadre)
    before = member.chapter
    member.chapter = chapter
    member.updated_at = now
    _follow_up(member, old)
    # One entry on each side, so that both the old and the new chapter's tree see the move.
    for side in (before, chapter):
        audit.record(actor, "member.move", side, now, target=member.code,
                     before={"chapter": before.code, "chapter_name": before.name},
                     after={"chapter": chapter.code, "chapter_name": chapter.name})
    return True


def set_member_active(member: Member, active: bool, actor: User | None, now: datetime) -> bool:
    """Deactivate (leaves the denominators, cannot sign in) or reactivate; False when unchanged."""
    if member.active == active:
        return False
    old = (member.chapter_id, member.active, member.is_cadre)
    member.active = active
    member.updated_at = now
    _follow_up(member, old)
    audit.record(actor, "member.reactivate" if active else "member.deactivate", member.chapter, now,
                 target=member.code, before={"active": not active}, after={"active": active})
    return True
