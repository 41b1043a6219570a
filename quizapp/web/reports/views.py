"""Views of the reports blueprint: overview, unit page, item analysis, exports, print views.

Every view checks the policy on the unit it shows (403 outside the user's scope)
and shows only that unit's subtree, so nothing outside the scope can leak.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp import policy
from quizapp.clock import now_utc
from quizapp.extensions import db, login_manager
from quizapp.models import Quiz, Unit
from quizapp.policy import Action, Area
from quizapp.services import exports
from quizapp.services.attempts.lifecycle import finalise_overdue_in
from quizapp.services.contests import rounds as contest_rounds
from quizapp.services.reports import charts, tables
from quizapp.services.reports import items as items_mod
from quizapp.services.reports import overview as overview_mod
from quizapp.services.reports import page as page_mod
from quizapp.services.reports.units import (
    DEFAULT_MEMBER_SORT,
    DEFAULT_SORT,
    concerns,
)
from quizapp.web.access import breadcrumbs, top_units, user
from quizapp.web.keys import require_key_visible
from quizapp.web.transaction import writes

bp = Blueprint("reports", __name__, url_prefix="/reports")

UNIT_TABLES = {
    "children": (tables.children_table, "don-vi"),
    "members": (lambda r: tables.members_table(r.members), "doan-vien"),
    "not_taken": (lambda r: tables.not_taken_table(r.members), "chua-tham-gia"),
    "breakdowns": (tables.breakdowns_table, "phan-nhom"),
    "trend": (lambda r: tables.trend_table(r.trend), "theo-ngay"),
}
FORMATS = ("csv", "xlsx")


@bp.before_request
def require_login():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def unit_or_404(unit_id: int, action: Action = Action.VIEW_REPORTS) -> Unit:
    """The unit, when the signed-in user may do `action` on it (403 otherwise, 404 if none)."""
    unit = db.session.get(Unit, unit_id) or abort(404)
    policy.require(user(), action, unit)
    return unit


def _quiz_for(quiz_id: int, unit: Unit) -> Quiz:
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None or not concerns(quiz, unit):
        abort(404)
    return quiz


def crumbs(unit: Unit, endpoint: str, action: Action = Action.VIEW_REPORTS, **args) -> list[dict]:
    """Breadcrumbs from the user's scope root down to the unit (nothing above the scope)."""
    return breadcrumbs(unit, action, lambda u: url_for(endpoint, unit_id=u.id, **args))


@bp.app_template_global("spark")
def spark(rates, label, target):
    return charts.sparkline(rates, label, target)


@bp.get("/")
def index():
    """The units whose reports the user may see."""
    if not policy.may_open(user(), Area.REPORTS):
        abort(403)
    roots = top_units(Action.VIEW_REPORTS)
    if len(roots) == 1:
        return redirect(url_for("reports.overview", unit_id=roots[0].id))
    return render_template("reports/index.html", roots=roots)


@bp.get("/units/<int:unit_id>")
def overview(unit_id: int):
    """Every quiz concerning the unit, with its rate and gap."""
    unit = unit_or_404(unit_id)
    rows = overview_mod.overview(unit, now_utc())
    return render_template(
        "reports/overview.html",
        unit=unit,
        rows=rows,
        printing=_printing(),
        crumbs=crumbs(unit, "reports.overview"),
        contests=contest_rounds.contests_concerning(unit),
    )


@bp.get("/units/<int:unit_id>/export.<fmt>")
def overview_export(unit_id: int, fmt: str):
    """The overview as CSV or XLSX."""
    unit = unit_or_404(unit_id)
    if fmt not in FORMATS:
        abort(404)
    headers, rows, formats = tables.overview_table(overview_mod.overview(unit, now_utc()))
    return exports.as_download(
        fmt, headers, rows, f"tong-hop-{file_slug(unit.code)}", _("Tổng hợp"), formats
    )


