"""Upkeep of the report read models, in the same transaction as the change they follow.

`Participation` holds one row per (quiz, member) who started; `UnitQuizCounter`,
`UnitQuizDaily` and `UnitQuizGroup` hold totals for every unit on the member's
path (chapter up to the root), so a report reads a handful of rows instead of
scanning attempts. Only active members count. A change is applied as the
difference between the member's old and new contribution, in one multi-row
upsert per table. The participation row also holds the counted attempt's ranking key
(`rank_keys`). `rebuild_quiz` recomputes everything from raw rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import bindparam, case, delete, func, or_, select, update

from quizapp import db_upsert
from quizapp.clock import to_local
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptState,
    GradingPolicy,
    Member,
    Participation,
    Quiz,
    Unit,
    UnitQuizCounter,
    UnitQuizDaily,
    UnitQuizGroup,
    UnitRosterGroup,
    path_ids,
)
from quizapp.services.reports import rank_keys, reminders
from quizapp.services.reports.labels import ATTR_PREFIX, member_labels

_COUNTER_FIELDS = ("took_part", "took_part_cadres", "passed", "sum_best_percent")
_CHUNK = 2000


_UPSERTS: dict[tuple, object] = {}


def _upsert_statement(model, keys: tuple, add: tuple, latest: tuple, assign: tuple):
    """The INSERT … ON CONFLICT DO UPDATE for one shape of write, built once per database.

    Built once and reused, the Core statement also hits SQLAlchemy's compiled cache: at
    finalisation, construction and compilation would cost more than the few indexed writes.
    """
    cache_key = (db_upsert.dialect_name(), model.__tablename__, keys, add, latest, assign)
    stmt = _UPSERTS.get(cache_key)
    if stmt is None:
        table = model.__table__
        insert = db_upsert.insert(table)
        new = insert.excluded
        sets = {c: table.c[c] + new[c] for c in add}
        sets |= {c: new[c] for c in assign}
        # keep the newer timestamp; NULL-safe on both databases
        sets |= {
            c: case((or_(table.c[c].is_(None), new[c] > table.c[c]), new[c]), else_=table.c[c])
            for c in latest
        }
        stmt = insert.on_conflict_do_update(index_elements=list(keys), set_=sets)
        _UPSERTS[cache_key] = stmt
    return stmt


def _upsert_many(
    model,
    keys: list[str],
    rows: list[dict],
    add: tuple[str, ...],
    latest: tuple[str, ...] = (),
    assign: tuple[str, ...] = (),
) -> None:
    """Atomic upserts of rows sharing their columns: add `add` columns, keep the newest `latest`,
    overwrite `assign`. Callers pass rows in key order so concurrent writers lock alike."""
    if not rows:
        return
    stmt = _upsert_statement(model, tuple(keys), tuple(add), tuple(latest), tuple(assign))
    db.session.execute(stmt, rows if len(rows) > 1 else rows[0])


def _bump(
    model,
    keys: dict,
    increments: dict,
    latest: dict | None = None,
    assign: dict | None = None,
    insert_only: dict | None = None,
) -> None:
    """Atomic upsert of one row (see `_upsert_many`); `insert_only` values are for a new row."""
    row = {**keys, **increments, **(latest or {}), **(assign or {}), **(insert_only or {})}
    _upsert_many(
        model, list(keys), [row], tuple(increments), tuple(latest or ()), tuple(assign or ())
    )


_PATH = select(Unit.path).where(Unit.id == bindparam("unit_id"))
_DIMS = (
    select(UnitRosterGroup.dimension)
    .distinct()
    .where(
        UnitRosterGroup.unit_id == bindparam("root_id"),
        UnitRosterGroup.dimension.startswith(ATTR_PREFIX),
    )
)


def _path_ids(chapter_id: int) -> list[int]:
    return path_ids(db.session.scalar(_PATH, {"unit_id": chapter_id}))


def attribute_dims(root_id: int) -> list[str]:
    """Custom-attribute dimensions broken down in the tree under `root_id` (set by the roster refresh)."""
    return list(db.session.scalars(_DIMS, {"root_id": root_id}))


_CHAPTER = (
    select(Unit.path, UnitRosterGroup.dimension)
    .distinct()
    .outerjoin(UnitRosterGroup, UnitRosterGroup.unit_id == Unit.id)
    .where(Unit.id == bindparam("unit_id"))
)


def _chapter_context(chapter_id: int) -> tuple[list[int], list[str]]:
    """The chapter's path and the tree's attribute dimensions in one read.

    The roster refresh gives every unit with active members a row for every dimension, so
    the chapter's own rows name them all; an empty chapter falls back to its root's rows.
    """
    rows = db.session.execute(_CHAPTER, {"unit_id": chapter_id}).all()
    path = path_ids(rows[0][0])
    if rows[0][1] is None:  # no roster rows here (yet): ask the root
        return path, attribute_dims(path[0])
    return path, sorted(d for _, d in rows if d.startswith(ATTR_PREFIX))


def labels_for(
    member: Member, path_ids: list[int], dims: list[str] | None = None
) -> list[list[str]]:
    """The breakdown labels a participant is counted under."""
    dims = attribute_dims(path_ids[0]) if dims is None else dims
    return member_labels(member.gender, member.ethnicity, member.attributes, dims)


@dataclass
class _Delta:
    """Signed contributions to the unit read models, summed before one upsert per table."""

    counters: dict[int, Counter] = field(default_factory=lambda: defaultdict(Counter))
    daily: Counter = field(default_factory=Counter)
    groups: Counter = field(default_factory=Counter)

    def add(
        self,
        path_ids: list[int],
        quiz_id: int,
        is_cadre: bool,
        p: Participation,
        labels: list | None,
        sign: int,
    ) -> None:
        """Add (sign=+1) or remove (sign=-1) one participant's contribution on every ancestor."""
        if p.first_finished_at is None:
            return
        day: date = to_local(p.first_finished_at).date()
        for unit_id in path_ids:
            c = self.counters[unit_id]
            c["took_part"] += sign
            c["took_part_cadres"] += sign if is_cadre else 0
            c["passed"] += sign if p.passed else 0
            c["sum_best_percent"] += sign * (p.best_percent or 0.0)
            self.daily[(unit_id, day)] += sign
            for dimension, value in labels or ():
                self.groups[(unit_id, dimension, value)] += sign

    def apply(
        self, quiz_id: int, touch: list[int] = (), last_activity_at: datetime | None = None
    ) -> None:
        """Write the summed differences; `touch` units get `last_activity_at` even with no change."""
        rows = []
        for unit_id in set(self.counters) | set(touch):
            c = self.counters.get(unit_id, Counter())
            if not any(c.values()) and unit_id not in touch:
                continue
            rows.append(
                {
                    "quiz_id": quiz_id,
                    "unit_id": unit_id,
                    **{f: c.get(f, 0) for f in _COUNTER_FIELDS},
                    "last_activity_at": last_activity_at if unit_id in touch else None,
                }
            )
        # Deepest units first (higher ids, in practice) and the hot province rows last: every
        # writer locks in the same global order (no deadlocks), and the row all finishers share
        # is held only for the last statements before commit.
        _upsert_many(
            UnitQuizCounter,
            ["quiz_id", "unit_id"],
            sorted(rows, key=lambda r: -r["unit_id"]),
            _COUNTER_FIELDS,
            ("last_activity_at",),
        )
        _upsert_many(
            UnitQuizDaily,
            ["quiz_id", "unit_id", "day"],
            [
                {"quiz_id": quiz_id, "unit_id": u, "day": d, "new_participants": n}
                for (u, d), n in sorted(self.daily.items(), key=lambda kv: (-kv[0][0], kv[0][1]))
                if n
            ],
            ("new_participants",),
        )
        _upsert_many(
            UnitQuizGroup,
            ["quiz_id", "unit_id", "dimension", "value"],
            [
                {"quiz_id": quiz_id, "unit_id": u, "dimension": dim, "value": v, "took_part": n}
                for (u, dim, v), n in sorted(
                    self.groups.items(), key=lambda kv: (-kv[0][0], kv[0][1], kv[0][2])
                )
                if n
            ],
            ("took_part",),
        )


