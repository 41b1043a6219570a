"""Reminders: the organiser's message, "Đã nhắc" marks and their read-model counters.

The server sends nothing: the secretary copies or shares each message from their phone and then
marks the member reminded. `UnitQuizReminder` counts, on every unit of the member's path, the
active members reminded at least once and those of them whose first finished attempt came at or
after their first reminder ("reminded, then took part"). Every change is applied as the
difference between what `ReminderState` says was counted and what should be counted now, in the
transaction of the change (a reminder, a finished attempt, a roster edit); `rebuild_quiz`
recomputes all of it from the `Reminder` rows.
"""

from __future__ import annotations

import string
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import aliased

from quizapp import db_upsert
from quizapp.extensions import db
from quizapp.models import (
    Member,
    Participation,
    Quiz,
    Reminder,
    ReminderState,
    Unit,
    UnitQuizReminder,
    User,
    path_ids,
)
from quizapp.services import audit
from quizapp.text import person_sort_key, vietnamese_sort_key

PLACEHOLDERS = ("ten", "dot", "han", "lien_ket")
MAX_TEMPLATE = 1000


class ReminderError(ValueError):
    """A template the organiser typed that cannot be used; `reason` says why."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason, self.detail = reason, detail


def default_template() -> str:
    """The message used until the organiser writes one."""
    return _(
        "Chào {ten}, bạn chưa tham gia «{dot}». Hạn cuối: {han}. Bấm vào đây để làm bài: {lien_ket}"
    )


def template_for(quiz: Quiz) -> str:
    """The quiz's reminder message template."""
    return quiz.reminder_template or default_template()


def check_template(text: str) -> str:
    """The template cleaned up, or ReminderError for unknown placeholders or stray braces."""
    text = (text or "").strip()
    if not text:
        raise ReminderError("empty")
    if len(text) > MAX_TEMPLATE:
        raise ReminderError("too_long")
    try:
        fields = [
            name for _, name, spec, conv in string.Formatter().parse(text) if name is not None
        ]
    except ValueError as error:
        raise ReminderError("braces") from error
    for name in fields:
        if name not in PLACEHOLDERS:
            raise ReminderError("unknown", name)
    if "lien_ket" not in fields:
        raise ReminderError("no_link")
    return text


def set_template(quiz: Quiz, text: str, actor: User | None, now: datetime) -> None:
    """Save the organiser's template (an empty one goes back to the default), audited."""
    before = quiz.reminder_template
    quiz.reminder_template = check_template(text) if (text or "").strip() else None
    audit.record(
        actor,
        "reminder_template",
        quiz.audience_unit,
        now,
        target=str(quiz.id),
        before={"template": before},
        after={"template": quiz.reminder_template},
    )
    db.session.flush()


def render(template: str, name: str, quiz_title: str, deadline: str, link: str) -> str:
    """The message for one member (the template was checked when it was saved)."""
    return template.format(ten=name, dot=quiz_title, han=deadline, lien_ket=link)


# --- the counters -------------------------------------------------------------------------


def _path(chapter_id: int) -> list[int]:
    return path_ids(db.session.scalar(select(Unit.path).where(Unit.id == chapter_id)))


def _write(quiz_id: int, delta: dict[int, Counter]) -> None:
    """Add the signed differences to the unit counters: one upsert, deepest units first."""
    rows = [
        {
            "quiz_id": quiz_id,
            "unit_id": u,
            "reminded": c["reminded"],
            "reminded_took_part": c["reminded_took_part"],
        }
        for u, c in sorted(delta.items(), key=lambda kv: -kv[0])
        if any(c.values())
    ]
    if not rows:
        return
    table = UnitQuizReminder.__table__
    insert = db_upsert.insert(table)
    stmt = insert.on_conflict_do_update(
        index_elements=["quiz_id", "unit_id"],
        set_={
            "reminded": table.c.reminded + insert.excluded.reminded,
            "reminded_took_part": table.c.reminded_took_part + insert.excluded.reminded_took_part,
        },
    )
    db.session.execute(stmt, rows)


def _took_part_after(state: ReminderState, first_finished_at: datetime | None) -> bool:
    return first_finished_at is not None and first_finished_at >= state.first_reminded_at


