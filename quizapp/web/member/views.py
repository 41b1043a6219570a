"""Member pages: quiz list, the quiz itself (with a plain-form fallback), submit, result, history."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from quizapp.clock import now_utc
from quizapp.extensions import db, limiter
from quizapp.models import Attempt, Member, QuestionType, Quiz
from quizapp.services.attempts import certificates, grading
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.attempts import views as attempt_views
from quizapp.web.access import own_attempt_or_404
from quizapp.web.transaction import writes

bp = Blueprint("member", __name__, url_prefix="/m")


def member_or_403() -> Member:
    """The signed-in user's roster row; staff-only accounts take no quizzes."""
    member = current_user.member if current_user.is_authenticated else None
    if member is None:
        abort(403)
    return member


def go(endpoint: str, attempt_id: int):
    """Redirect to an attempt page."""
    return redirect(url_for(endpoint, attempt_id=attempt_id))


def finalise_if_overdue(attempt: Attempt) -> bool:
    """Finalise an attempt past deadline + grace; True when it is finished now.

    Called by GET pages marked @writes: the request's unit of work commits the finalisation."""
    if attempts.finalise_overdue(attempt, now_utc()):
        flash(_("Đã hết giờ: bài của bạn đã được nộp với các câu trả lời đã lưu."), "info")
        return True
    return attempt.is_finished


@bp.get("/")
@writes
@login_required
def home():
    """The quizzes open to me, with my status in each."""
    member = member_or_403()
    now = now_utc()
    attempts.finalise_overdue(
        attempts.overdue_query(now).where(Attempt.member_id == member.id), now
    )
    response = make_response(
        render_template("member/home.html", cards=attempt_views.quiz_cards(member, now))
    )
    response.headers["X-Quizapp-Cache"] = "home"  # the home-screen icon opens it offline too
    return response


@bp.post("/quizzes/<int:quiz_id>/start")
@login_required
def start(quiz_id: int):
    """Start an attempt (or resume the one in progress) and open its first question."""
    member = member_or_403()
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None or not attempts.in_audience(quiz, member):
        abort(404)
    try:
        attempt = attempts.start_attempt(quiz, member, now_utc())
    except attempts.AttemptError as err:
        # Answered normally, so an overdue attempt finalised on the way stays finalised.
        flash(err.message, "error")
        return redirect(url_for("member.home"))
    return go("member.attempt", attempt.id)


@bp.get("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    """The quiz: one question per screen with JavaScript, one long form without. Only reads (so a
    crowd opening it at once never queues for the write lock): an attempt past its deadline and
    grace goes to the result page, which finalises it."""
    attempt = own_attempt_or_404(attempt_id)
    now = now_utc()
    if attempt.is_finished or attempts.is_overdue(attempt, now):
        return go("member.result", attempt_id)
    screens = attempt_views.screens(attempt)
    response = make_response(
        render_template(
            "member/attempt.html",
            attempt=attempt,
            quiz=attempt.quiz,
            screens=screens,
            now=now,
            seconds_left=attempts.seconds_left(attempt, now),
            grace=attempts.grace_seconds(),
            resume=attempt_views.resume_position(attempt, screens),
            QuestionType=QuestionType,
        )
    )
    response.headers["X-Quizapp-Cache"] = (
        "attempt"  # the service worker keeps it for offline reloads
    )
    return response


def _posted_answer(question, qid: int):
    if question.qtype == QuestionType.MULTIPLE:
        return request.form.getlist(f"a{qid}")
    return request.form.get(f"a{qid}")


@bp.post("/attempts/<int:attempt_id>")
@login_required
def save_form(attempt_id: int):
    """The plain-form save (no JavaScript): store what changed, then go on or to the submit page."""
    attempt = own_attempt_or_404(attempt_id)
    if attempt.is_finished:
        return go("member.result", attempt_id)
    now, posted = now_utc(), set(request.form.getlist("q"))
    try:
        for screen in attempt_views.screens(attempt):
            qid = screen.question.id
            if str(qid) not in posted:
                continue
            raw, flagged = _posted_answer(screen.question, qid), f"f{qid}" in request.form
            try:
                answer = grading.clean_answer(screen.question, raw)
            except grading.AnswerError:
                flash(
                    _("Câu %(n)d: câu trả lời không hợp lệ, chưa được lưu.", n=screen.position),
                    "error",
                )
                continue
            if (answer, flagged) != (screen.answer, screen.flagged):
                attempts.save_answer(attempt, qid, answer, screen.seq + 1, flagged, now)
        if attempt.quiz.prediction_question and "prediction" in request.form:
            attempts.save_prediction(attempt, request.form["prediction"].strip(), now)
    except attempts.AttemptError as err:
        flash(err.message, "error")
        return go("member.result" if attempt.is_finished else "member.attempt", attempt_id)
    if request.form.get("action") == "submit":
        return go("member.confirm_submit", attempt_id)
    flash(_("Đã lưu câu trả lời."), "success")
    return go("member.attempt", attempt_id)


@bp.get("/attempts/<int:attempt_id>/submit")
@writes
@login_required
def confirm_submit(attempt_id: int):
    """Ask for confirmation, listing unanswered and flagged questions."""
    attempt = own_attempt_or_404(attempt_id)
    if finalise_if_overdue(attempt):
        return go("member.result", attempt_id)
    empty, flagged = attempt_views.unanswered(attempt)
    return render_template(
        "member/submit.html",
        attempt=attempt,
        empty=empty,
        flagged=flagged,
        seconds_left=attempts.seconds_left(attempt, now_utc()),
    )


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int):
    """Submit: the attempt is finalised once, whatever else is racing it."""
    attempt = own_attempt_or_404(attempt_id)
    if attempts.submit_attempt(attempt, now_utc()):
        flash(_("Đã nộp bài."), "success")
    return go("member.result", attempt_id)


@bp.get("/attempts/<int:attempt_id>/result")
@writes
@login_required
def result(attempt_id: int):
    """Score, pass or fail, time taken and the review the quiz's policy allows."""
    attempt = own_attempt_or_404(attempt_id)
    if not finalise_if_overdue(attempt):
        return go("member.attempt", attempt_id)
    now = now_utc()
    level, rows = attempt_views.review(attempt, now)
    return render_template(
        "member/result.html",
        attempt=attempt,
        quiz=attempt.quiz,
        level=level,
        rows=rows,
        taken=attempt_views.time_taken_seconds(attempt),
        may_retake=attempt_views.may_retake(attempt, now),
    )


@bp.get("/history")
@login_required
def history():
    """All my attempts, newest first."""
    return render_template("member/history.html", attempts=attempt_views.history(member_or_403()))


@bp.get("/attempts/<int:attempt_id>/certificate")
@login_required
def certificate(attempt_id: int):
    """A printable A4 certificate for a passed attempt."""
    attempt = own_attempt_or_404(attempt_id)
    cert = certificates.certificate_of(attempt)
    if cert is None or not cert.valid:
        abort(404)
    return render_template(
        "member/certificate.html", cert=cert, verify_url=url_for("member.verify", _external=True)
    )


@bp.get("/verify")
@limiter.limit("30 per minute")
def verify():
    """Public: anyone holding a certificate code can check that it is genuine (no sign-in)."""
    code = request.args.get("code", "").strip()
    cert = certificates.verify(code) if code else None
    return render_template("member/verify.html", code=code, cert=cert)
