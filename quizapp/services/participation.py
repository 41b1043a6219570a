"""Upkeep of the report read models, in the same transaction as the change they follow.

`Participation` holds one row per (quiz, member) who started; `UnitQuizCounter`
and `UnitQuizDaily` hold totals for every unit on the member's path (chapter up
to the root), so a report reads a handful of rows instead of scanning attempts.
Only active members count. `rebuild_quiz` recomputes everything from raw rows.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from quizapp.clock import to_local
from quizapp.extensions import db
from quizapp.models import (
    Attempt, AttemptState, GradingPolicy, Member, Participation, Quiz, Unit, UnitQuizCounter,
    UnitQuizDaily,
)


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _bump(model, keys: dict, increments: dict, latest: dict | None = None, assign: dict | None = None) -> None:
    """Atomic upsert: add `increments` to the row at `keys` (created at zero), keep the
    newest of `latest`, overwrite `assign`."""
    table = model.__table__
    values = {**keys, **increments, **(latest or {}), **(assign or {})}
    stmt = _insert(table).values(**values)
    update = {col: table.c[col] + stmt.excluded[col] for col in increments}
    update.update({col: stmt.excluded[col] for col in assign or {}})
    for col in latest or {}:
        # keep the newer timestamp; NULL-safe on both databases
        update[col] = db.case(
            (table.c[col].is_(None), stmt.excluded[col]),
            (stmt.excluded[col] > table.c[col], stmt.excluded[col]),
            else_=table.c[col],
        )
    db.session.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=update))


def _path_ids(chapter_id: int) -> list[int]:
    path = db.session.scalar(select(Unit.path).where(Unit.id == chapter_id))
    return [int(p) for p in path.strip("/").split("/")]


def _apply_to_counters(quiz_id: int, chapter_id: int, is_cadre: bool, p: Participation, sign: int) -> None:
    """Add (sign=+1) or remove (sign=-1) one participant's contribution on every ancestor."""
    if p.first_finished_at is None:
        return
    day: date = to_local(p.first_finished_at).date()
    for unit_id in _path_ids(chapter_id):
        _bump(UnitQuizCounter, {"quiz_id": quiz_id, "unit_id": unit_id}, {
            "took_part": sign,
            "took_part_cadres": sign if is_cadre else 0,
            "passed": sign if p.passed else 0,
            "sum_best_percent": sign * (p.best_percent or 0.0),
        }, {"last_activity_at": p.last_activity_at} if sign > 0 else None)
        _bump(UnitQuizDaily, {"quiz_id": quiz_id, "unit_id": unit_id, "day": day},
              {"new_participants": sign})


def _participation(quiz_id: int, member: Member, lock: bool = True) -> Participation | None:
    stmt = select(Participation).where(Participation.quiz_id == quiz_id, Participation.member_id == member.id)
    if lock:
        stmt = stmt.with_for_update()
    return db.session.scalar(stmt.execution_options(populate_existing=True))


def record_start(attempt: Attempt, now: datetime) -> None:
    """Count a started attempt (shows the member as 'in progress' in reports)."""
    member = attempt.member
    _bump(Participation, {"quiz_id": attempt.quiz_id, "member_id": member.id},
          {"attempts_started": 1}, {"last_activity_at": now}, {"chapter_id": member.chapter_id})


def _graded(quiz: Quiz, finished: list[Attempt]) -> float | None:
    if not finished:
        return None
    ordered = sorted(finished, key=lambda a: a.number)
    if quiz.grading_policy == GradingPolicy.FIRST:
        return ordered[0].percent
    if quiz.grading_policy == GradingPolicy.LAST:
        return ordered[-1].percent
    return max(a.percent or 0.0 for a in ordered)


def _summarise(p: Participation, quiz: Quiz, attempts: list[Attempt]) -> None:
    finished = [a for a in attempts if a.state != AttemptState.IN_PROGRESS]
    p.attempts_started = len(attempts)
    p.attempts_finished = len(finished)
    p.first_finished_at = min((a.finished_at for a in finished), default=None)
    p.best_percent = max((a.percent or 0.0 for a in finished), default=None)
    p.graded_percent = _graded(quiz, finished)
    p.passed = p.graded_percent is not None and p.graded_percent >= quiz.pass_mark
    times = [a.finished_at or a.started_at for a in attempts]
    p.last_activity_at = max(times, default=None)


def record_finish(attempt: Attempt) -> None:
    """Fold a just-finalised attempt into the member's participation and the unit counters."""
    member, quiz = attempt.member, attempt.quiz
    p = _participation(quiz.id, member)
    if p is None:
        p = Participation(quiz_id=quiz.id, member_id=member.id, chapter_id=member.chapter_id)
        db.session.add(p)
    attempts = list(db.session.scalars(
        select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.member_id == member.id)
    ))
    if member.active:
        _apply_to_counters(quiz.id, p.chapter_id, member.is_cadre, p, -1)
    _summarise(p, quiz, attempts)
    p.chapter_id = member.chapter_id
    db.session.flush()
    if member.active:
        _apply_to_counters(quiz.id, p.chapter_id, member.is_cadre, p, +1)


def member_changed(member: Member, old_chapter_id: int, old_active: bool, old_cadre: bool) -> None:
    """Move a member's contributions when the roster moves, (de)activates or re-labels them."""
    if (old_chapter_id, old_active, old_cadre) == (member.chapter_id, member.active, member.is_cadre):
        return
    for p in db.session.scalars(select(Participation).where(Participation.member_id == member.id).with_for_update()):
        if old_active:
            _apply_to_counters(p.quiz_id, old_chapter_id, old_cadre, p, -1)
        p.chapter_id = member.chapter_id
        if member.active:
            _apply_to_counters(p.quiz_id, member.chapter_id, member.is_cadre, p, +1)


def rebuild_quiz(quiz: Quiz) -> None:
    """Recompute the quiz's participation rows and unit counters from raw attempts."""
    for model in (UnitQuizDaily, UnitQuizCounter, Participation):
        db.session.execute(delete(model).where(model.quiz_id == quiz.id))
    db.session.flush()
    by_member: dict[int, list[Attempt]] = {}
    for attempt in db.session.scalars(select(Attempt).where(Attempt.quiz_id == quiz.id)):
        by_member.setdefault(attempt.member_id, []).append(attempt)
    members = {m.id: m for m in db.session.scalars(select(Member).where(Member.id.in_(by_member)))} if by_member else {}
    for member_id, attempts in by_member.items():
        member = members[member_id]
        p = Participation(quiz_id=quiz.id, member_id=member_id, chapter_id=member.chapter_id)
        _summarise(p, quiz, attempts)
        db.session.add(p)
        db.session.flush()
        if member.active:
            _apply_to_counters(quiz.id, member.chapter_id, member.is_cadre, p, +1)
    db.session.flush()