def _recount(state: ReminderState, member: Member, first_finished_at: datetime | None) -> None:
    """Move the member's contribution from what was counted to what is true now."""
    new_chapter = member.chapter_id if member.active else None
    new_took = new_chapter is not None and _took_part_after(state, first_finished_at)
    old = (state.counted_chapter_id, bool(state.counted_took_part))
    if old == (new_chapter, new_took):
        return
    delta: dict[int, Counter] = defaultdict(Counter)
    for chapter_id, took, sign in ((old[0], old[1], -1), (new_chapter, new_took, +1)):
        if chapter_id is None:
            continue
        for unit_id in _path(chapter_id):
            delta[unit_id]["reminded"] += sign
            delta[unit_id]["reminded_took_part"] += sign if took else 0
    state.counted_chapter_id, state.counted_took_part = new_chapter, new_took
    db.session.flush()
    _write(state.quiz_id, delta)


def _first_finished(quiz_id: int, member_id: int, lock: bool) -> datetime | None:
    stmt = select(Participation).where(
        Participation.quiz_id == quiz_id, Participation.member_id == member_id
    )
    if lock:  # the same order as a finishing attempt: participation, then reminder state
        stmt = stmt.with_for_update()
    p = db.session.scalar(stmt.execution_options(populate_existing=True))
    return p.first_finished_at if p is not None else None


