"""Planning a roster import: validate every row, resolve chapters, and compare with the database.

Nothing is written here; `apply_roster_plan` writes the plan in one transaction. The
database side is read in one streaming pass over the members of the import's scope,
compared against the file's rows held in a dict by code: no ORM objects, no per-row
queries, so a province of 300,000 members fits in well under a gigabyte.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Text, cast, select

from quizapp.clock import now_utc, to_local
from quizapp.extensions import db
from quizapp.models import Member, Unit, UnitKind
from quizapp.services.roster import columns as C
from quizapp.services.roster.reader import ParsedRoster
from quizapp.services.roster.report import (
    SAMPLE_LIMIT,
    RosterChange,
    RosterIssue,
    RosterOptions,
    RosterReport,
)
from quizapp.services.roster.units import CHUNK, PlannedUnit, UnitResolver
from quizapp.services.roster.validate import (
    FIELD_SLICE,
    FIELDS,
    KEEP,
    R_ATTRIBUTES,
    R_CHAPTER,
    R_CODE,
    R_NAME,
    R_ROW,
    RowValidator,
)

_m = Member.__table__.c  # Core columns: rows without the ORM's per-row bookkeeping
_STREAM = (
    _m.id,
    _m.code,
    _m.full_name,
    _m.birth_date,
    _m.gender,
    _m.ethnicity,
    _m.phone,
    _m.email,
    _m.is_cadre,
    _m.active,
    _m.chapter_id,
    cast(_m.attributes, Text),
)


@dataclass
class RosterPlan:
    """What an import would do; `report` describes it, the lists hold what apply writes."""

    options: RosterOptions
    filename: str
    report: RosterReport
    new_units: list[PlannedUnit] = field(default_factory=list)
    inserts: list[tuple] = field(default_factory=list)  # validated rows (see validate.py)
    updates: list[dict] = field(default_factory=list)  # every member column by name, with id
    deactivations: list[int] = field(default_factory=list)
    # Members whose chapter, active flag or cadre flag change: (id, old chapter, old active, old cadre)
    followups: list[tuple[int, int, bool, bool]] = field(default_factory=list)
    renamed_members: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the plan has no error and may be applied."""
        return self.report.ok


def field_label(name: str) -> str:
    """A member field as organisers call it."""
    return {
        "full_name": _("Họ và tên"),
        "birth_date": _("Ngày sinh"),
        "gender": _("Giới tính"),
        "ethnicity": _("Dân tộc"),
        "phone": _("Số điện thoại"),
        "email": _("Email"),
        "is_cadre": _("Cán bộ đoàn"),
        "attributes": _("Thông tin thêm"),
        "active": _("Kích hoạt lại"),
    }.get(name, name)


def plan_roster_import(
    parsed: ParsedRoster, options: RosterOptions, today: date | None = None
) -> RosterPlan:
    """Validate the parsed file and compare it with the database; nothing is written."""
    report = RosterReport()
    plan = RosterPlan(options=options, filename=parsed.filename, report=report)
    for issue in parsed.errors:
        report.error(issue)
    for issue in parsed.warnings:
        report.warning(issue)
    if parsed.errors:
        return plan
    scope = options.scope_unit
    if not (parsed.has(C.CHAPTER) or parsed.has(C.CHAPTER_CODE)) and (
        scope is None or scope.kind != UnitKind.CHAPTER
    ):
        report.error(
            RosterIssue(
                None,
                None,
                _(
                    "Tệp không có cột 'Chi đoàn' (tên hoặc mã chi đoàn). Hãy thêm cột này, hoặc nhập tệp riêng cho "
                    "từng chi đoàn."
                ),
            )
        )
        return plan
    resolver = UnitResolver(scope, options.create_units)
    records = RowValidator(parsed, resolver, today or to_local(now_utc()).date()).validate(report)
    plan.new_units = resolver.planned
    report.units_created = [
        (u.code, u.name, u.parent.name if u.parent else "") for u in resolver.planned
    ]
    _compare(
        plan, records, resolver, has_attributes=any(c.startswith("attr:") for c in parsed.columns)
    )
    return plan


