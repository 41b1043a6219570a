"""Roster import: parse → plan (validate, resolve chapters, compare) → apply, all or nothing.

parsed = parse_roster("ds.xlsx", data)
plan = plan_roster_import(parsed, RosterOptions(create_units=True, scope_unit=unit))
if plan.ok:                      # plan.report: counts, examples, errors with row and column
    apply_roster_plan(plan, actor, now)   # flushes; the caller commits once
"""

from __future__ import annotations

from datetime import datetime

from quizapp.clock import to_local
from quizapp.services.roster.apply import RosterImportError, apply_roster_plan
from quizapp.services.roster.plan import RosterPlan, field_label, plan_roster_import
from quizapp.services.roster.reader import ParsedRoster, parse_roster
from quizapp.services.roster.report import RosterChange, RosterIssue, RosterOptions, RosterReport
from quizapp.services.roster.stored import dump_parsed, load_parsed

__all__ = [
    "ParsedRoster",
    "RosterChange",
    "RosterImportError",
    "RosterIssue",
    "RosterOptions",
    "RosterPlan",
    "RosterReport",
    "apply_roster_plan",
    "dump_parsed",
    "field_label",
    "import_roster",
    "load_parsed",
    "parse_roster",
    "plan_roster_import",
]


def import_roster(
    filename: str, data: bytes, options: RosterOptions, actor, now: datetime, dry_run: bool = False
) -> RosterReport:
    """Parse, plan and (unless dry_run or there are errors) apply; returns the report."""
    plan = plan_roster_import(parse_roster(filename, data), options, today=to_local(now).date())
    if plan.ok and not dry_run:
        apply_roster_plan(plan, actor, now)
    return plan.report
