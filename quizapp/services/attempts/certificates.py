"""Certificates (giấy chứng nhận) for passed attempts, and their public verification."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState

# No 0/O, 1/I/L: codes are read off paper and typed on phones.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def ensure_code(attempt: Attempt) -> str:
    """The attempt's verification code, created the first time it passes."""
    if not attempt.certificate_code:
        attempt.certificate_code = new_code()
    return attempt.certificate_code


def display_code(code: str) -> str:
    """The code in groups of four, as printed: ABCD-EFGH-JKMN."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(raw: str) -> str:
    """What a person typed, without spaces or dashes, in upper case."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:32]


@dataclass(frozen=True)
class Certificate:
    """What a certificate states (and the verification page confirms)."""

    code: str
    full_name: str
    unit_name: str
    quiz_title: str
    percent: float
    score: float
    max_score: float
    finished_at: datetime
    valid: bool  # False when a regrade took the pass away


def certificate_of(attempt: Attempt) -> Certificate | None:
    """The certificate of a finished attempt that has a code, else None."""
    if attempt.state == AttemptState.IN_PROGRESS or not attempt.certificate_code:
        return None
    return Certificate(
        code=display_code(attempt.certificate_code),
        full_name=attempt.member.full_name,
        unit_name=attempt.member.chapter.name,
        quiz_title=attempt.quiz.title,
        percent=attempt.percent or 0.0,
        score=attempt.score or 0.0,
        max_score=attempt.max_score or 0.0,
        finished_at=attempt.finished_at,
        valid=bool(attempt.passed),
    )


def verify(raw_code: str) -> Certificate | None:
    """The certificate with this code, or None when no such code exists."""
    code = normalise_code(raw_code)
    if len(code) != CODE_LENGTH:
        return None
    attempt = db.session.scalar(select(Attempt).where(Attempt.certificate_code == code))
    return certificate_of(attempt) if attempt is not None else None
