"""The quiz's reminder message, which secretaries send from their phones to members not yet in."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from quizapp.services.reports import reminders
from quizapp.web.organiser.common import now, user
from quizapp.web.organiser.quizzes import quiz_or_404
from quizapp.web.organiser.views import bp


def error_text(error: reminders.ReminderError) -> str:
    """What was wrong with the template, in the user's language."""
    return {
        "empty": _("Hãy nhập nội dung tin nhắn."),
        "too_long": _("Tin nhắn dài tối đa %(n)s ký tự.", n=reminders.MAX_TEMPLATE),
        "braces": _(
            "Dấu ngoặc nhọn { } chỉ dùng cho các chỗ điền: {ten}, {dot}, {han}, {lien_ket}."
        ),
        "unknown": _(
            "Không có chỗ điền «{%(name)s}». Chỉ dùng: {ten}, {dot}, {han}, {lien_ket}.",
            name=error.detail,
        ),
        "no_link": _("Tin nhắn cần có {lien_ket}: đường dẫn riêng của từng đoàn viên."),
    }[error.reason]


@bp.route("/quizzes/<int:quiz_id>/reminder", methods=["GET", "POST"])
def quiz_reminder(quiz_id: int):
    """Edit the reminder message; an empty one goes back to the default."""
    quiz = quiz_or_404(quiz_id)
    text = reminders.template_for(quiz)
    error = None
    if request.method == "POST":
        text = request.form.get("template", "")
        try:
            reminders.set_template(quiz, text, user(), now())
        except reminders.ReminderError as failure:
            error = error_text(failure)  # the typed text stays in the box
        else:
            flash(_("Đã lưu tin nhắn nhắc nhở."), "success")
            return redirect(url_for(".quiz_detail", quiz_id=quiz.id))
    sample = None
    if error is None:
        sample = reminders.render(text, "Nguyễn Văn An", quiz.title, "…", "https://…")
    return render_template(
        "organiser/quiz_reminder.html",
        quiz=quiz,
        text=text,
        error=error,
        default=reminders.default_template(),
        sample=sample,
        is_default=quiz.reminder_template is None,
    ), 400 if error else 200
