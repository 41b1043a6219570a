"""Reminders on a chapter's (or a grassroots union's) "chưa tham gia" list: a ready message per
member to copy or share from the secretary's phone, "Đã nhắc" marks, and a printable A4 sheet.

The server sends nothing. Activation codes are stored hashed, so a member's filled-in activation
link exists only in the answer to the POST that issued the code; it is never shown again.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from quizapp import policy
from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.formatting import time_text
from quizapp.models import Member, Quiz, Unit, UnitKind
from quizapp.policy import Action
from quizapp.services import accounts
from quizapp.services.reports import reminders as reminders_mod
from quizapp.services.reports.units import concerns
from quizapp.web import links
from quizapp.web.access import breadcrumbs, user
from quizapp.web.reports.views import bp

REMIND_KINDS = (UnitKind.CHAPTER, UnitKind.GRASSROOTS)


def _unit_and_quiz(
    quiz_id: int, unit_id: int, action: Action = Action.VIEW_REPORTS
) -> tuple[Unit, Quiz]:
    unit = db.session.get(Unit, unit_id) or abort(404)
    policy.require(user(), action, unit)
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None or not concerns(quiz, unit) or unit.kind not in REMIND_KINDS:
        abort(404)
    return unit, quiz


def _member_in(unit: Unit, member_id: int, action: Action) -> Member:
    member = db.session.get(Member, member_id)
    if member is None or not member.active or not member.chapter.is_within(unit):
        abort(404)
    policy.require(user(), action, member.chapter)
    return member


def sign_in_link() -> str:
    """Where a member with a password goes: sign in, then their quizzes."""
    return links.site_url() + url_for("auth.login", next=url_for("member.home"))


def _link(row: reminders_mod.ToRemind, codes: dict[str, str]) -> str:
    if row.has_password:
        return sign_in_link()
    return links.activation_link(row.login, codes.get(row.login))


def _messages(quiz: Quiz, rows: list[reminders_mod.ToRemind], codes: dict[str, str]) -> list[dict]:
    template = reminders_mod.template_for(quiz)
    deadline = time_text(quiz.effective_closes_at)
    out = []
    for row in rows:
        link = _link(row, codes)
        out.append(
            {
                "row": row,
                "link": link,
                "has_code": row.login in codes,
                "text": reminders_mod.render(template, row.full_name, quiz.title, deadline, link),
            }
        )
    return out


def _page(unit: Unit, quiz: Quiz, codes: dict[str, str] | None = None):
    codes = codes or {}
    rows = reminders_mod.not_taken(quiz, unit)
    children = sorted(unit.children, key=lambda u: u.name)
    counts = reminders_mod.counts_for(quiz.id, [unit.id, *[c.id for c in children]])
    return render_template(
        "reports/reminders.html",
        unit=unit,
        quiz=quiz,
        items=_messages(quiz, rows, codes),
        counts=counts[unit.id],
        children=[(c, counts[c.id]) for c in children],
        codes_shown=bool(codes),
        can_codes=policy.can(user(), Action.MANAGE_ACCOUNTS, unit),
        crumbs=breadcrumbs(
            unit,
            Action.VIEW_REPORTS,
            lambda u: url_for("reports.unit_page", quiz_id=quiz.id, unit_id=u.id),
        ),
    )


@bp.get("/quizzes/<int:quiz_id>/units/<int:unit_id>/reminders")
def reminders(quiz_id: int, unit_id: int):
    """Members who have not taken part, each with a ready message to copy or share."""
    unit, quiz = _unit_and_quiz(quiz_id, unit_id)
    return _page(unit, quiz)


@bp.post("/quizzes/<int:quiz_id>/units/<int:unit_id>/reminders/codes")
def reminder_codes(quiz_id: int, unit_id: int):
    """Issue activation codes to every member of the unit without a password, and show the
    messages with their filled-in links (once: codes are stored hashed)."""
    unit, quiz = _unit_and_quiz(quiz_id, unit_id, Action.MANAGE_ACCOUNTS)
    batch = accounts.issue_codes_for_unit(unit, user(), now_utc())
    if batch.protected or batch.conflicts:
        flash(
            _(
                "Không cấp mã cho %(n)s tài khoản (giữ quyền cao hơn của bạn hoặc trùng tên đăng nhập).",
                n=len(batch.protected) + len(batch.conflicts),
            ),
            "warning",
        )
    return _page(unit, quiz, {s.login: s.code for s in batch.slips})


@bp.post("/quizzes/<int:quiz_id>/units/<int:unit_id>/reminders/<int:member_id>/code")
def reminder_code(quiz_id: int, unit_id: int, member_id: int):
    """Issue one member's activation code and show their message with the filled-in link."""
    unit, quiz = _unit_and_quiz(quiz_id, unit_id, Action.MANAGE_ACCOUNTS)
    member = _member_in(unit, member_id, Action.MANAGE_ACCOUNTS)
    if member.user is not None and member.user.password_hash is not None:
        flash(
            _("%(name)s đã có mật khẩu: tin nhắn dùng đường dẫn đăng nhập.", name=member.full_name),
            "info",
        )
        return _page(unit, quiz)
    try:
        slip = accounts.reset_member_password(member, user(), now_utc())
    except accounts.AccountError:
        flash(
            _(
                "Không cấp mã được cho %(name)s: tài khoản này giữ quyền cao hơn quyền của bạn.",
                name=member.full_name,
            ),
            "error",
        )
        return _page(unit, quiz)
    return _page(unit, quiz, {slip.login: slip.code})