def _state(quiz_id: int, member_id: int) -> ReminderState | None:
    return db.session.scalar(
        select(ReminderState)
        .where(ReminderState.quiz_id == quiz_id, ReminderState.member_id == member_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def mark_reminded(quiz: Quiz, member: Member, actor: User | None, now: datetime) -> ReminderState:
    """Record that `actor` reminded `member` about `quiz` now; counters follow, audited."""
    first_finished = _first_finished(quiz.id, member.id, lock=True)
    db.session.add(
        Reminder(
            quiz_id=quiz.id,
            member_id=member.id,
            reminded_by_id=actor.id if actor else None,
            reminded_at=now,
        )
    )
    state = _state(quiz.id, member.id)
    if state is None:
        state = ReminderState(
            quiz_id=quiz.id,
            member_id=member.id,
            count=0,
            first_reminded_at=now,
            last_reminded_at=now,
            counted_chapter_id=None,
            counted_took_part=False,
        )
        db.session.add(state)
    state.count += 1
    state.last_reminded_at = max(state.last_reminded_at, now)
    state.last_reminded_by_id = actor.id if actor else None
    db.session.flush()
    _recount(state, member, first_finished)
    audit.record(
        actor,
        "reminder",
        member.chapter,
        now,
        target=member.code,
        after={"quiz": quiz.id, "count": state.count},
    )
    return state


def participation_changed(quiz_id: int, member: Member, first_finished_at: datetime | None) -> None:
    """After a finished attempt (the caller holds the participation row): count a reminded member
    who has now taken part."""
    state = _state(quiz_id, member.id)
    if state is not None:
        _recount(state, member, first_finished_at)


def member_changed(member: Member) -> None:
    """After a roster edit moved or (de)activated the member: move their reminder counts."""
    states = list(
        db.session.scalars(
            select(ReminderState).where(ReminderState.member_id == member.id).with_for_update()
        )
    )
    for state in states:
        _recount(state, member, _first_finished(state.quiz_id, member.id, lock=False))


def rebuild_quiz(quiz_id: int) -> None:
    """Recompute the quiz's reminder states and unit counters from the reminders themselves."""
    db.session.execute(delete(UnitQuizReminder).where(UnitQuizReminder.quiz_id == quiz_id))
    db.session.execute(delete(ReminderState).where(ReminderState.quiz_id == quiz_id))
    db.session.flush()
    rows = db.session.execute(
        select(Reminder.member_id, Reminder.reminded_at, Reminder.reminded_by_id)
        .where(Reminder.quiz_id == quiz_id)
        .order_by(Reminder.member_id, Reminder.reminded_at, Reminder.id)
    ).all()
    by_member: dict[int, list] = defaultdict(list)
    for r in rows:
        by_member[r.member_id].append(r)
    if not by_member:
        return
    ids = list(by_member)
    people = {}
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        people.update(
            {
                m.id: m
                for m in db.session.execute(
                    select(
                        Member.id, Member.chapter_id, Member.active, Participation.first_finished_at
                    )
                    .outerjoin(
                        Participation,
                        and_(
                            Participation.quiz_id == quiz_id, Participation.member_id == Member.id
                        ),
                    )
                    .where(Member.id.in_(chunk))
                )
            }
        )
    paths = {uid: path_ids(p) for uid, p in db.session.execute(select(Unit.id, Unit.path))}
    delta: dict[int, Counter] = defaultdict(Counter)
    states = []
    for member_id, reminders in by_member.items():
        m = people[member_id]
        first = reminders[0].reminded_at
        took = m.active and m.first_finished_at is not None and m.first_finished_at >= first
        states.append(
            {
                "quiz_id": quiz_id,
                "member_id": member_id,
                "count": len(reminders),
                "first_reminded_at": first,
                "last_reminded_at": reminders[-1].reminded_at,
                "last_reminded_by_id": reminders[-1].reminded_by_id,
                "counted_chapter_id": m.chapter_id if m.active else None,
                "counted_took_part": bool(took),
            }
        )
        if m.active:
            for unit_id in paths[m.chapter_id]:
                delta[unit_id]["reminded"] += 1
                delta[unit_id]["reminded_took_part"] += 1 if took else 0
    for start in range(0, len(states), 2000):
        db.session.execute(db.insert(ReminderState), states[start : start + 2000])
    rows = [
        {
            "quiz_id": quiz_id,
            "unit_id": u,
            "reminded": c["reminded"],
            "reminded_took_part": c["reminded_took_part"],
        }
        for u, c in delta.items()
    ]
    for start in range(0, len(rows), 2000):
        db.session.execute(db.insert(UnitQuizReminder), rows[start : start + 2000])
    db.session.flush()


# --- what the pages read ------------------------------------------------------------------


@dataclass
class Counts:
    """A unit's reminder counters for a quiz."""

    reminded: int = 0
    reminded_took_part: int = 0


def counts(quiz_id: int, unit_id: int) -> Counts:
    """The unit's counters (zero when nobody under it was reminded)."""
    row = db.session.get(UnitQuizReminder, (quiz_id, unit_id))
    return Counts(row.reminded, row.reminded_took_part) if row else Counts()


def counts_for(quiz_id: int, unit_ids: list[int]) -> dict[int, Counts]:
    """Counters of several units in one read."""
    found = {
        r.unit_id: Counts(r.reminded, r.reminded_took_part)
        for r in db.session.scalars(
            select(UnitQuizReminder).where(
                UnitQuizReminder.quiz_id == quiz_id, UnitQuizReminder.unit_id.in_(unit_ids)
            )
        )
    }
    return {u: found.get(u, Counts()) for u in unit_ids}


@dataclass
class ToRemind:
    """A member who has not taken part, with what the reminder list shows."""

    member_id: int
    code: str
    login: str
    full_name: str
    phone: str | None
    chapter_id: int
    chapter_name: str
    has_password: bool
    in_progress: bool
    count: int
    last_reminded_at: datetime | None
    last_reminded_by: str | None


def not_taken(quiz: Quiz, unit: Unit) -> list[ToRemind]:
    """Active members of the unit's subtree in the quiz's audience who have not finished an
    attempt, by chapter then in Vietnamese name order."""
    if not unit.is_within(quiz.audience_unit) and not quiz.audience_unit.is_within(unit):
        return []
    scope = unit if unit.is_within(quiz.audience_unit) else quiz.audience_unit
    by = aliased(User)
    stmt = (
        select(
            Member.id,
            Member.code,
            func.coalesce(User.login, Member.code),
            Member.full_name,
            Member.phone,
            Unit.id,
            Unit.name,
            User.password_hash.is_not(None),
            Participation.attempts_started,
            ReminderState.count,
            ReminderState.last_reminded_at,
            by.display_name,
        )
        .join(Unit, Unit.id == Member.chapter_id)
        .outerjoin(User, User.member_id == Member.id)
        .outerjoin(
            Participation,
            and_(Participation.quiz_id == quiz.id, Participation.member_id == Member.id),
        )
        .outerjoin(
            ReminderState,
            and_(ReminderState.quiz_id == quiz.id, ReminderState.member_id == Member.id),
        )
        .outerjoin(by, by.id == ReminderState.last_reminded_by_id)
        .where(
            scope.subtree_filter(),
            Member.active.is_(True),
            func.coalesce(Participation.attempts_finished, 0) == 0,
        )
    )
    rows = [
        ToRemind(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            bool(r[7]),
            bool(r[8]),
            r[9] or 0,
            r[10],
            r[11],
        )
        for r in db.session.execute(stmt)
    ]
    rows.sort(
        key=lambda r: (vietnamese_sort_key(r.chapter_name), person_sort_key(r.full_name), r.code)
    )
    return rows
