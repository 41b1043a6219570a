"""Participation of a unit in a quiz: its totals, one row per child unit, one row per member.

Numbers come from the read models only (UnitRoster, UnitQuizCounter, Participation),
so a page reads a handful of rows whatever the size of the subtree. The population
of a unit for a quiz is the active roster of the unit's subtree that lies inside
the quiz's audience.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import and_, select

from quizapp.extensions import db
from quizapp.models import (
    Member,
    Participation,
    Quiz,
    Unit,
    UnitQuizCounter,
    UnitRoster,
)

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_MODIFIERS = {
    "\u0306": "ă",
    "\u0302": {"a": "â", "e": "ê", "o": "ô"},
    "\u031b": {"o": "ơ", "u": "ư"},
}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vietnamese_key(text: str) -> tuple:
    """Sort key in Vietnamese alphabetical order: a ă â … d đ …, then tones (ngang, huyền, hỏi, ngã, sắc, nặng)."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFD", (text or "").casefold()):
        if char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
            continue
        modifier = _MODIFIERS.get(char)
        if modifier is not None and letters:
            base = _ALPHABET[letters[-1]] if letters[-1] < len(_ALPHABET) else ""
            new = modifier if isinstance(modifier, str) else modifier.get(base)
            if new and (base == "a" or not isinstance(modifier, str)):
                letters[-1] = _ALPHABET.index(new)
            continue
        if unicodedata.combining(char):
            continue
        letters.append(_ALPHABET.index(char) if char in _ALPHABET else len(_ALPHABET) + ord(char))
        tones.append(0)
    return tuple(letters), tuple(tones)


def person_key(full_name: str) -> tuple:
    """Vietnamese lists go by given name (the last word), then the whole name."""
    words = (full_name or "").split()
    return vietnamese_key(words[-1] if words else ""), vietnamese_key(full_name)


def target_count(target_rate: float, members: int) -> int:
    """Members needed to reach the target: ceil(target% × members), exact for decimal targets."""
    needed = Decimal(str(target_rate)) * members / 100
    return int(needed.to_integral_value(rounding=ROUND_CEILING))


def percent(part: int, whole: int) -> float | None:
    """part / whole as a percentage, None when there is nobody to count."""
    return part * 100.0 / whole if whole else None


@dataclass
class UnitRow:
    """One unit's participation in a quiz (or the members attached directly to a unit)."""

    unit_id: int | None
    name: str
    kind: str | None
    target_rate: float
    members: int = 0
    cadres: int = 0
    took_part: int = 0
    cadres_took_part: int = 0
    passed: int = 0
    sum_best_percent: float = 0.0
    last_activity_at: datetime | None = None
    direct: bool = False  # members attached to the unit itself, beside its child units
    source_id: int | None = None  # the unit whose read-model rows give these numbers
    spark: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return percent(self.took_part, self.members)

    @property
    def target_count(self) -> int:
        return target_count(self.target_rate, self.members)

    @property
    def gap(self) -> int:
        return max(0, self.target_count - self.took_part)

    @property
    def cadre_rate(self) -> float | None:
        return percent(self.cadres_took_part, self.cadres)

    @property
    def cadre_gap(self) -> int:
        return max(0, target_count(self.target_rate, self.cadres) - self.cadres_took_part)

    @property
    def non_cadres(self) -> int:
        return self.members - self.cadres

    @property
    def non_cadres_took_part(self) -> int:
        return self.took_part - self.cadres_took_part

    @property
    def avg_best(self) -> float | None:
        return self.sum_best_percent / self.took_part if self.took_part else None

    @property
    def reached(self) -> bool:
        return self.members > 0 and self.gap == 0


