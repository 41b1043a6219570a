"""Activation codes and password resets: a preview of who gets a code, then the slips (accounts area)."""
from __future__ import annotations

from flask import abort, render_template, request
from sqlalchemy import func, select

from quizapp import policy
from quizapp.extensions import db
from quizapp.models import Member, Unit, User
from quizapp.policy import Action
from quizapp.web.organiser.common import (
    crumbs,
    optional_url,
    scope_roots_or_all,
    unit_choices,
    unit_or_404,
    user,
)
from quizapp.web.organiser.views import bp


def _codes_unit() -> Unit:
    raw = request.args.get("unit", type=int)
    if raw is not None:
        unit = unit_or_404(raw)
        policy.require(user(), Action.MANAGE_ACCOUNTS, unit)
        return unit
    roots = scope_roots_or_all(Action.MANAGE_ACCOUNTS)
    if not roots:
        abort(403)
    return roots[0]


def account_counts(unit: Unit) -> dict[str, int]:
    """Active members of the subtree, and how many of them have not chosen a password yet."""
    base = (select(func.count(Member.id)).join(Unit, Member.chapter_id == Unit.id)
            .where(unit.subtree_filter(), Member.active.is_(True)))
    members = db.session.scalar(base)
    activated = db.session.scalar(base.join(User, User.member_id == Member.id).where(User.password_hash.is_not(None)))
    return {"members": members, "activated": activated, "pending": members - activated}


@bp.get("/codes")
def unit_codes():
    """Who would receive an activation code on this unit, before the slips are printed."""
    unit = _codes_unit()
    return render_template("organiser/codes.html", unit=unit, counts=account_counts(unit),
                           units=unit_choices(Action.MANAGE_ACCOUNTS), optional_url=optional_url,
                           crumbs=crumbs(unit, Action.MANAGE_ACCOUNTS, lambda u: f"?unit={u.id}"))
