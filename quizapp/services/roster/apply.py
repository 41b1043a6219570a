"""Writing a roster plan: new units, then members in bulk, in the caller's one transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, select, update

from quizapp.extensions import db
from quizapp.models import Member, Participation, ReminderState, Unit, User
from quizapp.models.people import member_search_key
from quizapp.services import audit
from quizapp.services.reports import participation
from quizapp.services.reports.roster_counts import refresh_roster_counts
from quizapp.services.roster.plan import RosterPlan
from quizapp.services.roster.report import RosterReport
from quizapp.services.roster.units import CHUNK, PlannedUnit
from quizapp.services.roster.validate import KEEP

BATCH = 5000  # rows per executemany: large enough to be fast, small enough to bound memory

_member = Member.__table__
_unit = Unit.__table__


class RosterImportError(Exception):
    """Raised when asked to apply a plan that has errors."""


def apply_roster_plan(plan: RosterPlan, actor: User | None, now: datetime) -> RosterReport:
    """Write the plan (flush, never commit): units, added/updated/deactivated members, read models."""
    if not plan.ok:
        raise RosterImportError("the roster plan has errors")
    _create_units(plan.new_units)
    _insert_members(plan.inserts, now)
    _update_members(plan.updates, now)
    _deactivate(plan.deactivations, now)
    _rename_users(plan.renamed_members)
    _follow_participation(plan.followups)
    db.session.flush()
    refresh_roster_counts()
    report = plan.report
    audit.record(
        actor,
        "roster_import",
        plan.options.scope_unit,
        now,
        target=plan.filename,
        after={
            **report.summary(),
            "create_units": plan.options.create_units,
            "deactivate_missing": plan.options.deactivate_missing,
        },
    )
    db.session.flush()
    report.applied = True
    return report


def _create_units(planned: list[PlannedUnit]) -> None:
    """Insert new units level by level (parents first), then give them their paths."""
    by_depth: dict[int, list[PlannedUnit]] = {}
    for unit in planned:
        by_depth.setdefault(unit.depth, []).append(unit)
    for depth in sorted(by_depth):
        level = by_depth[depth]
        db.session.execute(
            insert(_unit),
            [
                {
                    "code": u.code,
                    "name": u.name,
                    "kind": u.kind,
                    "path": "",
                    "depth": depth,
                    "parent_id": u.parent.id if u.parent is not None else None,
                }
                for u in level
            ],
        )
        ids = {}
        for start in range(0, len(level), CHUNK):
            codes = [u.code for u in level[start : start + CHUNK]]
            ids.update(
                db.session.execute(
                    select(_unit.c.code, _unit.c.id).where(_unit.c.code.in_(codes))
                ).all()
            )
        for unit in level:
            unit.id = ids[unit.code]
            unit.path = f"{unit.parent.path if unit.parent is not None else '/'}{unit.id}/"
        db.session.execute(
            update(_unit).where(_unit.c.id == bindparam("b_id")).values(path=bindparam("b_path")),
            [{"b_id": u.id, "b_path": u.path} for u in level],
        )


_INSERTED = (
    "code",
    "full_name",
    "birth_date",
    "gender",
    "ethnicity",
    "phone",
    "email",
    "is_cadre",
    "active",
    "chapter_id",
    "attributes",
    "updated_at",
    "search_key",
)


def _insert_members(records: list[tuple], now: datetime) -> None:
    """New members straight through the driver's executemany: SQLAlchemy's per-row parameter
    handling would cost more than the database does. Values pass through each column type's
    own bind processor, so they are stored exactly as the ORM would store them."""
    connection = db.session.connection()
    dialect = connection.dialect
    processors = [
        _member.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in _INSERTED
    ]
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}[dialect.paramstyle]
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(_member)} ({', '.join(_INSERTED)}) "
        f"VALUES ({', '.join([marker] * len(_INSERTED))})"
    )
    serialise = processors[10] or (lambda value: value)
    empty, stamp = serialise({}), processors[11](now) if processors[11] else now
    converted = [i for i, p in enumerate(processors[:10]) if p is not None]
    for start in range(0, len(records), BATCH):
        batch = []
        for r in records[start : start + BATCH]:
            values = [None if v is KEEP else v for v in r[1:9]]
            values[7] = values[7] is True
            values += [
                True,
                r[9].id,
                serialise(r[10]) if r[10] else empty,
                stamp,
                member_search_key(values[1], values[0], values[5]),
            ]
            for i in converted:
                if values[i] is not None:
                    values[i] = processors[i](values[i])
            batch.append(tuple(values))
        connection.exec_driver_sql(sql, batch)


def _update_members(rows: list[dict], now: datetime) -> None:
    columns = _INSERTED[1:]  # all but the code, which names the member to update
    stmt = (
        update(_member)
        .where(_member.c.id == bindparam("b_id"))
        .values({name: bindparam(f"b_{name}", type_=_member.c[name].type) for name in columns})
    )
    for start in range(0, len(rows), BATCH):
        db.session.execute(
            stmt,
            [
                {
                    "b_id": r["id"],
                    "b_full_name": r["full_name"],
                    "b_birth_date": r["birth_date"],
                    "b_gender": r["gender"],
                    "b_ethnicity": r["ethnicity"],
                    "b_phone": r["phone"],
                    "b_email": r["email"],
                    "b_is_cadre": bool(r["is_cadre"]),
                    "b_active": r["active"],
                    "b_chapter_id": r["chapter"].id,
                    "b_attributes": r["attributes"],
                    "b_updated_at": now,
                    "b_search_key": member_search_key(r["full_name"], r["code"], r["phone"]),
                }
                for r in rows[start : start + BATCH]
            ],
        )


def _deactivate(member_ids: list[int], now: datetime) -> None:
    for start in range(0, len(member_ids), CHUNK):
        db.session.execute(
            update(_member)
            .where(_member.c.id.in_(member_ids[start : start + CHUNK]))
            .values(active=False, updated_at=now)
        )


def _rename_users(renamed: list[tuple[int, str]]) -> None:
    """Accounts show the member's name: follow the roster."""
    table = User.__table__
    if renamed:
        db.session.execute(
            update(table)
            .where(table.c.member_id == bindparam("b_member"))
            .values(display_name=bindparam("b_name")),
            [{"b_member": member_id, "b_name": name} for member_id, name in renamed],
        )


def _follow_participation(followups: list[tuple[int, int, bool, bool]]) -> None:
    """Move report counters for changed members who have taken part in a quiz (usually few)."""
    if not followups:
        return
    ids = [f[0] for f in followups]
    taking_part: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        taking_part.update(
            db.session.scalars(
                select(Participation.member_id)
                .where(Participation.member_id.in_(ids[start : start + CHUNK]))
                .distinct()
            )
        )
        # a member reminded before ever starting has reminder counts to move too
        taking_part.update(
            db.session.scalars(
                select(ReminderState.member_id)
                .where(ReminderState.member_id.in_(ids[start : start + CHUNK]))
                .distinct()
            )
        )
    if not taking_part:
        return
    db.session.expire_all()  # member rows were updated in bulk, behind the ORM's back
    for member_id, old_chapter_id, old_active, old_cadre in followups:
        if member_id in taking_part:
            member = db.session.get(Member, member_id, populate_existing=True)
            participation.member_changed(member, old_chapter_id, old_active, old_cadre)
