"""Contests: quizzes grouped as rounds for one audience, with per-round prize settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models.org import Unit
from quizapp.models.quizzes import Quiz
from quizapp.models.types import UTCDateTime


class Contest(db.Model):
    """A contest ("cuộc thi") run as rounds over one audience subtree."""

    __tablename__ = "contest"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    audience_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    # the tie-break rules the organiser keeps (the score always ranks first)
    use_prediction: Mapped[bool] = mapped_column(Boolean, default=True)
    use_time: Mapped[bool] = mapped_column(Boolean, default=True)
    # a member wins at most one prize per round; with this, at most one in the whole contest
    one_prize_per_contest: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    audience_unit: Mapped[Unit] = relationship()
    rounds: Mapped[list[ContestRound]] = relationship(
        back_populates="contest", order_by="ContestRound.position", cascade="all, delete-orphan"
    )


class ContestRound(db.Model):
    """One quiz as a round of a contest, with how many prizes of each kind it awards."""

    __tablename__ = "contest_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), unique=True)  # one contest per quiz
    position: Mapped[int] = mapped_column(default=1)
    label: Mapped[str] = mapped_column(String(120))
    first_prizes: Mapped[int] = mapped_column(default=0)
    second_prizes: Mapped[int] = mapped_column(default=0)
    third_prizes: Mapped[int] = mapped_column(default=0)
    consolation_prizes: Mapped[int] = mapped_column(default=0)
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contest: Mapped[Contest] = relationship(back_populates="rounds")
    quiz: Mapped[Quiz] = relationship()

    __table_args__ = (UniqueConstraint("contest_id", "position", name="uq_contest_round_position"),)
