"""The audit log per unit, on screen and as CSV/XLSX."""
from __future__ import annotations

import json

from flask import abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from quizapp import policy
from quizapp.policy import Action
from quizapp.services import audit, exports
from quizapp.web.access import breadcrumbs, top_units
from quizapp.web.organiser.common import unit_choices, unit_or_404, user
from quizapp.web.organiser.views import bp

PAGE_SIZE = 100
EXPORT_LIMIT = 100_000

ACTION_LABELS = {
    "grant.add": _l("Cấp quyền"),
    "grant.revoke": _l("Thu hồi quyền"),
    "activation_code": _l("Tạo mã kích hoạt cho đoàn viên"),
    "activation_codes": _l("Tạo mã kích hoạt cho cả đơn vị"),
    "password_reset": _l("Đặt lại mật khẩu"),
    "member.edit": _l("Sửa thông tin đoàn viên"),
    "member.move": _l("Chuyển chi đoàn"),
    "member.deactivate": _l("Ngừng kích hoạt đoàn viên"),
    "member.reactivate": _l("Kích hoạt lại đoàn viên"),
    "roster_import": _l("Nhập danh sách đoàn viên"),
    "bank.import": _l("Nhập ngân hàng câu hỏi"),
    "quiz.create": _l("Tạo đợt kiểm tra"),
    "quiz.update": _l("Sửa đợt kiểm tra"),
    "quiz.duplicate": _l("Nhân bản đợt kiểm tra"),
    "quiz.close_early": _l("Đóng sớm đợt kiểm tra"),
    "allowance.set": _l("Cộng thêm thời gian hoặc lượt làm bài"),
    "attempt.reopen": _l("Mở lại bài làm"),
    "quiz.regrade": _l("Chấm lại theo phiên bản đã sửa"),
}


def action_label(code: str) -> str:
    """The Vietnamese name of an audited action (the code itself when unknown)."""
    label = ACTION_LABELS.get(code)
    return str(label) if label else code


def _compact(value) -> str:
    if not value:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _audit_unit():
    """The unit whose log is shown: from ?unit= (in scope), else the user's first root; None = all (admin)."""
    raw = request.args.get("unit", type=int)
    if raw is not None:
        unit = unit_or_404(raw)
        policy.require(user(), Action.VIEW_AUDIT, unit)
        return unit
    if policy.is_admin(user()):
        return None
    roots = policy.scope_roots(user(), Action.VIEW_AUDIT)
    if not roots:
        abort(403)
    return roots[0]


@bp.get("/audit")
def audit_log():
    """Newest actions on a unit's subtree, a page at a time."""
    unit = _audit_unit()
    page = max(1, request.args.get("page", 1, type=int))
    entries = audit.entries_for_unit(unit, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return render_template(
        "organiser/audit.html", unit=unit, entries=entries[:PAGE_SIZE], page=page,
        has_next=len(entries) > PAGE_SIZE, action_label=action_label, compact=_compact,
        units=unit_choices(Action.VIEW_AUDIT), roots=top_units(Action.VIEW_AUDIT),
        crumbs=breadcrumbs(unit, Action.VIEW_AUDIT, lambda u: url_for(".audit_log", unit=u.id)),
    )


def audit_table(unit) -> tuple[list[str], list[list]]:
    """The log as (headers, rows) for exports."""
    headers = [str(_l("Thời gian")), str(_l("Người thực hiện")), str(_l("Thao tác")), str(_l("Mã thao tác")),
               str(_l("Đơn vị")), str(_l("Đối tượng")), str(_l("Trước")), str(_l("Sau"))]
    rows = [[e.at, e.actor.login if e.actor else "", action_label(e.action), e.action,
             e.unit.name if e.unit else "", e.target, _compact(e.before), _compact(e.after)]
            for e in audit.entries_for_unit(unit, limit=EXPORT_LIMIT)]
    return headers, rows


@bp.get("/audit/export.<fmt>")
def audit_export(fmt: str):
    """Download the unit's log as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    unit = _audit_unit()
    headers, rows = audit_table(unit)
    name = f"nhat-ky-{unit.code if unit else 'tat-ca'}"
    return exports.as_download(fmt, headers, rows, name, title=str(_l("Nhật ký thao tác")))
