"""Quizzes (đợt kiểm tra / cuộc thi) and per-member adjustments."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    case,
    func,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models.banks import BankVersion
from quizapp.models.org import Unit
from quizapp.models.types import UTCDateTime


class GradingPolicy(enum.StrEnum):
    HIGHEST = "highest"
    LAST = "last"
    FIRST = "first"


class ReviewPolicy(enum.StrEnum):
    SCORE_ONLY = "score_only"
    CORRECT_ANSWERS = "correct_answers"
    EXPLANATIONS = "explanations"  # correct answers + explanations and sources
    AFTER_CLOSE = "after_close"  # everything, but only once the quiz has closed


class QuizStatus(enum.StrEnum):
    """Where a quiz's window stands at a given instant; `Quiz.status(now)` is the only place it is decided."""

    SCHEDULED = "scheduled"  # not yet open
    OPEN = "open"  # members may start and continue attempts
    CLOSED = "closed"  # past its closing time
    CLOSED_EARLY = "closed_early"  # an organiser closed it before its closing time


class Quiz(db.Model):
    """A timed check over one bank version for the members of an audience subtree."""

    __tablename__ = "quiz"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    bank_version_id: Mapped[int] = mapped_column(ForeignKey("bank_version.id"), index=True)
    audience_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    time_limit_seconds: Mapped[int] = mapped_column(default=1800)
    # None: every question; else {"per_topic": {"<topic title>": n}} or {"total": n}
    draw_rules: Mapped[dict | None] = mapped_column(JSON)
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=True)
    shuffle_options: Mapped[bool] = mapped_column(Boolean, default=True)
    attempts_allowed: Mapped[int | None] = mapped_column(default=1)  # None = unlimited
    grading_policy: Mapped[str] = mapped_column(String(16), default=GradingPolicy.HIGHEST)
    pass_mark: Mapped[float] = mapped_column(Float, default=50.0)  # percent
    review_policy: Mapped[str] = mapped_column(String(20), default=ReviewPolicy.EXPLANATIONS)
    target_rate: Mapped[float] = mapped_column(Float, default=90.0)  # percent
    target_date: Mapped[date | None] = mapped_column(Date)
    prediction_question: Mapped[str | None] = mapped_column(Text)
    prediction_answer: Mapped[int | None] = mapped_column()
    # the organiser's reminder message with {ten}, {dot}, {han}, {lien_ket}; None: the default
    reminder_template: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_early_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    bank_version: Mapped[BankVersion] = relationship()
    audience_unit: Mapped[Unit] = relationship()

    @hybrid_method
    def status(self, now: datetime) -> QuizStatus:
        """The quiz's status at `now`; on the class, the same rule as a SQL expression (CASE)."""
        if self.closed_early_at is not None and self.closed_early_at <= now:
            return QuizStatus.CLOSED_EARLY
        if now < self.opens_at:
            return QuizStatus.SCHEDULED
        return QuizStatus.OPEN if now < self.effective_closes_at else QuizStatus.CLOSED

    @status.expression
    def status(cls, now: datetime):
        """SQL for `status`, to filter or group quizzes in a query."""
        return case(
            (cls.closed_early_at <= now, QuizStatus.CLOSED_EARLY.value),  # NULL: not closed early
            (cls.opens_at > now, QuizStatus.SCHEDULED.value),
            (func.coalesce(cls.closed_early_at, cls.closes_at) > now, QuizStatus.OPEN.value),
            else_=QuizStatus.CLOSED.value,
        )

    def is_open(self, now: datetime) -> bool:
        """True while members may start or continue attempts."""
        return self.status(now) == QuizStatus.OPEN

    @property
    def effective_closes_at(self) -> datetime:
        return self.closed_early_at or self.closes_at


class QuizAllowance(db.Model):
    """Extra time or attempts granted to one member for one quiz."""

    __tablename__ = "quiz_allowance"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    extra_seconds: Mapped[int] = mapped_column(default=0)
    extra_attempts: Mapped[int] = mapped_column(default=0)

    __table_args__ = (UniqueConstraint("quiz_id", "member_id", name="uq_quiz_allowance_member"),)
