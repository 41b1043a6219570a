"""One member at a time: search, edit, move, (de)activate.

Explicit actor and `now`, flush, never commit. Each write keeps the report read
models in step (participation counters, roster denominators) and is audited.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from quizapp import policy
from quizapp.extensions import db
from quizapp.models import Member, Unit, User
from quizapp.models.people import PHONE_MARK
from quizapp.services import audit
from quizapp.services.reports import participation
from quizapp.services.reports.roster_counts import adjust_roster_counts
from quizapp.text import fold_vietnamese

EDITABLE = ("full_name", "birth_date", "gender", "ethnicity", "phone", "email", "is_cadre")
# What the report read models depend on: a change to any of these moves counts.
_COUNTED = ("chapter_id", "active", "is_cadre", "gender", "ethnicity")


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_members(
    unit: Unit, text: str, include_inactive: bool, limit: int, offset: int = 0
) -> list[Member]:
    """Members of the subtree whose name (ignoring diacritics and case) or code contains `text`, or whose
    phone contains its digits (three or more), ordered by unit and name; one page of them."""
    # Chapters first, then their members by index: a chapter's search reads its members, not the province's.
    chapters = select(Unit.id).where(unit.subtree_filter())
    stmt = (
        select(Member)
        .join(Unit, Member.chapter_id == Unit.id)
        .where(Member.chapter_id.in_(chapters))
    )
    if not include_inactive:
        stmt = stmt.where(Member.active.is_(True))
    wanted, digits = fold_vietnamese(text), "".join(c for c in text or "" if c.isdigit())
    if wanted:
        # The name and code come before the phone mark, the phone's digits after it.
        found = [Member.search_key.like(f"%{_like_escaped(wanted)}%{PHONE_MARK}%", escape="\\")]
        if len(digits) >= 3:
            found.append(Member.search_key.like(f"%{PHONE_MARK}%{digits}%"))
        stmt = stmt.where(or_(*found))
    stmt = stmt.order_by(Unit.path, Member.full_name, Member.id).limit(limit).offset(offset)
    return list(db.session.scalars(stmt))


def _counted(member: Member) -> tuple:
    return tuple(getattr(member, k) for k in _COUNTED)


def _follow_up(member: Member, old: tuple) -> None:
    """Move report contributions and denominators after a change that affects them."""
    db.session.flush()
    if old != _counted(member):
        old_chapter_id, old_active, old_cadre, old_gender, old_ethnicity = old
        participation.member_changed(member, old_chapter_id, old_active, old_cadre)
        adjust_roster_counts(
            member,
            old_chapter_id,
            old_active,
            old_cadre,
            old_gender=old_gender,
            old_ethnicity=old_ethnicity,
        )


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
    audit.record(
        actor,
        "member.edit",
        member.chapter,
        now,
        target=member.code,
        before={k: b for k, (b, _a) in changes.items()},
        after={k: a for k, (_b, a) in changes.items()},
    )
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
        audit.record(
            actor,
            "member.move",
            side,
            now,
            target=member.code,
            before={"chapter": before.code, "chapter_name": before.name},
            after={"chapter": chapter.code, "chapter_name": chapter.name},
        )
    return True


class ProtectedPerson(Exception):
    """The member's account holds grants the actor's rights do not cover (policy.can_act_on_person)."""


def set_member_active(member: Member, active: bool, actor: User | None, now: datetime) -> bool:
    """Deactivate (leaves the denominators, cannot sign in) or reactivate; False when unchanged.
    Deactivating ends the account's sign-in, so it follows the rule for acting on a person."""
    if member.active == active:
        return False
    if (
        actor is not None
        and member.user is not None
        and not policy.can_act_on_person(actor, member.user, member)
    ):
        raise ProtectedPerson(member.code)
    old = _counted(member)
    member.active = active
    member.updated_at = now
    _follow_up(member, old)
    audit.record(
        actor,
        "member.reactivate" if active else "member.deactivate",
        member.chapter,
        now,
        target=member.code,
        before={"active": not active},
        after={"active": active},
    )
    return True
