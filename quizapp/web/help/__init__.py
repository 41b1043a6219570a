"""In-product help: one guide per role (member, secretary, organiser), a printable A4 sheet for
members, and the roster template the upload page links to. Everything here is public: the guides
hold no data, and a member reads theirs before they can sign in."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask_login import current_user

from quizapp import policy
from quizapp.policy import Action

bp = Blueprint("help", __name__, url_prefix="/help")

# Guide slug → template; the order is the order of the tabs.
GUIDES = ("member", "secretary", "organiser")

# Every screenshot a guide may show: name → (viewport, what it shows). The browser test
# tests/browser/test_help_screenshots.py makes each one; `make screenshots` saves them here.
SCREENSHOT_FOLDER = "help"

# The roster columns docs/roster-format.md documents, with one example row.
ROSTER_TEMPLATE = (
    (
        "STT",
        "Mã đoàn viên",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Dân tộc",
        "Số điện thoại",
        "Email",
        "Chi đoàn",
        "Cán bộ đoàn",
    ),
    (
        "1",
        "SL000123",
        "Lò Thị Mai",
        "15/08/2001",
        "Nữ",
        "Thái",
        "0912345678",
        "",
        "Chi đoàn bản Nà Sản",
        "x",
    ),
)


def guide_for(user) -> str:
    """The guide a reader needs first: organisers (banks, quizzes), secretaries (reports,
    slips), everyone else the member's guide."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "member"
    if policy.can_anywhere(user, Action.MANAGE_QUIZZES) or policy.can_anywhere(
        user, Action.MANAGE_BANKS
    ):
        return "organiser"
    if policy.can_anywhere(user, Action.VIEW_REPORTS) or policy.can_anywhere(
        user, Action.MANAGE_ACCOUNTS
    ):
        return "secretary"
    return "member"


@bp.get("/")
def index():
    """Open the guide for the reader's role."""
    return redirect(url_for("help.guide", name=guide_for(current_user)))


@bp.get("/<name>")
def guide(name: str):
    """One role's guide, with the other guides one click away."""
    if name not in GUIDES:
        abort(404)
    return render_template(
        f"help/{name}.html", guide=name, guides=GUIDES, mine=guide_for(current_user)
    )


@bp.get("/member/print")
def member_print():
    """The one-page A4 member guide secretaries print and hand out with the slips."""
    return render_template("help/member_print.html")


@bp.get("/mau-danh-sach-doan-vien.csv")
def roster_template():
    """An empty roster in CSV UTF-8 (with BOM, so Excel reads the diacritics), one example row."""
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out, lineterminator="\r\n").writerows(ROSTER_TEMPLATE)
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=mau-danh-sach-doan-vien.csv"},
    )