def _participation(quiz_id: int, member: Member, lock: bool = True) -> Participation | None:
    stmt = select(Participation).where(
        Participation.quiz_id == quiz_id, Participation.member_id == member.id
    )
    if lock:
        stmt = stmt.with_for_update()
    return db.session.scalar(stmt.execution_options(populate_existing=True))


def record_start(attempt: Attempt, now: datetime) -> None:
    """Count a started attempt (shows the member as 'in progress' in reports)."""
    member = attempt.member
    _bump(
        Participation,
        {"quiz_id": attempt.quiz_id, "member_id": member.id},
        {"attempts_started": 1},
        {"last_activity_at": now},
        {"chapter_id": member.chapter_id},
        {"attempts_finished": 0, "passed": False},
    )


def _graded(quiz: Quiz, finished: list) -> float | None:
    if not finished:
        return None
    ordered = sorted(finished, key=lambda a: a.number)
    if quiz.grading_policy == GradingPolicy.FIRST:
        return ordered[0].percent
    if quiz.grading_policy == GradingPolicy.LAST:
        return ordered[-1].percent
    return max(a.percent or 0.0 for a in ordered)


def summary(quiz: Quiz, attempts: list) -> dict:
    """Participation fields from a member's attempts (objects with number, state, times, percent)."""
    finished = [a for a in attempts if a.state != AttemptState.IN_PROGRESS]
    graded = _graded(quiz, finished)
    return {
        "attempts_started": len(attempts),
        "attempts_finished": len(finished),
        "first_finished_at": min((a.finished_at for a in finished), default=None),
        "best_percent": max((a.percent or 0.0 for a in finished), default=None),
        "graded_percent": graded,
        "passed": graded is not None and graded >= quiz.pass_mark,
        "last_activity_at": max((a.finished_at or a.started_at for a in attempts), default=None),
        "last_finished_at": max((a.finished_at for a in finished), default=None),
    }


