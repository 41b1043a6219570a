"""Everything the unit page shows for one quiz, assembled from the report services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from quizapp.models import Quiz, Unit
from quizapp.services.reports import breakdowns as breakdowns_mod
from quizapp.services.reports import reminders as reminders_mod
from quizapp.services.reports import trend as trend_mod
from quizapp.services.reports.units import (
    DEFAULT_MEMBER_SORT,
    DEFAULT_SORT,
    MemberRow,
    UnitRow,
    member_rows,
    not_taken_contacts,
    population_unit,
    unit_and_children,
)


@dataclass
class UnitReport:
    """A unit's report for a quiz: totals, child rows, member rows, breakdowns and trend."""

    quiz: Quiz
    unit: Unit
    totals: UnitRow
    children: list[UnitRow]
    members: list[MemberRow]
    all_members_count: int
    not_taken: list[tuple[str, str]]
    breakdowns: list
    trend: trend_mod.Trend
    sort: str = DEFAULT_SORT
    descending: bool = False
    member_sort: str = DEFAULT_MEMBER_SORT
    member_descending: bool = False
    only_not_taken: bool = False
    notes: list[str] = field(default_factory=list)
    reminders: reminders_mod.Counts = field(default_factory=reminders_mod.Counts)

    @property
    def is_chapter(self) -> bool:
        """True when members are attached to the unit itself."""
        return self.all_members_count > 0


def unit_report(
    quiz: Quiz,
    unit: Unit,
    now: datetime,
    sort: str = DEFAULT_SORT,
    descending: bool = False,
    member_sort: str = DEFAULT_MEMBER_SORT,
    member_descending: bool = False,
    only_not_taken: bool = False,
    with_breakdowns: bool = True,
) -> UnitReport:
    """The data of the unit page (read models only; no attempt is scanned)."""
    totals, children = unit_and_children(quiz, unit, sort, descending)
    everyone = member_rows(quiz, unit, member_sort, member_descending)
    shown = [r for r in everyone if not r.took_part] if only_not_taken else everyone
    population = population_unit(quiz, unit)
    sources = {r.unit_id: r.source_id for r in children if not r.direct}
    # the unit's own days and every child's, in one read
    daily = trend_mod.daily_counts(
        quiz, {*sources.values(), *([population.id] if population else [])}
    )
    sparks = trend_mod.sparklines(
        quiz, sources, {r.unit_id: r.members for r in children if not r.direct}, now, daily
    )
    for row in children:
        row.spark = sparks.get(row.unit_id, [])
    return UnitReport(
        quiz=quiz,
        unit=unit,
        totals=totals,
        children=children,
        members=shown,
        all_members_count=len(everyone),
        not_taken=not_taken_contacts(everyone),
        breakdowns=breakdowns_mod.breakdowns(quiz, unit, totals) if with_breakdowns else [],
        trend=trend_mod.trend(quiz, unit, now, totals, daily),
        sort=sort,
        descending=descending,
        member_sort=member_sort,
        member_descending=member_descending,
        only_not_taken=only_not_taken,
        reminders=reminders_mod.counts(quiz.id, unit.id),
    )
