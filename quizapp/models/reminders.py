"""Reminders a secretary marked as sent, and the read models that count them.

`Reminder` is the raw fact (one row per "Đã nhắc"); `ReminderState` sums a member's reminders
for a quiz and remembers where they were counted; `UnitQuizReminder` holds, for every unit on
the member's path, how many members were reminded and how many of them then took part.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models.people import User
from quizapp.models.types import UTCDateTime


class Reminder(db.Model):
    """One reminder a secretary says they sent a member about a quiz."""

    __tablename__ = "reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    reminded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reminded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    reminded_by: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_reminder_quiz_member", "quiz_id", "member_id"),)


class ReminderState(db.Model):
    """A member's reminders for a quiz, and what they add to the unit counters (to undo it)."""

    __tablename__ = "reminder_state"

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    first_reminded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_reminded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_reminded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # where the member is counted now: None when not counted (an inactive member)
    counted_chapter_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    counted_took_part: Mapped[bool] = mapped_column(default=False)

    last_reminded_by: Mapped[User | None] = relationship()


class UnitQuizReminder(db.Model):
    """Per (quiz, unit subtree): members reminded, and reminded members who took part after."""

    __tablename__ = "unit_quiz_reminder"

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    reminded: Mapped[int] = mapped_column(default=0)
    reminded_took_part: Mapped[int] = mapped_column(default=0)