def record_finish(attempt: Attempt) -> None:
    """Fold a just-finalised attempt into the member's participation and the unit counters."""
    member, quiz = attempt.member, attempt.quiz
    p = _participation(quiz.id, member)
    if p is None:
        p = Participation(
            quiz_id=quiz.id,
            member_id=member.id,
            chapter_id=member.chapter_id,
            attempts_started=0,
            attempts_finished=0,
            passed=False,
        )
        db.session.add(p)
    attempts = list(
        db.session.scalars(
            select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.member_id == member.id)
        )
    )
    delta = _Delta()
    new_path, dims = _chapter_context(member.chapter_id)
    if member.active and p.first_finished_at is not None:
        old_path = new_path if p.chapter_id == member.chapter_id else _path_ids(p.chapter_id)
        delta.add(old_path, quiz.id, member.is_cadre, p, p.groups, -1)
    for name, value in summary(quiz, attempts).items():
        setattr(p, name, value)
    for name, value in rank_keys.key(
        quiz.grading_policy, rank_keys.rules(quiz), attempts, member.active
    ).items():
        setattr(p, name, value)
    p.chapter_id = member.chapter_id
    if member.active:
        p.groups = labels_for(member, new_path, dims)
        delta.add(new_path, quiz.id, member.is_cadre, p, p.groups, +1)
    db.session.flush()
    counted = member.active and p.first_finished_at is not None
    delta.apply(quiz.id, new_path if counted else (), p.last_finished_at)
    reminders.participation_changed(quiz.id, member, p.first_finished_at)


