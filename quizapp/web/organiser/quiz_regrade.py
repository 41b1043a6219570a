"""Re-scoring a quiz with a corrected bank version: what would change first, then confirm."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import HiddenField

from quizapp.services.quizzes import regrade
from quizapp.web.forms import FlaskForm
from quizapp.web.organiser.common import now, record
from quizapp.web.organiser.quizzes import quiz_or_404
from quizapp.web.organiser.views import bp


class RegradeForm(FlaskForm):
    version = HiddenField()
    changes = HiddenField()  # how many attempts the preview said would change


def _version(quiz, number):
    versions = {v.number: v for v in quiz.bank_version.bank.versions}
    if number is None:
        return quiz.bank_version.bank.latest
    return versions.get(number) or abort(404)


@bp.get("/quizzes/<int:quiz_id>/regrade")
def quiz_regrade(quiz_id: int):
    """Which finished attempts a corrected version would re-score, and how (nothing is written)."""
    quiz = quiz_or_404(quiz_id)
    version = _version(quiz, request.args.get("version", type=int))
    try:
        report = regrade.regrade_quiz(quiz, version, now(), dry_run=True)
    except regrade.RegradeError as err:
        report, problem = None, str(err)
    else:
        problem = None
    form = RegradeForm(
        formdata=None, version=version.number, changes=len(report.changes) if report else 0
    )
    return render_template(
        "organiser/quiz_regrade.html",
        quiz=quiz,
        version=version,
        report=report,
        problem=problem,
        form=form,
        versions=quiz.bank_version.bank.versions,
    )


@bp.post("/quizzes/<int:quiz_id>/regrade")
def quiz_regrade_apply(quiz_id: int):
    """Re-score with the previewed version; refused if the outcome changed since the preview."""
    quiz = quiz_or_404(quiz_id)
    form = RegradeForm()
    if not form.validate_on_submit() or not (form.version.data or "").isdigit():
        abort(400)
    version = _version(quiz, int(form.version.data))
    before = {"bank_version": quiz.bank_version.number}
    preview = regrade.regrade_quiz(quiz, version, now(), dry_run=True)
    if str(len(preview.changes)) != form.changes.data:
        flash(
            _(
                "Kết quả đã thay đổi từ lúc bạn xem trước (có thêm bài được nộp). Hãy xem lại rồi xác nhận."
            ),
            "warning",
        )
        return redirect(url_for(".quiz_regrade", quiz_id=quiz.id, version=version.number))
    report = regrade.regrade_quiz(quiz, version, now())
    record(
        "quiz.regrade",
        quiz.audience_unit,
        target=f"quiz {quiz.id}: {quiz.title}",
        before=before,
        after={
            "bank_version": version.number,
            "checked": report.checked,
            "changed": len(report.changes),
            "keys_changed": report.keys_changed,
        },
    )
    flash(
        _(
            "Đã chấm lại %(n)d bài theo phiên bản %(v)d; %(c)d bài đổi điểm.",
            n=report.checked,
            v=version.number,
            c=len(report.changes),
        ),
        "success",
    )
    return redirect(url_for(".quiz_detail", quiz_id=quiz.id))