class Status(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"


@dataclass
class MemberRow:
    """One member of a chapter and where they stand in the quiz."""

    member_id: int
    code: str
    full_name: str
    phone: str | None
    is_cadre: bool
    attempts_started: int
    attempts_finished: int
    best_percent: float | None
    graded_percent: float | None
    passed: bool
    last_activity_at: datetime | None
    first_finished_at: datetime | None

    @property
    def status(self) -> Status:
        if self.attempts_finished > 0:
            return Status.FINISHED
        if self.attempts_started > 0:
            return Status.IN_PROGRESS
        return Status.NOT_STARTED

    @property
    def took_part(self) -> bool:
        return self.status == Status.FINISHED


def population_unit(quiz: Quiz, unit: Unit) -> Unit | None:
    """The unit whose subtree is `unit`'s population for the quiz: the deeper of `unit` and the
    audience when one contains the other, None when they do not overlap."""
    audience = quiz.audience_unit
    if unit.is_within(audience):
        return unit
    if audience.is_within(unit):
        return audience
    return None


def concerns(quiz: Quiz, unit: Unit) -> bool:
    """True when some of the unit's members are in the quiz's audience."""
    return population_unit(quiz, unit) is not None


def _numbers(quiz: Quiz, unit_ids) -> dict:
    """Roster and counter figures of the given units in one indexed query, keyed by unit id."""
    if not unit_ids:
        return {}
    counter = UnitQuizCounter
    stmt = (
        select(
            Unit.id,
            UnitRoster.members,
            UnitRoster.cadres,
            counter.took_part,
            counter.took_part_cadres,
            counter.passed,
            counter.sum_best_percent,
            counter.last_activity_at,
        )
        .outerjoin(UnitRoster, UnitRoster.unit_id == Unit.id)
        .outerjoin(counter, and_(counter.unit_id == Unit.id, counter.quiz_id == quiz.id))
        .where(Unit.id.in_(set(unit_ids)))
    )
    return {r[0]: r for r in db.session.execute(stmt)}


def fill_numbers(row: UnitRow, n) -> UnitRow:
    """Copy one `_numbers` result (or None) into a report row."""
    if n is not None:
        row.members, row.cadres = n.members or 0, n.cadres or 0
        row.took_part, row.cadres_took_part, row.passed = (
            n.took_part or 0,
            n.took_part_cadres or 0,
            n.passed or 0,
        )
        row.sum_best_percent, row.last_activity_at = n.sum_best_percent or 0.0, n.last_activity_at
    return row


def fill(row: UnitRow, roster, counter) -> UnitRow:
    """Copy a UnitRoster and a UnitQuizCounter row (either may be None) into a report row."""
    if roster is not None:
        row.members, row.cadres = roster.members, roster.cadres
    if counter is not None:
        row.took_part, row.cadres_took_part, row.passed = (
            counter.took_part,
            counter.took_part_cadres,
            counter.passed,
        )
        row.sum_best_percent, row.last_activity_at = (
            counter.sum_best_percent,
            counter.last_activity_at,
        )
    return row


def unit_totals(quiz: Quiz, unit: Unit) -> UnitRow:
    """The unit's totals for the quiz (all zero when the unit is outside the audience)."""
    return unit_and_children(quiz, unit, with_children=False)[0]


SORT_KEYS = {
    "name": lambda r: (vietnamese_key(r.name), r.name),
    "members": lambda r: r.members,
    "took_part": lambda r: r.took_part,
    "rate": lambda r: (r.rate is None, r.rate if r.rate is not None else 0.0, -r.gap),
    "gap": lambda r: r.gap,
    "cadres": lambda r: (r.cadre_rate is None, r.cadre_rate or 0.0),
    "passed": lambda r: r.passed,
    "avg_best": lambda r: (r.avg_best is None, r.avg_best or 0.0),
    "last_activity": lambda r: (r.last_activity_at is None, r.last_activity_at or datetime.min),
}
DEFAULT_SORT = "rate"


def sort_rows(rows: list, keys: dict, sort: str, descending: bool, default: str) -> list:
    """Rows sorted by a known key (unknown keys fall back to the default), name as tie-break."""
    key = keys.get(sort) or keys[default]
    name_key = keys["name"]
    rows = sorted(rows, key=name_key)
    return sorted(rows, key=key, reverse=descending)


def child_rows(
    quiz: Quiz, unit: Unit, sort: str = DEFAULT_SORT, descending: bool = False
) -> list[UnitRow]:
    """One row per child unit in the quiz's audience (worst rate first by default), plus a row for
    members attached to the unit itself when it also has child units."""
    return unit_and_children(quiz, unit, sort, descending)[1]


def unit_and_children(
    quiz: Quiz,
    unit: Unit,
    sort: str = DEFAULT_SORT,
    descending: bool = False,
    with_children: bool = True,
) -> tuple[UnitRow, list[UnitRow]]:
    """The unit's totals and its child rows, from one read of the read models."""
    totals = UnitRow(unit.id, unit.name, unit.kind, quiz.target_rate)
    population = population_unit(quiz, unit)
    if population is None:
        return totals, []
    children = (
        list(db.session.scalars(select(Unit).where(Unit.parent_id == unit.id)))
        if with_children
        else []
    )
    if population is not unit:
        # the unit lies above the audience: only the child on the way down to it counts
        path = population.ancestor_ids()
        children = [c for c in children if c.id in path]
    # a child's population is the audience itself when the child lies above it
    number_ids = {
        c.id: (c.id if c.is_within(quiz.audience_unit) else population.id) for c in children
    }
    numbers = _numbers(quiz, {*number_ids.values(), population.id})
    fill_numbers(totals, numbers.get(population.id))
    rows = [
        fill_numbers(
            UnitRow(c.id, c.name, c.kind, quiz.target_rate, source_id=number_ids[c.id]),
            numbers.get(number_ids[c.id]),
        )
        for c in children
    ]
    if population is unit and children:
        direct = _direct_row(quiz, unit, rows, totals)
        if direct is not None:
            rows.append(direct)
    return totals, sort_rows(rows, SORT_KEYS, sort, descending, DEFAULT_SORT)


def _direct_row(quiz: Quiz, unit: Unit, rows: list[UnitRow], total: UnitRow) -> UnitRow | None:
    """What the unit's totals hold beyond its children: members attached to the unit itself."""
    direct = UnitRow(None, unit.name, unit.kind, quiz.target_rate, direct=True)
    for name in (
        "members",
        "cadres",
        "took_part",
        "cadres_took_part",
        "passed",
        "sum_best_percent",
    ):
        setattr(direct, name, getattr(total, name) - sum(getattr(r, name) for r in rows))
    if not (direct.members or direct.took_part):
        return None
    direct.sum_best_percent = round(direct.sum_best_percent, 9)
    direct.last_activity_at = db.session.scalar(
        select(db.func.max(Participation.last_finished_at))
        .join(Member, Member.id == Participation.member_id)
        .where(
            Participation.quiz_id == quiz.id, Member.chapter_id == unit.id, Member.active.is_(True)
        )
    )
    return direct


MEMBER_SORT_KEYS = {
    "name": lambda r: (person_key(r.full_name), r.code),
    "status": lambda r: [Status.NOT_STARTED, Status.IN_PROGRESS, Status.FINISHED].index(r.status),
    "attempts": lambda r: r.attempts_started,
    "best": lambda r: (r.best_percent is None, r.best_percent or 0.0),
    "last_activity": lambda r: (r.last_activity_at is None, r.last_activity_at or datetime.min),
    "code": lambda r: r.code,
}
DEFAULT_MEMBER_SORT = "status"


def member_rows(
    quiz: Quiz,
    unit: Unit,
    sort: str = DEFAULT_MEMBER_SORT,
    descending: bool = False,
    only_not_taken: bool = False,
) -> list[MemberRow]:
    """Active members attached to the unit itself with their status (not started first by default)."""
    if not unit.is_within(quiz.audience_unit):
        return []
    stmt = (
        select(
            Member.id,
            Member.code,
            Member.full_name,
            Member.phone,
            Member.is_cadre,
            Participation.attempts_started,
            Participation.attempts_finished,
            Participation.best_percent,
            Participation.graded_percent,
            Participation.passed,
            Participation.last_activity_at,
            Participation.first_finished_at,
        )
        .outerjoin(
            Participation,
            and_(Participation.quiz_id == quiz.id, Participation.member_id == Member.id),
        )
        .where(Member.chapter_id == unit.id, Member.active.is_(True))
    )
    rows = [
        MemberRow(
            r[0],
            r[1],
            r[2],
            r[3],
            bool(r[4]),
            r[5] or 0,
            r[6] or 0,
            r[7],
            r[8],
            bool(r[9]),
            r[10],
            r[11],
        )
        for r in db.session.execute(stmt)
    ]
    if only_not_taken:
        rows = [r for r in rows if not r.took_part]
    return sort_rows(rows, MEMBER_SORT_KEYS, sort, descending, DEFAULT_MEMBER_SORT)


def not_taken_contacts(rows: list[MemberRow]) -> list[tuple[str, str]]:
    """(name, phone) of members who have not yet taken part, to copy into a reminder."""
    return [(r.full_name, r.phone or "") for r in rows if not r.took_part]