def member_changed(member: Member, old_chapter_id: int, old_active: bool, old_cadre: bool) -> None:
    """Move a member's contributions when the roster moves, (de)activates or re-labels them.

    Call it after any roster edit of the member, including gender, ethnicity or attributes.
    """
    rows = list(
        db.session.scalars(
            select(Participation).where(Participation.member_id == member.id).with_for_update()
        )
    )
    if not rows:
        reminders.member_changed(member)  # reminded before ever starting
        return
    new_path = _path_ids(member.chapter_id)
    old_path = new_path if old_chapter_id == member.chapter_id else _path_ids(old_chapter_id)
    labels = labels_for(member, new_path) if member.active else None
    for p in rows:
        unchanged = (old_chapter_id, old_active, old_cadre) == (
            member.chapter_id,
            member.active,
            member.is_cadre,
        )
        if unchanged and (not member.active or p.groups == labels):
            continue
        delta = _Delta()
        if old_active:
            delta.add(old_path, p.quiz_id, old_cadre, p, p.groups, -1)
        p.chapter_id = member.chapter_id
        p.rank_percent = rank_keys.ranked_percent(p, member.active)
        if member.active:
            p.groups = labels
            delta.add(new_path, p.quiz_id, member.is_cadre, p, labels, +1)
        delta.apply(
            p.quiz_id, new_path if member.active and p.first_finished_at else (), p.last_finished_at
        )
    reminders.member_changed(member)


def _roll_up(quiz_id: int, people: list[tuple], paths: dict[int, list[int]]) -> _Delta:
    """Sum participants (chapter_id, is_cadre, participation, labels) over their ancestors."""
    delta = _Delta()
    for chapter_id, is_cadre, p, labels in people:
        delta.add(paths[chapter_id], quiz_id, is_cadre, p, labels, +1)
    return delta


def _paths() -> dict[int, list[int]]:
    return {uid: path_ids(path) for uid, path in db.session.execute(select(Unit.id, Unit.path))}


def _bulk_insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), _CHUNK):
        db.session.execute(db.insert(model), rows[start : start + _CHUNK])


def _write_unit_models(quiz_id: int, delta: _Delta, last_activity: dict[int, datetime]) -> None:
    """Insert freshly computed counters, days and groups (the tables were emptied for the quiz)."""
    _bulk_insert(
        UnitQuizCounter,
        [
            {
                "quiz_id": quiz_id,
                "unit_id": u,
                **{f: c.get(f, 0) for f in _COUNTER_FIELDS},
                "last_activity_at": last_activity.get(u),
            }
            for u, c in delta.counters.items()
        ],
    )
    _bulk_insert(
        UnitQuizDaily,
        [
            {"quiz_id": quiz_id, "unit_id": u, "day": d, "new_participants": n}
            for (u, d), n in delta.daily.items()
            if n
        ],
    )
    _bulk_insert(
        UnitQuizGroup,
        [
            {"quiz_id": quiz_id, "unit_id": u, "dimension": dim, "value": v, "took_part": n}
            for (u, dim, v), n in delta.groups.items()
            if n
        ],
    )


