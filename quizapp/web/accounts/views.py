"""Activation codes for a unit or a member, printable slips, CSV, password resets; scope checked per view."""

from __future__ import annotations

import json
from datetime import datetime
from itertools import groupby

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from quizapp import policy
from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import Member, Unit
from quizapp.policy import Action, Area
from quizapp.services import accounts, org
from quizapp.services.exports import as_download
from quizapp.web import links
from quizapp.web.access import breadcrumbs, top_units, user
from quizapp.web.accounts.forms import MemberCodeForm, MemberSearchForm, SlipsCsvForm, UnitCodesForm

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


@bp.before_request
@login_required
def guard():
    """Only secretaries, organisers and admins reach this area; each view then checks the unit."""
    if not policy.may_open(current_user, Area.ACCOUNTS):
        abort(403)


def _unit_in_scope(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    policy.require(user(), Action.MANAGE_ACCOUNTS, unit)
    return unit


def _crumbs(unit: Unit) -> list[dict]:
    return breadcrumbs(unit, Action.MANAGE_ACCOUNTS, lambda u: url_for(".index", unit=u.id))


def _personal_link(slip: accounts.Slip) -> str:
    return links.activation_link(slip.login, slip.code)


@bp.get("/")
def index():
    """A unit of the user's scope: its children with counts, a member search, the codes action."""
    unit_id = request.args.get("unit", type=int)
    if unit_id is None:
        roots = top_units(Action.MANAGE_ACCOUNTS)
        if len(roots) != 1:
            return render_template("accounts/roots.html", roots=sorted(roots, key=lambda u: u.name))
        unit = roots[0]
    else:
        unit = _unit_in_scope(unit_id)
    form = MemberSearchForm(request.args)
    found = accounts.search_members(unit, form.q.data or "") if form.validate() else []
    return render_template(
        "accounts/index.html",
        unit=unit,
        crumbs=_crumbs(unit),
        form=form,
        found=found,
        children=org.child_units(unit),
        count=org.roster_count(unit),
        pending=accounts.members_needing_codes(unit),
    )


@bp.route("/unit/<int:unit_id>/codes", methods=["GET", "POST"])
def unit_codes(unit_id: int):
    """Confirm, then make codes for every member of the unit without a password: slips or CSV."""
    unit = _unit_in_scope(unit_id)
    pending = accounts.members_needing_codes(unit)
    limit = int(current_app.config["ACTIVATION_BATCH_MAX"])
    form = UnitCodesForm()
    if form.validate_on_submit() and 0 < pending <= limit:
        batch = accounts.issue_codes_for_unit(unit, user(), now_utc())
        if batch.protected:
            flash(
                _(
                    "Không tạo mã cho %(n)d tài khoản giữ vai trò rộng hơn quyền của bạn (%(logins)s). "
                    "Người có quyền trên các vai trò đó, hoặc quản trị viên hệ thống, mới cấp được mã cho họ.",
                    n=len(batch.protected),
                    logins=", ".join(batch.protected[:20]),
                ),
                "warning",
            )
        for login in batch.conflicts[:20]:
            flash(
                _(
                    "Không tạo mã cho đoàn viên %(code)s: mã đoàn viên trùng tên đăng nhập của tài khoản khác.",
                    code=login,
                ),
                "warning",
            )
        if form.csv.data:
            return as_download(
                "csv",
                *accounts.slip_table(batch.slips, _personal_link),
                filename=f"ma-kich-hoat-{unit.code}",
            )
        return _render_slips(batch.slips, unit)
    return render_template(
        "accounts/unit_codes.html",
        unit=unit,
        crumbs=_crumbs(unit),
        form=form,
        pending=pending,
        limit=limit,
    )


@bp.route("/member/<int:member_id>/code", methods=["GET", "POST"])
def member_code(member_id: int):
    """Confirm, then give one member a new code; a member with a password has it reset."""
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    policy.require(user(), Action.MANAGE_ACCOUNTS, member.chapter)
    form = MemberCodeForm()
    if not accounts.may_reset(member, user()):
        # The account holds rights wider than the actor's: a code would hand them over.
        return render_template(
            "accounts/member_code.html",
            member=member,
            form=form,
            has_password=False,
            crumbs=_crumbs(member.chapter),
            guardian=_guardian_text(member.user),
        ), 403
    if member.active and form.validate_on_submit():
        try:
            slip = accounts.reset_member_password(member, user(), now_utc())
        except accounts.AccountError:
            flash(
                _(
                    "Không tạo được tài khoản: mã đoàn viên này trùng tên đăng nhập của một tài khoản khác."
                ),
                "error",
            )
            return redirect(url_for(".member_code", member_id=member.id))
        return _render_slips([slip], member.chapter)
    has_password = bool(member.user and member.user.password_hash)
    return render_template(
        "accounts/member_code.html",
        member=member,
        form=form,
        has_password=has_password,
        crumbs=_crumbs(member.chapter),
    )


def _guardian_text(target) -> str:
    """Who may issue a code for this account, in a sentence."""
    role, unit = policy.person_guardian(target)
    if unit is None:
        return _(
            "Tài khoản này có quyền quản trị hoặc vai trò rộng hơn quyền của bạn. Chỉ quản trị viên "
            "hệ thống mới cấp được mã kích hoạt hoặc đặt lại mật khẩu cho tài khoản này."
        )
    if role == "organiser":
        return _(
            "Tài khoản này giữ vai trò ban tổ chức, rộng hơn quyền của bạn. Chỉ ban tổ chức của "
            "%(unit)s (hoặc cấp trên), hoặc quản trị viên hệ thống, mới cấp được mã kích hoạt hoặc "
            "đặt lại mật khẩu cho tài khoản này. Hãy nhờ họ.",
            unit=unit.name,
        )
    return _(
        "Tài khoản này giữ vai trò bí thư, rộng hơn quyền của bạn. Chỉ bí thư hoặc ban tổ chức của "
        "%(unit)s (hoặc cấp trên), hoặc quản trị viên hệ thống, mới cấp được mã kích hoạt hoặc "
        "đặt lại mật khẩu cho tài khoản này. Hãy nhờ họ.",
        unit=unit.name,
    )


def _render_slips(slips: list[accounts.Slip], unit: Unit):
    """The A4 sheet: slips grouped by chapter, each chapter on its own page when printed."""
    printed = [
        {
            "slip": s,
            "qr": links.qr_svg(
                _personal_link(s), _("Mã QR kích hoạt tài khoản %(login)s", login=s.login)
            ),
        }
        for s in slips
    ]
    groups = [
        (name, list(items))
        for name, items in groupby(printed, key=lambda p: p["slip"].chapter_name)
    ]
    payload = json.dumps(
        [
            [s.chapter_name, s.chapter_code, s.full_name, s.login, s.code, s.expires_at.isoformat()]
            for s in slips
        ],
        ensure_ascii=False,
    )
    return render_template(
        "accounts/slips.html",
        unit=unit,
        groups=groups,
        count=len(slips),
        site=links.activation_link(),
        csv_form=SlipsCsvForm(formdata=None, payload=payload),
        site_url_missing=links.site_url_missing(),
    )


@bp.post("/slips.csv")
def slips_csv():
    """The slips just shown, as CSV: the page posts back the codes it already holds."""
    form = SlipsCsvForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        slips = [
            accounts.Slip(
                login=str(r[3]),
                full_name=str(r[2]),
                chapter_code=str(r[1]),
                chapter_name=str(r[0]),
                code=str(r[4]),
                expires_at=datetime.fromisoformat(str(r[5])),
            )
            for r in json.loads(form.payload.data)
        ]
    except (ValueError, TypeError, IndexError, KeyError):
        abort(400)
    return as_download("csv", *accounts.slip_table(slips, _personal_link), filename="ma-kich-hoat")
