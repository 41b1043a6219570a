"""Planning a roster import: validate every row, resolve chapters, and compare with the database.

Nothing is written here; `apply_roster_plan` writes the plan in one transaction.
Rows are kept as tuples, not ORM objects, so a province of 300,000 members fits
comfortably in memory.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from quizapp.clock import now_utc, to_local
from quizapp.extensions import db
from quizapp.models import Member, Unit, UnitKind
from quizapp.services.roster import columns as C
from quizapp.services.roster import values as V
from quizapp.services.roster.reader import ParsedRoster
from quizapp.services.roster.report import RosterChange, RosterIssue, RosterOptions, RosterReport
from quizapp.services.roster.units import CHUNK, PlannedUnit, UnitResolver

KEEP = object()  # the file has no such column: keep what the database holds
# Member columns compared on re-import, in the order of a planned row's values.
FIELDS = ("full_name", "birth_date", "gender", "ethnicity", "phone", "email", "is_cadre")
_EXISTING = (Member.id, Member.code, Member.full_name, Member.birth_date, Member.gender, Member.ethnicity,
             Member.phone, Member.email, Member.is_cadre, Member.active, Member.chapter_id, Member.attributes,
             Unit.path)


@dataclass
class RosterPlan:
    """What an import would do; `report` describes it, the lists hold what apply writes."""

    options: RosterOptions
    filename: str
    report: RosterReport
    new_units: list[PlannedUnit] = field(default_factory=list)
    # (code, full_name, birth_date, gender, ethnicity, phone, email, is_cadre, chapter, attributes)
    inserts: list[tuple] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)   # every member column, keyed by name, with id
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
        "full_name": _("Họ và tên"), "birth_date": _("Ngày sinh"), "gender": _("Giới tính"),
        "ethnicity": _("Dân tộc"), "phone": _("Số điện thoại"), "email": _("Email"),
        "is_cadre": _("Cán bộ đoàn"), "attributes": _("Thông tin thêm"), "active": _("Kích hoạt lại"),
    }.get(name, name)


def plan_roster_import(parsed: ParsedRoster, options: RosterOptions, today: date | None = None) -> RosterPlan:
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
    if not (parsed.has(C.CHAPTER) or parsed.has(C.CHAPTER_CODE)) and (scope is None or scope.kind != UnitKind.CHAPTER):
        report.error(RosterIssue(None, None, _(
            "Tệp không có cột 'Chi đoàn' (tên hoặc mã chi đoàn). Hãy thêm cột này, hoặc nhập tệp riêng cho "
            "từng chi đoàn.")))
        return plan
    resolver = UnitResolver(scope, options.create_units)
    records = _validate_rows(parsed, resolver, report, today or to_local(now_utc()).date())
    plan.new_units = resolver.planned
    report.units_created = [(u.code, u.name, u.parent.name if u.parent else "") for u in resolver.planned]
    _compare(plan, records, resolver)
    return plan


def _validate_rows(parsed: ParsedRoster, resolver: UnitResolver, report: RosterReport, today: date) -> list[tuple]:
    """Clean every row; returns (row, code, name, *fields, chapter, attributes) for good rows."""
    col = {c: i for i, c in enumerate(parsed.columns)}
    header = parsed.headers
    attr_columns = [(i, c.removeprefix("attr:")) for c, i in col.items() if c.startswith("attr:")]
    read_date = V.DateReader(today)
    memo: dict[tuple[str, object], object] = {}
    scope = resolver.scope
    seen_codes: dict[str, int] = {}
    seen_phones: dict[str, int] = {}
    records = []

    def get(values, name):
        i = col.get(name)
        return None if i is None else values[i]

    def memoised(kind: str, cleaner, value):
        key = (kind, value)
        if key not in memo:
            try:
                memo[key] = cleaner(value)
            except V.CellError as err:
                memo[key] = err
        found = memo[key]
        if isinstance(found, V.CellError):
            raise found
        return found

    for sheet, number, values in parsed.rows:
        report.rows += 1
        problems: list[RosterIssue] = []

        def clean(name, cleaner, raw):
            if raw is None:
                return KEEP
            try:
                return cleaner(raw)
            except V.CellError as err:
                problems.append(RosterIssue(number, header.get(name), str(err), sheet))
                return KEEP

        code = clean(C.CODE, V.member_code, get(values, C.CODE) or "")
        name = _name(values, get, clean)
        birth = clean(C.BIRTH_DATE, read_date, get(values, C.BIRTH_DATE))
        gender = clean(C.GENDER, lambda v: memoised("g", V.gender, v), get(values, C.GENDER))
        ethnicity = clean(C.ETHNICITY, lambda v: V.limited(v, V.MAX_ETHNICITY), get(values, C.ETHNICITY))
        phone = clean(C.PHONE, V.phone, get(values, C.PHONE))
        email = clean(C.EMAIL, V.email, get(values, C.EMAIL))
        cadre = clean(C.IS_CADRE, lambda v: memoised("c", V.cadre_flag, v), get(values, C.IS_CADRE))
        attributes = {}
        for i, label in attr_columns:
            raw = values[i]
            if raw is not None:
                attributes[label] = clean("attr:" + label, lambda v: V.limited(v, V.MAX_ATTRIBUTE), raw)
        chapter = _chapter(values, get, resolver, scope, header, number, sheet, problems)
        if code is not KEEP:
            first = seen_codes.setdefault(code, number)
            if first != number:
                problems.append(RosterIssue(number, header.get(C.CODE), _(
                    "Mã đoàn viên '%(code)s' trùng với dòng %(row)d.", code=code, row=first), sheet))
        if problems:
            for issue in problems:
                report.error(issue)
            continue
        if phone not in (None, KEEP):
            first = seen_phones.setdefault(phone, number)
            if first != number:
                report.warning(RosterIssue(number, header.get(C.PHONE), _(
                    "Số điện thoại %(phone)s trùng với dòng %(row)d: hai người này chỉ đăng nhập được bằng mã "
                    "đoàn viên.", phone=phone, row=first), sheet))
        records.append((number, code, name, birth, gender, ethnicity, phone, email, cadre, chapter, attributes))
    return records


def _name(values, get, clean):
    """The full name from 'Họ và tên', or from 'Họ' + 'Tên' when the file splits it."""
    whole = get(values, C.FULL_NAME)
    if whole is not None:
        return clean(C.FULL_NAME, V.full_name, whole)
    family, given = get(values, C.FAMILY_NAME), get(values, C.GIVEN_NAME)
    if family is None and given is None:
        return clean(C.FULL_NAME, V.full_name, "")
    joined = " ".join(p for p in (V.text(family), V.text(given)) if p)
    return clean(C.GIVEN_NAME, V.full_name, joined)


def _chapter(values, get, resolver: UnitResolver, scope, header, number, sheet, problems):
    """The row's chapter (known or planned); the import's unit when the file has no chapter column."""
    code = V.text(get(values, C.CHAPTER_CODE))
    name = V.text(get(values, C.CHAPTER))
    if not code and not name and scope is not None and scope.kind == UnitKind.CHAPTER:
        return resolver.by_id.get(scope.id)
    parents = tuple(V.text(get(values, f)) for f, _kind in C.PARENT_FIELDS)
    try:
        return resolver.resolve(parents, code, name)
    except V.CellError as err:
        column = header.get(C.CHAPTER_CODE if code else C.CHAPTER) or header.get(C.CHAPTER_CODE)
        problems.append(RosterIssue(number, column, str(err), sheet))
        return None


def _existing_members(codes: list[str]) -> dict[str, tuple]:
    """Database rows of the members whose codes the file names, fetched in chunks."""
    found = {}
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start:start + CHUNK]
        for row in db.session.execute(
            select(*_EXISTING).join(Unit, Member.chapter_id == Unit.id).where(Member.code.in_(chunk))
        ):
            found[row[1]] = tuple(row)
    return found


def _compare(plan: RosterPlan, records: list[tuple], resolver: UnitResolver) -> None:
    """Sort the good rows into added / updated / moved / unchanged, and find the absent."""
    report = plan.report
    scope = plan.options.scope_unit
    existing = _existing_members([r[1] for r in records])
    for number, code, name, *fields, chapter, attributes in records:
        old = existing.get(code)
        if old is None:
            plan.inserts.append((code, name, *(None if v is KEEP else v for v in fields[:5]),
                                 fields[5] is True, chapter, {k: v for k, v in attributes.items() if v}))
            report.added += 1
            report.sample("added", RosterChange(number, code, name))
            continue
        (member_id, _code, *old_fields, old_active, old_chapter_id, old_attributes, old_path) = old
        if scope is not None and not old_path.startswith(scope.path):
            report.error(RosterIssue(number, None, _(
                "Đoàn viên mã %(code)s đang sinh hoạt ở đơn vị ngoài phạm vi của bạn; hãy nhờ cấp trên chuyển "
                "sinh hoạt cho đoàn viên này.", code=code)))
            continue
        new_fields = [name, *fields]
        new_fields = [o if n is KEEP else n for n, o in zip(new_fields, old_fields)]
        changed = [f for f, n, o in zip(FIELDS, new_fields, old_fields) if n != o]
        merged = dict(old_attributes or {})
        for key, value in attributes.items():
            if value:
                merged[key] = value
            else:
                merged.pop(key, None)
        if merged != (old_attributes or {}):
            changed.append("attributes")
        moved = isinstance(chapter, PlannedUnit) or chapter.id != old_chapter_id
        if not old_active:
            changed.append("active")
            report.reactivated += 1
        if not changed and not moved:
            report.unchanged += 1
            continue
        row = dict(zip(FIELDS, new_fields), id=member_id, active=True, chapter=chapter, attributes=merged)
        plan.updates.append(row)
        if moved:
            report.moved += 1
            report.sample("moved", RosterChange(number, code, name, f"{resolver.name_of(old_chapter_id)} → "
                                                                    f"{chapter.name}"))
        else:
            report.updated += 1
            report.sample("updated", RosterChange(number, code, name, ", ".join(field_label(f) for f in changed)))
        if "full_name" in changed:
            plan.renamed_members.append((member_id, new_fields[0]))
        old_cadre = bool(old_fields[6])
        if moved or not old_active or old_cadre != bool(new_fields[6]):
            plan.followups.append((member_id, old_chapter_id, bool(old_active), old_cadre))
    if report.ok:  # with errors nothing is written, and "absent" would count every rejected row
        _absent(plan, {r[1] for r in records}, resolver)


def _absent(plan: RosterPlan, codes_in_file: set[str], resolver: UnitResolver) -> None:
    """Active members of the scope who are not in the file: reported, deactivated only when asked."""
    report = plan.report
    scope = plan.options.scope_unit
    stmt = (select(Member.id, Member.code, Member.full_name, Member.chapter_id, Member.is_cadre)
            .join(Unit, Member.chapter_id == Unit.id).where(Member.active.is_(True)))
    if scope is not None:
        stmt = stmt.where(scope.subtree_filter())
    for member_id, code, name, chapter_id, is_cadre in db.session.execute(stmt.order_by(Unit.path, Member.code)):
        if code in codes_in_file:
            continue
        report.absent += 1
        report.sample("absent", RosterChange(None, code, name, resolver.name_of(chapter_id)))
        if plan.options.deactivate_missing:
            report.deactivated += 1
            plan.deactivations.append(member_id)
            plan.followups.append((member_id, chapter_id, True, bool(is_cadre)))

