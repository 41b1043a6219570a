"""Cumulative participation per day, and whether the target will be met at the recent pace.

Read from UnitQuizDaily (first finishes per local day per unit subtree). The rate of
a past day uses today's roster as denominator: rosters are not kept per day.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from quizapp.clock import to_local
from quizapp.extensions import db
from quizapp.models import Quiz, QuizStatus, Unit, UnitQuizDaily
from quizapp.services.reports.units import UnitRow, population_unit, target_count, unit_totals

PACE_WINDOW_DAYS = 7


class TrendStatus:
    NO_MEMBERS = "no_members"
    NOT_OPEN = "not_open"
    REACHED = "reached"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    STALLED = "stalled"  # nobody took part in the pace window
    CLOSED_MISSED = "closed_missed"


@dataclass
class Trend:
    """The series for the chart and the projection at the pace of the last days."""

    days: list[date]
    cumulative: list[int]
    members: int
    took_part: int
    target_rate: float
    target_date: date | None
    today: date
    closes_on: date
    window_days: int
    window_new: int
    status: str
    reached_on: date | None = None
    projected_date: date | None = None
    needed_per_day: int | None = None
    days_left: int | None = None

    @property
    def rates(self) -> list[float]:
        return [c * 100.0 / self.members if self.members else 0.0 for c in self.cumulative]

    @property
    def pace(self) -> float:
        """New participants per day over the pace window."""
        return self.window_new / self.window_days if self.window_days else 0.0

    @property
    def target_count(self) -> int:
        return target_count(self.target_rate, self.members)

    @property
    def gap(self) -> int:
        return max(0, self.target_count - self.took_part)

    @property
    def target_passed(self) -> bool:
        return self.target_date is not None and self.today > self.target_date and self.gap > 0

    @property
    def rate(self) -> float | None:
        return self.took_part * 100.0 / self.members if self.members else None


def local_day(value: datetime) -> date:
    """The Vietnam calendar day of an aware UTC time."""
    return to_local(value).date()


def quiz_days(quiz: Quiz, now: datetime) -> tuple[date, date, date]:
    """(first day, last day with data so far, last day of the window) in Vietnam time."""
    opens_on = local_day(quiz.opens_at)
    # a window closing at local midnight ends on the previous day
    closes_on = max(opens_on, local_day(quiz.effective_closes_at - timedelta(microseconds=1)))
    return opens_on, min(local_day(now), closes_on), closes_on


def _cumulative(counts: dict[date, int], first: date, last: date) -> tuple[list[date], list[int]]:
    days, cumulative, total = [], [], 0
    # finishes outside the window (clock skew, imports) still count, on its first or last day
    total += sum(n for d, n in counts.items() if d < first)
    day = first
    while day <= last:
        total += counts.get(day, 0)
        days.append(day)
        cumulative.append(total)
        day += timedelta(days=1)
    if cumulative:
        cumulative[-1] += sum(n for d, n in counts.items() if d > last)
    return days, cumulative


def daily_counts(quiz: Quiz, unit_ids) -> dict[int, dict[date, int]]:
    """First-time participants per local day for many units, in one query."""
    per_unit: dict[int, dict[date, int]] = defaultdict(dict)
    if unit_ids:
        for unit_id, day, n in db.session.execute(
            select(UnitQuizDaily.unit_id, UnitQuizDaily.day, UnitQuizDaily.new_participants).where(
                UnitQuizDaily.quiz_id == quiz.id, UnitQuizDaily.unit_id.in_(set(unit_ids))
            )
        ):
            per_unit[unit_id][day] = n
    return per_unit


def trend(
    quiz: Quiz,
    unit: Unit,
    now: datetime,
    totals: UnitRow | None = None,
    daily: dict[int, dict[date, int]] | None = None,
) -> Trend:
    """The unit's cumulative participation per day and its projection at the last 7 days' pace.

    `daily` may carry rows already read (see `daily_counts`) to spare a query.
    """
    totals = totals or unit_totals(quiz, unit)
    population = population_unit(quiz, unit)
    counts: dict[date, int] = {}
    if population is not None:
        daily = daily if daily is not None else daily_counts(quiz, [population.id])
        counts = daily.get(population.id, {})
    opens_on, last_on, closes_on = quiz_days(quiz, now)
    today = local_day(now)
    days, cumulative = _cumulative(counts, opens_on, last_on) if last_on >= opens_on else ([], [])
    window = min(PACE_WINDOW_DAYS, len(days))
    window_new = sum(counts.get(d, 0) for d in days[-window:]) if window else 0
    result = Trend(
        days,
        cumulative,
        totals.members,
        totals.took_part,
        quiz.target_rate,
        quiz.target_date,
        today,
        closes_on,
        window,
        window_new,
        TrendStatus.BEHIND,
    )
    _project(result, quiz, now)
    return result


def _project(t: Trend, quiz: Quiz, now: datetime) -> None:
    deadline_day = t.target_date or t.closes_on
    t.days_left = (deadline_day - t.today).days + 1  # today and the target day both count
    if t.gap > 0 and t.days_left >= 1:
        t.needed_per_day = math.ceil(t.gap / t.days_left)
    if t.members == 0:
        t.status = TrendStatus.NO_MEMBERS
    elif t.gap == 0:
        t.status = TrendStatus.REACHED
        t.reached_on = next((d for d, c in zip(t.days, t.cumulative) if c >= t.target_count), None)
    elif quiz.status(now) == QuizStatus.SCHEDULED:
        t.status = TrendStatus.NOT_OPEN
    elif quiz.status(now) != QuizStatus.OPEN:
        t.status = TrendStatus.CLOSED_MISSED
    elif t.pace > 0:
        # counting from tomorrow: today's pace is already in the numbers
        t.projected_date = t.today + timedelta(days=math.ceil(t.gap / t.pace))
        on_time = t.projected_date <= min(deadline_day, t.closes_on)
        t.status = TrendStatus.ON_TRACK if on_time else TrendStatus.BEHIND
    else:
        t.status = TrendStatus.STALLED


def sparklines(
    quiz: Quiz,
    unit_ids: dict[int, int],
    members: dict[int, int],
    now: datetime,
    daily: dict[int, dict[date, int]] | None = None,
) -> dict[int, list[float]]:
    """Cumulative rate per day for many units in one query.

    `unit_ids` maps a row's unit id to the unit whose numbers it shows; `members` gives each
    row's denominator; `daily` may carry rows already read.
    """
    if not unit_ids:
        return {}
    per_unit = daily if daily is not None else daily_counts(quiz, unit_ids.values())
    opens_on, last_on, _ = quiz_days(quiz, now)
    out = {}
    for row_id, source_id in unit_ids.items():
        if last_on < opens_on:
            out[row_id] = []
            continue
        _, cumulative = _cumulative(per_unit.get(source_id, {}), opens_on, last_on)
        whole = members.get(row_id, 0)
        out[row_id] = [c * 100.0 / whole if whole else 0.0 for c in cumulative]
    return out
