"""Attempts, their snapshotted questions and the member's responses."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models.people import Member
from quizapp.models.quizzes import Quiz
from quizapp.models.types import UTCDateTime


class AttemptState(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"
    FINISHED_OVERDUE = "finished_overdue"


class Attempt(db.Model):
    """One sitting of a quiz by a member. The server owns `deadline`."""

    __tablename__ = "attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(20), default=AttemptState.IN_PROGRESS)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    percent: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column()
    previous_score: Mapped[float | None] = mapped_column(Float)  # kept by regrade
    regraded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    prediction_guess: Mapped[int | None] = mapped_column()
    certificate_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    # The question the member was last on (any device), so "Làm tiếp" reopens there.
    position: Mapped[int | None] = mapped_column()

    quiz: Mapped[Quiz] = relationship()
    member: Mapped[Member] = relationship()
    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position", cascade="all, delete-orphan"
    )
    responses: Mapped[list[Response]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("quiz_id", "member_id", "number", name="uq_attempt_number"),
        Index("ix_attempt_quiz_state", "quiz_id", "state"),
        # a report finds its quiz's overdue attempts without walking the deadline index
        Index("ix_attempt_quiz_state_deadline", "quiz_id", "state", "deadline"),
    )

    @property
    def is_finished(self) -> bool:
        return self.state != AttemptState.IN_PROGRESS


class AttemptItem(db.Model):
    """A question as drawn for this attempt: its position and option order."""

    __tablename__ = "attempt_item"

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempt.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    option_order: Mapped[list] = mapped_column(JSON, default=list)
    score: Mapped[float | None] = mapped_column(Float)

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    question = relationship("Question")


class Response(db.Model):
    """The member's newest answer to one question; `seq` is the client's sequence number."""

    __tablename__ = "response"

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempt.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), primary_key=True)
    answer: Mapped[dict | list | str | float | None] = mapped_column(JSON)
    flagged: Mapped[bool] = mapped_column(default=False)
    seq: Mapped[int] = mapped_column(default=0)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)

    attempt: Mapped[Attempt] = relationship(back_populates="responses")