@bp.post("/quizzes/<int:quiz_id>/units/<int:unit_id>/reminders/<int:member_id>/done")
def reminder_done(quiz_id: int, unit_id: int, member_id: int):
    """Mark the member reminded (who, when; counted each time)."""
    unit, quiz = _unit_and_quiz(quiz_id, unit_id)
    member = _member_in(unit, member_id, Action.VIEW_REPORTS)
    state = reminders_mod.mark_reminded(quiz, member, user(), now_utc())
    text = ngettext(
        "Đã nhắc %(num)s lần, lần gần nhất %(at)s",
        "Đã nhắc %(num)s lần, lần gần nhất %(at)s",
        state.count,
        at=time_text(state.last_reminded_at),
    )
    if request.headers.get("X-Requested-With") == "fetch":  # the page stays, with its links
        return jsonify({"count": state.count, "text": text})
    flash(_("Đã ghi nhận: đã nhắc %(name)s.", name=member.full_name), "success")
    return redirect(
        url_for("reports.reminders", quiz_id=quiz.id, unit_id=unit.id, _anchor=f"m-{member.id}")
    )


@bp.route("/quizzes/<int:quiz_id>/units/<int:unit_id>/reminders/sheet", methods=["GET", "POST"])
def reminder_sheet(quiz_id: int, unit_id: int):
    """A printable A4 sheet: one line per member with a QR code of their link. Sent by POST, the
    sheet issues activation codes first so that each QR code opens a filled-in form."""
    action = Action.MANAGE_ACCOUNTS if request.method == "POST" else Action.VIEW_REPORTS
    unit, quiz = _unit_and_quiz(quiz_id, unit_id, action)
    codes = {}
    if request.method == "POST":
        codes = {
            s.login: s.code for s in accounts.issue_codes_for_unit(unit, user(), now_utc()).slips
        }
    items = _messages(quiz, reminders_mod.not_taken(quiz, unit), codes)
    for item in items:
        item["qr"] = links.qr_svg(item["link"], _("Mã QR của %(name)s", name=item["row"].full_name))
    return render_template(
        "reports/reminder_sheet.html",
        unit=unit,
        quiz=quiz,
        items=items,
        with_codes=request.method == "POST",
        printed_at=now_utc(),
    )
