"""Roster upload: file → preview of the differences (added / updated / moved / absent) → apply."""

from __future__ import annotations

import hashlib
import json

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField

from quizapp import policy
from quizapp.clock import to_local
from quizapp.extensions import db
from quizapp.models import Unit
from quizapp.policy import Action, Area
from quizapp.services import roster as roster_service
from quizapp.services import uploads
from quizapp.web.forms import FlaskForm
from quizapp.web.organiser.common import now, unit_choices, unit_or_404, user
from quizapp.web.organiser.fields import ChoiceField
from quizapp.web.organiser.views import bp

KIND = "roster"


class RosterUploadForm(FlaskForm):
    file = FileField(
        _l("Tệp danh sách đoàn viên (.xlsx hoặc .csv)"),
        validators=[FileRequired(_l("Hãy chọn tệp danh sách để tải lên."))],
    )
    unit = ChoiceField(
        _l("Đơn vị của danh sách"),
        coerce=int,
        invalid_message=_l("Hãy chọn một đơn vị thuộc phạm vi của bạn."),
    )
    create_units = BooleanField(
        _l("Tạo chi đoàn mới nếu trong tệp có chi đoàn chưa có trong hệ thống")
    )
    deactivate_missing = BooleanField(_l("Ngừng kích hoạt đoàn viên của đơn vị không có trong tệp"))


class ApplyForm(FlaskForm):
    digest = HiddenField()


def _require_roster_manager() -> None:
    if not policy.may_open(user(), Area.ROSTER_IMPORT):
        abort(403)


@bp.route("/roster/upload", methods=["GET", "POST"])
def roster_upload():
    """Choose the file, the unit it covers and the options; the next page shows the differences."""
    _require_roster_manager()
    form = RosterUploadForm()
    form.unit.choices = unit_choices(Action.MANAGE_ROSTER)
    if request.method == "GET" and (wanted := request.args.get("unit", type=int)) is not None:
        policy.require(user(), Action.MANAGE_ROSTER, unit_or_404(wanted))
        form.unit.data = wanted
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit.data)
        policy.require(user(), Action.MANAGE_ROSTER, unit)
        upload = form.file.data
        data = upload.read()
        # Read once, here: the preview and the confirmation use what was read, not the file.
        parsed = roster_service.parse_roster(
            upload.filename or "",
            data,
            max_rows=min(
                current_app.config["ROSTER_UPLOAD_MAX_ROWS"], current_app.config["ROSTER_MAX_ROWS"]
            ),
        )
        # The file itself is not kept: only what was read from it is used from now on.
        token = uploads.save(
            KIND,
            upload.filename or "",
            b"",
            user().id,
            now(),
            extra={
                "unit": unit.id,
                "create_units": bool(form.create_units.data),
                "deactivate_missing": bool(form.deactivate_missing.data),
            },
            parsed=roster_service.dump_parsed(parsed),
        )
        return redirect(url_for(".roster_preview", token=token))
    return render_template("organiser/roster_upload.html", form=form), 400 if form.errors else 200


def _plan(token: str):
    """The stored upload and its plan against the database as it is now."""
    _require_roster_manager()
    at = now()
    stored = uploads.load(token, KIND, user().id, at)
    if stored is None:
        return None, None, None
    unit = db.session.get(Unit, stored.extra.get("unit") or 0)
    if unit is None:
        abort(404)
    policy.require(user(), Action.MANAGE_ROSTER, unit)
    options = roster_service.RosterOptions(
        create_units=bool(stored.extra.get("create_units")),
        deactivate_missing=bool(stored.extra.get("deactivate_missing")),
        scope_unit=unit,
    )
    if stored.parsed is not None:
        parsed = roster_service.load_parsed(stored.parsed)
    else:  # kept before uploads kept their parsed rows (the two hours after an upgrade)
        parsed = roster_service.parse_roster(stored.filename, stored.data)
    plan = roster_service.plan_roster_import(parsed, options, today=to_local(at).date())
    return stored, unit, plan


def _digest(plan) -> str:
    """A fingerprint of what the preview showed, so applying refuses a plan that changed meanwhile."""
    report = plan.report
    data = json.dumps([report.summary(), report.units_created], sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def _gone():
    flash(_("Tệp tải lên không còn (đã quá hạn hoặc đã nhập). Hãy tải lên lại."), "error")
    return redirect(url_for(".roster_upload"))


@bp.get("/roster/upload/<token>")
def roster_preview(token: str):
    """The differences the file would make, and every error with its row and column."""
    stored, unit, plan = _plan(token)
    if stored is None:
        return _gone()
    form = ApplyForm(formdata=None, digest=_digest(plan))
    return render_template(
        "organiser/roster_preview.html",
        stored=stored,
        unit=unit,
        plan=plan,
        report=plan.report,
        form=form,
        field_label=roster_service.field_label,
    )


@bp.post("/roster/upload/<token>")
def roster_apply(token: str):
    """Apply the previewed roster in one transaction."""
    stored, unit, plan = _plan(token)
    form = ApplyForm()
    if stored is None or not form.validate_on_submit():
        return _gone()
    if not plan.ok:
        return redirect(url_for(".roster_preview", token=token))
    if form.digest.data != _digest(plan):
        flash(
            _(
                "Danh sách trong hệ thống đã thay đổi từ lúc bạn xem trước. Hãy xem lại các thay đổi rồi xác nhận."
            ),
            "warning",
        )
        return redirect(url_for(".roster_preview", token=token))
    report = roster_service.apply_roster_plan(plan, user(), now())
    uploads.discard(token)
    flash(
        _(
            "Đã nhập danh sách: thêm %(a)d, cập nhật %(u)d, chuyển chi đoàn %(m)d, ngừng kích hoạt %(d)d.",
            a=report.added,
            u=report.updated,
            m=report.moved,
            d=report.deactivated,
        ),
        "success",
    )
    return redirect(url_for(".members", unit=unit.id))
