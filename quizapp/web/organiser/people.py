"""Roles on units: list, grant and revoke within the organiser's subtree."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from quizapp import policy
from quizapp.extensions import db
from quizapp.models import Grant, Member, Role, Unit, User
from quizapp.policy import Action
from quizapp.services import accounts, grants
from quizapp.web.access import breadcrumbs, top_units
from quizapp.web.organiser.common import (
    now,
    record,
    unit_choices,
    unit_or_404,
    user,
)
from quizapp.web.organiser.forms import ROLE_LABELS, ConfirmForm, GrantForm
from quizapp.web.organiser.views import bp


def _people_unit() -> Unit:
    raw = request.args.get("unit", type=int)
    if raw is not None:
        unit = unit_or_404(raw)
        policy.require(user(), Action.MANAGE_GRANTS, unit)
        return unit
    roots = top_units(Action.MANAGE_GRANTS)
    if not roots:
        abort(403)
    return roots[0]


def _grants_under(unit: Unit) -> list[Grant]:
    return list(
        db.session.scalars(
            select(Grant)
            .join(Unit, Grant.unit_id == Unit.id)
            .join(User, Grant.user_id == User.id)
            .where(unit.subtree_filter())
            .order_by(Unit.path, Grant.role, User.display_name)
        )
    )


def _grant_form(unit: Unit) -> GrantForm:
    form = GrantForm()
    form.unit.choices = unit_choices(Action.MANAGE_GRANTS, under=None)
    if request.method == "GET":
        form.unit.data = unit.id
    return form


def _user_in_reach(login: str) -> User | None:
    """The account with this login if the actor may see it: staff, or a member of their subtree."""
    found = accounts.find_user(login)
    if found is None:
        return None
    if found.member is None:
        return found
    member: Member = found.member
    return found if policy.can(user(), Action.MANAGE_GRANTS, member.chapter) else None


def _render(unit: Unit, form: GrantForm):
    return render_template(
        "organiser/people.html",
        unit=unit,
        form=form,
        grants=_grants_under(unit),
        role_labels=ROLE_LABELS,
        units=unit_choices(Action.MANAGE_GRANTS),
        confirm=ConfirmForm(),
        crumbs=breadcrumbs(unit, Action.MANAGE_GRANTS, lambda u: url_for(".people", unit=u.id)),
    )


@bp.get("/people")
def people():
    """Who holds which role on the unit's subtree, and a form to grant one."""
    unit = _people_unit()
    return _render(unit, _grant_form(unit))


@bp.post("/people")
def grant_add():
    """Give a role on a unit in scope to an existing account."""
    unit = _people_unit()
    form = _grant_form(unit)
    if form.validate_on_submit():
        target_unit = unit_or_404(form.unit.data)
        policy.require(user(), Action.MANAGE_GRANTS, target_unit)
        grantee = _user_in_reach(form.login.data)
        if grantee is None:
            form.login.errors.append(
                _(
                    "Không tìm thấy tài khoản này trong phạm vi của bạn. "
                    "Kiểm tra lại mã đoàn viên hoặc tên đăng nhập."
                )
            )
        else:
            made = grants.grant_role(grantee, form.role.data, target_unit, user(), now())
            if made is None:
                flash(
                    _(
                        "%(name)s đã có vai trò này trên %(unit)s.",
                        name=grantee.display_name,
                        unit=target_unit.name,
                    ),
                    "info",
                )
            else:
                record(
                    "grant.add",
                    target_unit,
                    target=grantee.login,
                    after={"role": made.role, "unit": target_unit.code},
                )
                flash(
                    _(
                        "Đã giao vai trò cho %(name)s trên %(unit)s.",
                        name=grantee.display_name,
                        unit=target_unit.name,
                    ),
                    "success",
                )
            return redirect(url_for(".people", unit=unit.id))
    return _render(unit, form), 400 if request.method == "POST" else 200


@bp.route("/people/grants/<int:grant_id>/revoke", methods=["GET", "POST"])
def grant_revoke(grant_id: int):
    """Ask, then remove a role held on a unit in scope."""
    grant = db.session.get(Grant, grant_id) or abort(404)
    if grant.unit is None or grant.role == Role.ADMIN:
        abort(403)
    policy.require(user(), Action.MANAGE_GRANTS, grant.unit)
    form = ConfirmForm()
    if grant.user_id == user().id:
        flash(_("Bạn không thể tự thu hồi quyền của chính mình. Hãy nhờ cấp trên."), "error")
        return redirect(url_for(".people", unit=grant.unit_id))
    if form.validate_on_submit():
        unit, login, role = grant.unit, grant.user.login, grant.role
        grants.revoke_grant(grant)
        record("grant.revoke", unit, target=login, before={"role": role, "unit": unit.code})
        flash(_("Đã thu hồi vai trò của %(login)s.", login=login), "success")
        return redirect(url_for(".people", unit=unit.id))
    return render_template(
        "organiser/grant_revoke.html", grant=grant, form=form, role_labels=ROLE_LABELS
    )
