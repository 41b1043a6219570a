"""The audit log per unit, on screen and as CSV/XLSX."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp import policy
from quizapp.formatting import time_text
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
    "contest.prizes": _l("Đặt số giải của vòng thi"),
    "contest.prediction_answer": _l("Đặt đáp án câu hỏi dự đoán"),
    "contest.publish": _l("Công bố kết quả vòng thi"),
    "contest.unpublish": _l("Thôi công bố kết quả vòng thi"),
    "contest.rules": _l("Sửa quy tắc xếp hạng của cuộc thi"),
    "contest.create": _l("Tạo cuộc thi"),
    "contest.add_round": _l("Thêm vòng thi"),
    "contest.remove_round": _l("Gỡ vòng thi khỏi cuộc thi"),
}


FIELD_LABELS = {
    # quizzes
    "title": _l("Tên đợt"),
    "description": _l("Mô tả"),
    "bank_version": _l("Phiên bản ngân hàng"),
    "audience": _l("Đơn vị dự thi"),
    "opens_at": _l("Mở lúc"),
    "closes_at": _l("Đóng lúc"),
    "time_limit_seconds": _l("Thời gian làm bài"),
    "draw_rules": _l("Số câu mỗi lượt"),
    "shuffle_questions": _l("Trộn câu hỏi"),
    "shuffle_options": _l("Trộn phương án"),
    "attempts_allowed": _l("Số lượt làm bài"),
    "pass_mark": _l("Điểm đạt (%)"),
    "grading_policy": _l("Cách tính điểm"),
    "review_policy": _l("Xem lại bài"),
    "target_rate": _l("Chỉ tiêu tham gia (%)"),
    "target_date": _l("Hạn hoàn thành chỉ tiêu"),
    "prediction_question": _l("Câu hỏi dự đoán"),
    "prediction_answer": _l("Đáp án câu dự đoán"),
    "closed_early_at": _l("Đóng sớm lúc"),
    "from_quiz": _l("Nhân bản từ đợt số"),
    "extra_seconds": _l("Thời gian cộng thêm"),
    "extra_attempts": _l("Lượt làm thêm"),
    "state": _l("Trạng thái bài"),
    "deadline": _l("Hạn nộp"),
    "score": _l("Điểm"),
    "percent": _l("Tỉ lệ đúng (%)"),
    "checked": _l("Số bài đã chấm lại"),
    "changed": _l("Số bài đổi điểm"),
    "keys_changed": _l("Câu đổi đáp án"),
    # banks
    "bank": _l("Ngân hàng"),
    "version": _l("Phiên bản"),
    "questions": _l("Số câu hỏi"),
    "file": _l("Tệp"),
    "sha256": _l("Mã kiểm tra tệp (SHA-256)"),
    # people and members
    "role": _l("Vai trò"),
    "unit": _l("Đơn vị"),
    "codes": _l("Số mã đã tạo"),
    "conflicts": _l("Trùng tên đăng nhập"),
    "full_name": _l("Họ và tên"),
    "birth_date": _l("Ngày sinh"),
    "gender": _l("Giới tính"),
    "ethnicity": _l("Dân tộc"),
    "phone": _l("Số điện thoại"),
    "email": _l("Thư điện tử"),
    "is_cadre": _l("Cán bộ đoàn"),
    "chapter": _l("Mã chi đoàn"),
    "chapter_name": _l("Chi đoàn"),
    "active": _l("Đang sinh hoạt"),
    # roster imports
    "rows": _l("Số dòng"),
    "added": _l("Thêm mới"),
    "updated": _l("Cập nhật"),
    "moved": _l("Chuyển chi đoàn"),
    "reactivated": _l("Kích hoạt lại"),
    "unchanged": _l("Không đổi"),
    "absent": _l("Không có trong tệp"),
    "deactivated": _l("Ngừng kích hoạt"),
    "units_created": _l("Đơn vị tạo mới"),
    "errors": _l("Lỗi"),
    "warnings": _l("Cảnh báo"),
    "create_units": _l("Tự tạo đơn vị"),
    "deactivate_missing": _l("Ngừng người vắng"),
    # contests
    "contest": _l("Cuộc thi"),
    "quiz": _l("Đợt kiểm tra"),
    "label": _l("Tên vòng"),
    "position": _l("Thứ tự vòng"),
    "first_prizes": _l("Số giải nhất"),
    "second_prizes": _l("Số giải nhì"),
    "third_prizes": _l("Số giải ba"),
    "consolation_prizes": _l("Số giải khuyến khích"),
    "results_published_at": _l("Công bố kết quả lúc"),
    "source": _l("Cách có đáp án"),
    "use_prediction": _l("Xếp theo câu hỏi dự đoán"),
    "use_time": _l("Xếp theo thời gian làm bài"),
    "one_prize_per_contest": _l("Một giải mỗi người cả cuộc thi"),
}


# Logged machine values of a field, as a person reads them.
VALUE_LABELS = {
    "source": {
        "participants": _l("Số người tham gia"),
        "perfect": _l("Số người trả lời đúng tất cả"),
        "manual": _l("Ban tổ chức nhập"),
    },
}


def _show(value, key: str = "") -> str:
    """One logged value as a person reads it: times in Vietnam time, durations in minutes,
    yes/no, lists joined."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, str) and value in VALUE_LABELS.get(key, {}):
        return str(VALUE_LABELS[key][value])
    if key.endswith("_seconds") and isinstance(value, int) and not isinstance(value, bool):
        return (
            _("%(n)s phút", n=round(value / 60, 1))
            if value % 60
            else _("%(n)d phút", n=value // 60)
        )
    if isinstance(value, bool):
        return str(_l("Có")) if value else str(_l("Không"))
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_show(v)}" for k, v in value.items())
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return time_text(moment.replace(tzinfo=moment.tzinfo or UTC))
    return str(value)


def changes(entry) -> list[tuple[str, str, str | None]]:
    """(field label, before, after) for each field the entry changed; a creation has no before
    (None), and fields that stayed the same are left out."""
    before, after = entry.before or {}, entry.after or {}
    rows = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        label = str(FIELD_LABELS.get(key, key))
        if key not in after:
            rows.append((label, _show(old, key), None))
        else:
            rows.append((label, _show(old, key) if key in before else "", _show(new, key)))
    return rows


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
        "organiser/audit.html",
        unit=unit,
        entries=entries[:PAGE_SIZE],
        page=page,
        has_next=len(entries) > PAGE_SIZE,
        action_label=action_label,
        changes=changes,
        units=unit_choices(Action.VIEW_AUDIT),
        roots=top_units(Action.VIEW_AUDIT),
        crumbs=breadcrumbs(unit, Action.VIEW_AUDIT, lambda u: url_for(".audit_log", unit=u.id)),
    )


def audit_table(unit) -> tuple[list[str], list[list]]:
    """The log as (headers, rows) for exports."""
    headers = [
        str(_l("Thời gian")),
        str(_l("Người thực hiện")),
        str(_l("Thao tác")),
        str(_l("Mã thao tác")),
        str(_l("Đơn vị")),
        str(_l("Đối tượng")),
        str(_l("Trước")),
        str(_l("Sau")),
    ]
    rows = [
        [
            e.at,
            e.actor.login if e.actor else "",
            action_label(e.action),
            e.action,
            e.unit.name if e.unit else "",
            e.target,
            _compact(e.before),
            _compact(e.after),
        ]
        for e in audit.entries_for_unit(unit, limit=EXPORT_LIMIT)
    ]
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
