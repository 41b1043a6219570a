"""Members of a unit: search, view, edit, move, deactivate."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from quizapp import policy
from quizapp.extensions import db
from quizapp.models import Member, Unit, UnitRoster
from quizapp.policy import Action
from quizapp.services.roster import members as member_service
from quizapp.text import vietnamese_sort_key
from quizapp.web.access import breadcrumbs, top_units
from quizapp.web.organiser.common import (
    chapter_choices_near,
    now,
    unit_choices,
    unit_or_404,
    user,
)
from quizapp.web.organiser.forms import ConfirmForm, MemberForm, MemberSearchForm, MoveForm
from quizapp.web.organiser.views import bp

PAGE_SIZE = 50
# Members see roster pages when they may edit the roster or hand out codes.
VIEW_ACTIONS = (Action.MANAGE_ROSTER, Action.MANAGE_ACCOUNTS)


def may_view(unit: Unit) -> bool:
    """True when the user may see the members of `unit`."""
    return any(policy.can(user(), a, unit) for a in VIEW_ACTIONS)


def _view_action() -> Action:
    return (
        Action.MANAGE_ROSTER
        if policy.can_anywhere(user(), Action.MANAGE_ROSTER)
        else Action.MANAGE_ACCOUNTS
    )


def _members_unit() -> Unit:
    raw = request.args.get("unit", type=int)
    if raw is not None:
        unit = unit_or_404(raw)
        if not may_view(unit):
            abort(403)
        return unit
    roots = top_units(_view_action())
    if not roots:
        abort(403)
    return roots[0]


def _member_or_404(member_id: int, action: Action | None = None) -> Member:
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    if action is None:
        if not may_view(member.chapter):
            abort(403)
    else:
        policy.require(user(), action, member.chapter)
    return member


@bp.get("/members")
def members():
    """A unit's members with search, and its child units to drill down."""
    unit = _members_unit()
    form = MemberSearchForm(request.args)
    form.validate()
    page = max(1, request.args.get("page", 1, type=int))
    found = member_service.search_members(
        unit,
        (form.q.data or "").strip(),
        bool(form.inactive.data),
        PAGE_SIZE + 1,
        (page - 1) * PAGE_SIZE,
    )
    children = sorted(
        db.session.execute(
            select(Unit, UnitRoster.members)
            .outerjoin(UnitRoster, UnitRoster.unit_id == Unit.id)
            .where(Unit.parent_id == unit.id)
        ),
        key=lambda row: vietnamese_sort_key(row[0].name),
    )
    args = {"unit": unit.id, "q": form.q.data or "", "inactive": "y" if form.inactive.data else ""}
    return render_template(
        "organiser/members.html",
        unit=unit,
        form=form,
        members=found[:PAGE_SIZE],
        page=page,
        has_next=len(found) > PAGE_SIZE,
        children=children,
        units=unit_choices(_view_action()),
        pager_args={k: v for k, v in args.items() if v},
        may_edit=policy.can(user(), Action.MANAGE_ROSTER, unit),
        may_codes=policy.can(user(), Action.MANAGE_ACCOUNTS, unit),
        crumbs=breadcrumbs(unit, _view_action(), lambda u: url_for(".members", unit=u.id)),
    )


@bp.get("/members/<int:member_id>")
def member_detail(member_id: int):
    """One member: roster data, account state and what can be done."""
    member = _member_or_404(member_id)
    return render_template(
        "organiser/member.html",
        member=member,
        confirm=ConfirmForm(),
        may_edit=policy.can(user(), Action.MANAGE_ROSTER, member.chapter),
        may_codes=policy.can(user(), Action.MANAGE_ACCOUNTS, member.chapter),
        crumbs=breadcrumbs(
            member.chapter, _view_action(), lambda u: url_for(".members", unit=u.id)
        ),
    )


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
def member_edit(member_id: int):
    """Correct a member's roster data."""
    member = _member_or_404(member_id, Action.MANAGE_ROSTER)
    form = MemberForm(obj=member)
    if request.method == "GET":
        form.gender.data = member.gender or ""
    if form.validate_on_submit():
        values = {k: getattr(form, k).data for k in member_service.EDITABLE}
        values["gender"] = values["gender"] or None
        for key in ("ethnicity", "phone", "email"):
            values[key] = (values[key] or "").strip() or None
        changes = member_service.update_member(member, values, user(), now())
        flash(
            _("Đã lưu thay đổi.") if changes else _("Không có gì thay đổi."),
            "success" if changes else "info",
        )
        return redirect(url_for(".member_detail", member_id=member.id))
    return render_template("organiser/member_edit.html", member=member, form=form)


@bp.route("/members/<int:member_id>/move", methods=["GET", "POST"])
def member_move(member_id: int):
    """Move a member to another chapter in scope."""
    member = _member_or_404(member_id, Action.MANAGE_ROSTER)
    form = MoveForm()
    form.chapter.choices = chapter_choices_near(member.chapter, Action.MANAGE_ROSTER)
    if request.method == "GET":
        form.chapter.data = member.chapter_id
    if form.validate_on_submit():
        chapter = unit_or_404(form.chapter.data)
        policy.require(user(), Action.MANAGE_ROSTER, chapter)
        if member_service.move_member(member, chapter, user(), now()):
            flash(
                _(
                    "Đã chuyển %(name)s sang %(chapter)s.",
                    name=member.full_name,
                    chapter=chapter.name,
                ),
                "success",
            )
        else:
            flash(_("Đoàn viên đã ở chi đoàn này."), "info")
        return redirect(url_for(".member_detail", member_id=member.id))
    return render_template("organiser/member_move.html", member=member, form=form)


@bp.route("/members/<int:member_id>/active", methods=["GET", "POST"])
def member_active(member_id: int):
    """Ask, then deactivate (or reactivate) a member."""
    member = _member_or_404(member_id, Action.MANAGE_ROSTER)
    form = ConfirmForm()
    if member.user is not None and not policy.can_act_on_person(user(), member.user, member):
        return render_template("errors/person_protected.html", member=member), 403
    if form.validate_on_submit():
        member_service.set_member_active(member, not member.active, user(), now())
        flash(
            _("Đã kích hoạt lại đoàn viên.")
            if member.active
            else _("Đã ngừng kích hoạt đoàn viên."),
            "success",
        )
        return redirect(url_for(".member_detail", member_id=member.id))
    return render_template("organiser/member_active.html", member=member, form=form)
