"""JSON for the quiz page: autosave (one answer per request) and the attempt's saved state."""

from __future__ import annotations

from datetime import datetime

from flask import flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf

from quizapp import policy
from quizapp.clock import now_utc
from quizapp.models import Attempt, AttemptState
from quizapp.security import session_member_id
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.attempts import views as attempt_views
from quizapp.web.access import user
from quizapp.web.member.views import bp
from quizapp.web.transaction import writes

# Refusals the page shows as they are; "finished"/"too_late" end the attempt on the page.
STATUS = {"finished": 409, "too_late": 409, "bad_question": 400, "bad_answer": 400, "bad_seq": 400}


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def _clock(attempt: Attempt, now: datetime) -> dict:
    """Server time and deadline, so the countdown is right whatever the phone's clock says."""
    return _clock_of(attempt.id, attempt.deadline, attempt.state, now)


def _clock_of(attempt_id: int, deadline: datetime, state: str, now: datetime) -> dict:
    return {
        "server_time_ms": _ms(now),
        "deadline_ms": _ms(deadline),
        "grace_ms": attempts.grace_seconds() * 1000,
        "state": state,
        "result_url": url_for("member.result", attempt_id=attempt_id),
    }


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _error(code: str, message: str, status: int, extra: dict | None = None):
    return jsonify({"ok": False, "error": code, "message": message, **(extra or {})}), status


@bp.errorhandler(CSRFError)
def csrf_refused(err):
    """A JSON client gets JSON; a page gets a short explanation."""
    message = _(
        "Phiên làm việc đã hết hạn. Hãy tải lại trang; câu trả lời vẫn được giữ trên máy này."
    )
    if request.path.startswith(url_for("member.home") + "api/"):
        return _error("csrf", message, 400)
    flash(message, "error")
    return redirect(url_for("member.home"))


@bp.post("/api/answers")
def save_answer():
    """Autosave: {attempt, question, answer, seq, flagged} (question "prediction" for the guess).
    Committed before the reply (the request's unit of work); the newest seq per question wins.

    An answer written is two statements: the member of the session and the save itself
    (`quick_save_answer`); whatever that path does not write (a refusal, the prediction,
    a session Flask-Login must restore) takes the full path below, which says why."""
    data = request.get_json(silent=True)
    if isinstance(data, dict) and _is_int(data.get("attempt")) and _is_int(data.get("question")):
        member_id = session_member_id()
        if member_id is not None:
            now = now_utc()
            saved = attempts.quick_save_answer(
                member_id,
                data["attempt"],
                data["question"],
                data.get("answer"),
                data.get("seq"),
                bool(data.get("flagged")),
                now,
            )
            if saved is not None:
                return jsonify(
                    {
                        "ok": True,
                        "question": saved.question_id,
                        "seq": saved.stored_seq,
                        "kept": saved.accepted,
                        **_clock_of(data["attempt"], saved.deadline, AttemptState.IN_PROGRESS, now),
                    }
                )
    return _save_answer_full(data)


def _save_answer_full(data):
    if not current_user.is_authenticated:
        return _error(
            "login", _("Bạn cần đăng nhập lại; câu trả lời vẫn được giữ trên máy này."), 401
        )
    if not isinstance(data, dict):
        return _error("bad_request", _("Yêu cầu không hợp lệ."), 400)
    attempt = policy.owned_attempt(user(), data.get("attempt"))
    if attempt is None:
        return _error("not_found", _("Không tìm thấy bài làm."), 404)
    now = now_utc()
    question = data.get("question")
    try:
        if question == "prediction":
            attempts.save_prediction(attempt, data.get("answer"), now)
            body = {"ok": True, "question": "prediction", "seq": data.get("seq"), "kept": True}
        elif isinstance(question, int) and not isinstance(question, bool):
            saved = attempts.save_answer(
                attempt,
                question,
                data.get("answer"),
                data.get("seq"),
                bool(data.get("flagged")),
                now,
            )
            body = {
                "ok": True,
                "question": saved.question_id,
                "seq": saved.stored_seq,
                "kept": saved.accepted,
            }
        else:
            return _error("bad_question", _("Câu hỏi này không thuộc bài làm của bạn."), 400)
    except attempts.AttemptError as err:
        # Answered normally, so a finalisation triggered by the late save is committed too.
        return _error(err.code, err.message, STATUS.get(err.code, 400), _clock(attempt, now))
    return jsonify({**body, **_clock(attempt, now)})


@bp.get("/api/attempts/<int:attempt_id>")
@writes
def attempt_state(attempt_id: int):
    """The server's time, deadline, state and saved answers: what the quiz page needs besides its
    questions (the service worker opens a kept page with it; the page resyncs with it). Nobody
    signed in is told so (401), unlike another account's attempt (404): the worker drops the
    phone's pages for the first, only that page for the second."""
    if not current_user.is_authenticated:
        return _error(
            "login", _("Bạn cần đăng nhập lại; câu trả lời vẫn được giữ trên máy này."), 401
        )
    attempt = policy.owned_attempt(user(), attempt_id)
    if attempt is None:
        return _error("not_found", _("Không tìm thấy bài làm."), 404)
    now = now_utc()
    attempts.finalise_overdue(attempt, now)
    return jsonify(
        {
            "ok": True,
            "answers": attempt_views.saved_state(attempt),
            "position": attempt.position,
            "csrf": generate_csrf(),
            **_clock(attempt, now),
        }
    )