def rebuild_quiz(quiz: Quiz) -> None:
    """Recompute the quiz's participation rows and unit counters from raw attempts."""
    for model in (UnitQuizDaily, UnitQuizCounter, UnitQuizGroup, Participation):
        db.session.execute(delete(model).where(model.quiz_id == quiz.id))
    db.session.flush()
    db.session.expire_all()
    stmt = (
        select(*rank_keys.ATTEMPT_COLUMNS)
        .where(Attempt.quiz_id == quiz.id)
        .order_by(Attempt.member_id, Attempt.number)
    )
    by_member: dict[int, list] = defaultdict(list)
    for row in db.session.execute(stmt.execution_options(yield_per=20000)):
        by_member[row.member_id].append(row)
    if not by_member:
        reminders.rebuild_quiz(quiz.id)
        return
    members = db.session.execute(
        select(
            Member.id,
            Member.chapter_id,
            Member.active,
            Member.is_cadre,
            Member.gender,
            Member.ethnicity,
            Member.attributes,
        ).where(Member.id.in_(select(Attempt.member_id).where(Attempt.quiz_id == quiz.id)))
    ).all()
    paths = _paths()
    rules = rank_keys.rules(quiz)
    dims_by_root: dict[int, list[str]] = {}
    rows, people, last_activity = [], [], {}
    for m in members:
        p = Participation(
            quiz_id=quiz.id,
            member_id=m.id,
            chapter_id=m.chapter_id,
            **summary(quiz, by_member[m.id]),
            **rank_keys.key(quiz.grading_policy, rules, by_member[m.id], m.active),
        )
        path = paths[m.chapter_id]
        if m.active:
            root = path[0]
            if root not in dims_by_root:
                dims_by_root[root] = attribute_dims(root)
            p.groups = member_labels(m.gender, m.ethnicity, m.attributes, dims_by_root[root])
            if p.first_finished_at is not None:
                people.append((m.chapter_id, m.is_cadre, p, p.groups))
                for unit_id in path:
                    if (
                        last_activity.get(unit_id) is None
                        or p.last_finished_at > last_activity[unit_id]
                    ):
                        last_activity[unit_id] = p.last_finished_at
        rows.append(
            {
                c: getattr(p, c)
                for c in (
                    "quiz_id",
                    "member_id",
                    "chapter_id",
                    "attempts_started",
                    "attempts_finished",
                    "first_finished_at",
                    "best_percent",
                    "graded_percent",
                    "passed",
                    "last_activity_at",
                    "last_finished_at",
                    "groups",
                    *rank_keys.KEY_FIELDS,
                )
            }
        )
    _bulk_insert(Participation, rows)
    _write_unit_models(quiz.id, _roll_up(quiz.id, people, paths), last_activity)
    db.session.flush()
    reminders.rebuild_quiz(quiz.id)  # reads the participation rows just written


def regroup_all() -> None:
    """Recount every quiz's breakdown groups from participation rows (after the roster's
    attribute dimensions changed): no attempt is read."""
    paths = _paths()
    dims_by_root = {root: attribute_dims(root) for root in {p[0] for p in paths.values()}}
    db.session.execute(delete(UnitQuizGroup))
    quiz_ids = list(db.session.scalars(select(Participation.quiz_id).distinct()))
    for quiz_id in quiz_ids:
        stmt = (
            select(
                Participation.member_id,
                Participation.first_finished_at,
                Member.chapter_id,
                Member.gender,
                Member.ethnicity,
                Member.attributes,
            )
            .join(Member, Member.id == Participation.member_id)
            .where(Participation.quiz_id == quiz_id, Member.active.is_(True))
        )
        groups: Counter = Counter()
        updates = []
        for r in db.session.execute(stmt):
            path = paths[r.chapter_id]
            labels = member_labels(r.gender, r.ethnicity, r.attributes, dims_by_root[path[0]])
            updates.append({"quiz_id": quiz_id, "member_id": r.member_id, "groups": labels})
            if r.first_finished_at is None:
                continue
            for unit_id in path:
                for dimension, value in labels:
                    groups[(unit_id, dimension, value)] += 1
        for start in range(0, len(updates), _CHUNK):
            db.session.execute(update(Participation), updates[start : start + _CHUNK])
        _bulk_insert(
            UnitQuizGroup,
            [
                {"quiz_id": quiz_id, "unit_id": u, "dimension": dim, "value": v, "took_part": n}
                for (u, dim, v), n in groups.items()
            ],
        )
    db.session.flush()


def participant_count(quiz_id: int) -> int:
    """Members of any roster state with a participation row for the quiz (for the CLI's summary)."""
    return (
        db.session.scalar(
            select(func.count()).select_from(Participation).where(Participation.quiz_id == quiz_id)
        )
        or 0
    )
