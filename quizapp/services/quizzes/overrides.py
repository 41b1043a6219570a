"""Exceptions to a quiz's rules for one member — extra time or attempts, a reopened attempt — audited.

The console and the CLI both call these, so every such exception leaves the same
audit entry whoever made it (actor None: the command line). Flush, never commit.
"""
from __future__ import annotations

from datetime import datetime

from quizapp.models import Attempt, Member, Quiz, QuizAllowance, User
from quizapp.services import attempts, audit


def grant_allowance(quiz: Quiz, member: Member, actor: User | None, now: datetime, *,
                    extra_seconds: int = 0, extra_attempts: int = 0) -> QuizAllowance:
    """Set the member's extra time and attempts on the quiz and audit the change (AttemptError when negative)."""
    old = attempts.allowance_for(quiz, member)
    before = {"extra_seconds": old.extra_seconds, "extra_attempts": old.extra_attempts} if old else None
    allowance = attempts.grant_allowance(quiz, member, now, extra_seconds=extra_seconds,
                                         extra_attempts=extra_attempts)
    audit.record(actor, "allowance.set", member.chapter, now, target=f"quiz {quiz.id} / {member.code}",
                 before=before,
                 after={"extra_seconds": allowance.extra_seconds, "extra_attempts": allowance.extra_attempts})
    return allowance


def reopen_attempt(attempt: Attempt, actor: User | None, now: datetime, seconds: int) -> Attempt:
    """Let the member continue a finished attempt for `seconds` more and audit it (AttemptError when it cannot)."""
    before = {"state": attempt.state, "score": attempt.score, "percent": attempt.percent,
              "finished_at": attempt.finished_at}
    attempts.reopen_attempt(attempt, now, seconds)
    member = attempt.member
    audit.record(actor, "attempt.reopen", member.chapter, now,
                 target=f"quiz {attempt.quiz_id} / {member.code} / #{attempt.number}",
                 before=before, after={"state": attempt.state, "deadline": attempt.deadline})
    return attempt
