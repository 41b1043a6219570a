"""Exceptions to a quiz's rules for one member — extra time or attempts, a reopened attempt — audited.

The console and the CLI both call these, so every such exception leaves the same
audit entry whoever made it (actor None: the command line). There is no unaudited
way to do either. Flush, never commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, Member, Quiz, QuizAllowance, User
from quizapp.services import audit
from quizapp.services.attempts import lifecycle
from quizapp.services.attempts.lifecycle import AttemptError
from quizapp.services.reports import participation


def grant_allowance(
    quiz: Quiz,
    member: Member,
    actor: User | None,
    now: datetime,
    *,
    extra_seconds: int = 0,
    extra_attempts: int = 0,
) -> QuizAllowance:
    """Set the member's extra time and attempts on the quiz and audit the change (AttemptError when negative)."""
    old = lifecycle.allowance_for(quiz, member)
    before = (
        {"extra_seconds": old.extra_seconds, "extra_attempts": old.extra_attempts} if old else None
    )
    allowance = _set_allowance(quiz, member, now, extra_seconds, extra_attempts)
    audit.record(
        actor,
        "allowance.set",
        member.chapter,
        now,
        target=f"quiz {quiz.id} / {member.code}",
        before=before,
        after={
            "extra_seconds": allowance.extra_seconds,
            "extra_attempts": allowance.extra_attempts,
        },
    )
    return allowance


def reopen_attempt(attempt: Attempt, actor: User | None, now: datetime, seconds: int) -> Attempt:
    """Let the member continue a finished attempt for `seconds` more and audit it (AttemptError when it cannot)."""
    before = {
        "state": attempt.state,
        "score": attempt.score,
        "percent": attempt.percent,
        "finished_at": attempt.finished_at,
    }
    _reopen(attempt, now, seconds)
    member = attempt.member
    audit.record(
        actor,
        "attempt.reopen",
        member.chapter,
        now,
        target=f"quiz {attempt.quiz_id} / {member.code} / #{attempt.number}",
        before=before,
        after={"state": attempt.state, "deadline": attempt.deadline},
    )
    return attempt


def _set_allowance(
    quiz: Quiz, member: Member, now: datetime, extra_seconds: int, extra_attempts: int
) -> QuizAllowance:
    """Set the allowance; an attempt in progress gets the new time at once."""
    if extra_seconds < 0 or extra_attempts < 0:
        raise AttemptError("bad_allowance", _("Thời gian và số lượt cộng thêm không được âm."))
    allowance = lifecycle.allowance_for(quiz, member)
    if allowance is None:
        allowance = QuizAllowance(quiz_id=quiz.id, member_id=member.id)
        db.session.add(allowance)
    allowance.extra_seconds, allowance.extra_attempts = extra_seconds, extra_attempts
    db.session.flush()
    attempt = lifecycle.current_attempt(quiz, member)
    if attempt is not None and lifecycle.accepts_answers(attempt, now):
        attempt.deadline = lifecycle.deadline_for(quiz, attempt.started_at, extra_seconds)
        db.session.flush()
    return allowance


def _reopen(attempt: Attempt, now: datetime, seconds: int) -> None:
    """Put a finished attempt back in progress until now + `seconds` (capped by the close), answers kept."""
    if attempt.state == AttemptState.IN_PROGRESS:
        raise AttemptError("in_progress", _("Bài làm này vẫn đang làm dở, không cần mở lại."))
    deadline = min(now + timedelta(seconds=seconds), attempt.quiz.effective_closes_at)
    if seconds <= 0 or deadline <= now:
        raise AttemptError(
            "closed", _("Không mở lại được: đợt kiểm tra đã đóng hoặc thời gian cộng thêm bằng 0.")
        )
    attempt.state, attempt.deadline, attempt.finished_at = AttemptState.IN_PROGRESS, deadline, None
    attempt.score = attempt.max_score = attempt.percent = attempt.passed = None
    for item in attempt.items:
        item.score = None
    db.session.flush()
    # record_finish recomputes the member's row from all attempts, so it also un-counts this one.
    participation.record_finish(attempt)