def _compare(
    plan: RosterPlan, records: list[tuple], resolver: UnitResolver, has_attributes: bool
) -> None:
    """One pass over the scope's members: updated, moved, unchanged or absent; the rest are new."""
    report = plan.report
    scope = plan.options.scope_unit
    by_code = {r[R_CODE]: r for r in records}
    stmt = select(*_STREAM)
    if scope is not None:
        stmt = stmt.join(Unit.__table__, _m.chapter_id == Unit.__table__.c.id).where(
            scope.subtree_filter()
        )
    rows = db.session.connection().execute(
        stmt.order_by(_m.id).execution_options(stream_results=True, max_row_buffer=5000)
    )
    for row in rows:
        record = by_code.pop(row[1], None)
        if record is None:
            if row[9]:
                _absent(plan, row, resolver)
        elif (
            not has_attributes
            and row[9]
            and record[FIELD_SLICE] == row[2:9]
            and record[R_CHAPTER].__class__ is not PlannedUnit
            and record[R_CHAPTER].id == row[10]
        ):
            report.unchanged += 1  # the common case of a re-import, decided in C
        else:
            _compare_member(plan, record, row, resolver, has_attributes)
    if scope is not None:
        for code in _codes_elsewhere(list(by_code)):
            record = by_code.pop(code)
            report.error(
                RosterIssue(
                    record[R_ROW],
                    None,
                    _(
                        "Đoàn viên mã %(code)s đang sinh hoạt ở đơn vị ngoài phạm vi của bạn; hãy nhờ cấp trên chuyển "
                        "sinh hoạt cho đoàn viên này.",
                        code=code,
                    ),
                )
            )
    # What is left in the file is new; keep the file's order.
    new = [r for r in records if r[R_CODE] in by_code]
    plan.inserts = new
    report.added = len(new)
    for record in new[:SAMPLE_LIMIT]:
        report.sample("added", RosterChange(record[R_ROW], record[R_CODE], record[R_NAME]))
    if not report.ok:  # nothing will be written; "absent" would mislead
        report.absent = report.deactivated = 0
        report.samples["absent"].clear()
        plan.deactivations.clear()


def _codes_elsewhere(codes: list[str]) -> list[str]:
    """Those of `codes` that belong to members outside the scope."""
    found = []
    for start in range(0, len(codes), CHUNK):
        found += db.session.scalars(
            select(Member.code).where(Member.code.in_(codes[start : start + CHUNK]))
        )
    return found


def _absent(plan: RosterPlan, row, resolver: UnitResolver) -> None:
    """An active member of the scope the file does not name: reported, deactivated only when asked."""
    report = plan.report
    report.absent += 1
    if len(report.samples["absent"]) < SAMPLE_LIMIT:
        report.sample("absent", RosterChange(None, row[1], row[2], resolver.name_of(row[10])))
    if plan.options.deactivate_missing:
        report.deactivated += 1
        plan.deactivations.append(row[0])
        plan.followups.append((row[0], row[10], True, bool(row[8])))


def _compare_member(
    plan: RosterPlan, record: tuple, row, resolver: UnitResolver, has_attributes: bool
) -> None:
    """A member in both the file and the database: what changes, if anything."""
    report = plan.report
    member_id, old_active, old_chapter_id = row[0], row[9], row[10]
    old_fields = row[2:9]
    new_fields = [o if n is KEEP else n for n, o in zip(record[FIELD_SLICE], old_fields)]
    changed = [f for f, n, o in zip(FIELDS, new_fields, old_fields) if n != o]
    old_attributes = json.loads(row[11]) if has_attributes and row[11] else None
    merged = old_attributes
    if has_attributes:
        merged = dict(old_attributes or {})
        for key, value in record[R_ATTRIBUTES].items():
            if value:
                merged[key] = value
            else:
                merged.pop(key, None)
        if merged != (old_attributes or {}):
            changed.append("attributes")
    chapter = record[R_CHAPTER]
    moved = isinstance(chapter, PlannedUnit) or chapter.id != old_chapter_id
    if not old_active:
        changed.append("active")
        report.reactivated += 1
    if not changed and not moved:
        report.unchanged += 1
        return
    if merged is None:
        merged = json.loads(row[11]) if row[11] else {}
    update = dict(
        zip(FIELDS, new_fields),
        id=member_id,
        code=record[R_CODE],
        active=True,
        chapter=chapter,
        attributes=merged,
    )
    plan.updates.append(update)
    code, name = record[R_CODE], new_fields[0]
    if moved:
        report.moved += 1
        report.sample(
            "moved",
            RosterChange(
                record[R_ROW], code, name, f"{resolver.name_of(old_chapter_id)} → {chapter.name}"
            ),
        )
    else:
        report.updated += 1
        report.sample(
            "updated",
            RosterChange(record[R_ROW], code, name, ", ".join(field_label(f) for f in changed)),
        )
    if "full_name" in changed:
        plan.renamed_members.append((member_id, name))
    old_cadre = bool(old_fields[6])
    if moved or not old_active or old_cadre != bool(new_fields[6]):
        plan.followups.append((member_id, old_chapter_id, bool(old_active), old_cadre))