def file_slug(text: str) -> str:
    """A unit or quiz name as a download file name's part (ASCII letters, digits, dashes)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "don-vi"


def _printing() -> bool:
    return request.args.get("print") == "1"


def _report(quiz_id: int, unit_id: int) -> page_mod.UnitReport:
    unit = unit_or_404(unit_id)
    quiz = _quiz_for(quiz_id, unit)
    now = now_utc()
    finalise_overdue_in(
        quiz, unit, now
    )  # committed by the request's unit of work (views are @writes)
    return page_mod.unit_report(
        quiz,
        unit,
        now,
        sort=request.args.get("sort", DEFAULT_SORT),
        descending=request.args.get("dir") == "desc",
        member_sort=request.args.get("msort", DEFAULT_MEMBER_SORT),
        member_descending=request.args.get("mdir") == "desc",
        only_not_taken=request.args.get("filter") == "not_taken",
    )


@bp.get("/quizzes/<int:quiz_id>/units/<int:unit_id>")
@writes
def unit_page(quiz_id: int, unit_id: int):
    """A unit's participation in a quiz: totals, children or members, breakdowns, trend."""
    report = _report(quiz_id, unit_id)
    chart = charts.trend_chart(
        report.trend, _("Tỉ lệ tham gia luỹ kế của %(name)s", name=report.unit.name)
    )
    return render_template(
        "reports/unit.html",
        r=report,
        chart=chart,
        printing=_printing(),
        crumbs=crumbs(report.unit, "reports.unit_page", quiz_id=quiz_id),
        can_items=policy.can(user(), Action.MANAGE_QUIZZES, report.unit),
    )


@bp.get("/quizzes/<int:quiz_id>/units/<int:unit_id>/<table>.<fmt>")
@writes
def unit_export(quiz_id: int, unit_id: int, table: str, fmt: str):
    """One table of the unit page as CSV or XLSX."""
    if table not in UNIT_TABLES or fmt not in FORMATS:
        abort(404)
    report = _report(quiz_id, unit_id)
    build, slug = UNIT_TABLES[table]
    headers, rows, formats = build(report)
    return exports.as_download(
        fmt,
        headers,
        rows,
        f"{slug}-{file_slug(report.unit.code)}-dot-{quiz_id}",
        report.unit.name,
        formats,
    )


@bp.get("/quizzes/<int:quiz_id>")
def quiz_home(quiz_id: int):
    """The quiz's report at the highest unit the user may see within its audience."""
    quiz = db.session.get(Quiz, quiz_id) or abort(404)
    for root in top_units(Action.VIEW_REPORTS):
        target = quiz.audience_unit if quiz.audience_unit.is_within(root) else root
        if concerns(quiz, root):
            return redirect(url_for("reports.unit_page", quiz_id=quiz.id, unit_id=target.id))
    abort(403)


@bp.get("/quizzes/<int:quiz_id>/units/<int:unit_id>/items")
def items(quiz_id: int, unit_id: int):
    """Item analysis for organisers: facility and discrimination per question and topic."""
    unit = unit_or_404(unit_id, Action.MANAGE_QUIZZES)
    quiz = _quiz_for(quiz_id, unit)
    require_key_visible(quiz.bank_version_id)
    analysis = items_mod.item_analysis(quiz, unit)
    return render_template(
        "reports/items.html",
        quiz=quiz,
        unit=unit,
        a=analysis,
        printing=_printing(),
        crumbs=crumbs(unit, "reports.items", Action.MANAGE_QUIZZES, quiz_id=quiz_id),
    )


@bp.get("/quizzes/<int:quiz_id>/units/<int:unit_id>/items.<fmt>")
def items_export(quiz_id: int, unit_id: int, fmt: str):
    """The item analysis as CSV or XLSX."""
    if fmt not in FORMATS:
        abort(404)
    unit = unit_or_404(unit_id, Action.MANAGE_QUIZZES)
    quiz = _quiz_for(quiz_id, unit)
    require_key_visible(quiz.bank_version_id)
    headers, rows, formats = tables.items_table(items_mod.item_analysis(quiz, unit))
    return exports.as_download(
        fmt,
        headers,
        rows,
        f"phan-tich-cau-hoi-dot-{quiz_id}-{file_slug(unit.code)}",
        _("Phân tích câu hỏi"),
        formats,
    )
