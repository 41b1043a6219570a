"""One member on one quiz: their attempts, extra time or attempts, reopening an attempt."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from quizapp import formatting, policy
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, Member, Quiz
from quizapp.policy import Action
from quizapp.services.attempts import lifecycle as attempt_service
from quizapp.services.quizzes import overrides as quiz_overrides
from quizapp.web.organiser.common import now, user
from quizapp.web.organiser.quiz_forms import AllowanceForm, MemberLookupForm, ReopenForm
from quizapp.web.organiser.quizzes import quiz_or_404
from quizapp.web.organiser.views import bp


def _member_for_quiz(quiz: Quiz, member: Member | None) -> Member | None:
    """The member when they are in the quiz's audience and in the user's scope."""
    if member is None or not member.chapter.is_within(quiz.audience_unit):
        return None
    return member if policy.can(user(), Action.MANAGE_QUIZZES, member.chapter) else None


def _member_or_404(quiz: Quiz, member_id: int) -> Member:
    member = db.session.get(Member, member_id) or abort(404)
    if not policy.can(user(), Action.MANAGE_QUIZZES, member.chapter):
        abort(403)
    if not member.chapter.is_within(quiz.audience_unit):
        abort(404)
    return member


@bp.get("/quizzes/<int:quiz_id>/lookup")
def quiz_member_lookup(quiz_id: int):
    """Find a member of the audience by code and open their page for this quiz."""
    quiz = quiz_or_404(quiz_id)
    form = MemberLookupForm(request.args)
    if form.validate():
        code = "".join(form.code.data.split())
        member = _member_for_quiz(
            quiz, db.session.scalar(select(Member).where(Member.code == code))
        )
        if member is not None:
            return redirect(url_for(".quiz_member", quiz_id=quiz.id, member_id=member.id))
        form.code.errors.append(_("Không có đoàn viên mã %(code)s trong đơn vị dự thi.", code=code))
    return render_template("organiser/quiz_lookup.html", quiz=quiz, form=form), 404


def _render(quiz: Quiz, member: Member, form: AllowanceForm, status: int = 200):
    attempts = list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.quiz_id == quiz.id, Attempt.member_id == member.id)
            .order_by(Attempt.number)
        )
    )
    return render_template(
        "organiser/quiz_member.html",
        quiz=quiz,
        member=member,
        attempts=attempts,
        form=form,
        reopen=ReopenForm(formdata=None),
        allowed=attempt_service.attempts_allowed_for(quiz, member),
        AttemptState=AttemptState,
        now=now(),
    ), status


@bp.get("/quizzes/<int:quiz_id>/members/<int:member_id>")
def quiz_member(quiz_id: int, member_id: int):
    """A member's attempts on the quiz, with the forms that change them."""
    quiz = quiz_or_404(quiz_id)
    member = _member_or_404(quiz, member_id)
    form = AllowanceForm(formdata=None)
    allowance = attempt_service.allowance_for(quiz, member)
    if allowance is not None:
        form.extra_minutes.data = allowance.extra_seconds // 60
        form.extra_attempts.data = allowance.extra_attempts
    return _render(quiz, member, form)


@bp.post("/quizzes/<int:quiz_id>/members/<int:member_id>/allowance")
def quiz_allowance(quiz_id: int, member_id: int):
    """Give the member extra time and/or extra attempts on this quiz."""
    quiz = quiz_or_404(quiz_id)
    member = _member_or_404(quiz, member_id)
    form = AllowanceForm()
    if not form.validate_on_submit():
        return _render(quiz, member, form, 400)
    quiz_overrides.grant_allowance(
        quiz,
        member,
        user(),
        now(),
        extra_seconds=form.extra_minutes.data * 60,
        extra_attempts=form.extra_attempts.data,
    )
    flash(
        _(
            "Đã lưu: %(name)s được cộng %(m)d phút và %(a)d lượt làm bài.",
            name=member.full_name,
            m=form.extra_minutes.data,
            a=form.extra_attempts.data,
        ),
        "success",
    )
    return redirect(url_for(".quiz_member", quiz_id=quiz.id, member_id=member.id))


@bp.post("/quizzes/<int:quiz_id>/attempts/<int:attempt_id>/reopen")
def quiz_reopen(quiz_id: int, attempt_id: int):
    """Let the member continue an attempt that was finalised by mistake."""
    quiz = quiz_or_404(quiz_id)
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.quiz_id != quiz.id:
        abort(404)
    member = _member_or_404(quiz, attempt.member_id)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            quiz_overrides.reopen_attempt(attempt, user(), now(), form.minutes.data * 60)
        except attempt_service.AttemptError as err:
            flash(err.message, "error")
        else:
            flash(
                _(
                    "Đã mở lại lượt làm bài số %(n)d đến %(at)s.",
                    n=attempt.number,
                    at=_local(attempt.deadline),
                ),
                "success",
            )
    else:
        for error in form.minutes.errors:
            flash(error, "error")
    return redirect(url_for(".quiz_member", quiz_id=quiz.id, member_id=member.id))


def _local(value) -> str:
    return formatting.time_text(value)
