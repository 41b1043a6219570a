"""One member at a time: edit, move, (de)activate and search.

Explicit actor and `now`, flush, never commit. Each write keeps the report read
models in step (participation counters, roster denominators) and is audited.
"""
from __future__ import annotations

from datetime import datetime

from quizapp.extensions import db
from quizapp.models import Member, Unit, User
from quizapp.services import audit, participation
from quizapp.services.roster_counts import adjust_roster_counts

EDITABLE = ("full_name", "birth_date", "gender", "ethnicity", "phone", "email", "is_cadre")
# What the report read models depend on: a change to any of these moves counts.
_COUNTED = ("chapter_id", "active", "is_cadre", "gender", "ethnicity")


def _counted(member: Member) -> tuple:
    return tuple(getattr(member, k) for k in _COUNTED)


def _follow_up(member: Member, old: tuple) -> None:
    """Move report contributions and denominators after a change that affects them."""
    db.session.flush()
    if old != _counted(member):
        old_chapter_id, old_active, old_cadre, old_gender, old_ethnicity = old
        participation.member_changed(member, old_chapter_id, old_active, old_cadre)
        adjust_roster_counts(member, old_chapter_id, old_active, old_cadre,
                             old_gender=old_gender, old_ethnicity=old_ethnicity)


def update_member(member: Member, values: dict, actor: User | None, now: datetime) -> dict:
    """Apply edited fields; returns {field: (before, after)} of what changed."""
    old = _counted(member)
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
    old = _counted(member)
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
    old = _counted(member)
    member.active = active
    member.updated_at = now
    _follow_up(member, old)
    audit.record(actor, "member.reactivate" if active else "member.deactivate", member.chapter, now,
                 target=member.code, before={"active": not active}, after={"active": active})
    return True
