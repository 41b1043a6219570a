"""Read models for reports, kept in the finalisation transaction.

Reports read these instead of scanning attempts; `quizapp reports rebuild`
recomputes them from raw rows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime


class Participation(db.Model):
    """One row per (quiz, member) who has started: attempts, first finish, best score."""

    __tablename__ = "participation"

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    attempts_started: Mapped[int] = mapped_column(default=0)
    attempts_finished: Mapped[int] = mapped_column(default=0)
    first_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    best_percent: Mapped[float | None] = mapped_column(Float)
    graded_percent: Mapped[float | None] = mapped_column(Float)  # by the quiz's grading policy
    passed: Mapped[bool] = mapped_column(default=False)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The breakdown labels [[dimension, value], ...] this row was counted under in
    # UnitQuizGroup, so a later change subtracts exactly what was added.
    groups: Mapped[list | None] = mapped_column(JSON)
    # The counted attempt's ranking key (services/reports/rank_keys.py): a contest round's
    # ranking reads these in the order of ix_participation_rank instead of scanning attempts.
    rank_percent: Mapped[float | None] = mapped_column(
        Float
    )  # NULL: not ranked (inactive, unfinished)
    rank_guessed: Mapped[bool | None] = mapped_column()
    rank_guess: Mapped[int | None] = mapped_column()
    rank_distance: Mapped[int | None] = mapped_column(BigInteger)  # |guess − answer|, once entered
    rank_ms: Mapped[int | None] = mapped_column(BigInteger)  # time taken, in milliseconds
    rank_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_participation_quiz_chapter", "quiz_id", "chapter_id"),
        Index("ix_participation_member", "member_id"),
    )


# The ranking's order with every rule on (score ↓, a guess first, distance, time, submission),
# member id last so pages never overlap.
Index(
    "ix_participation_rank",
    Participation.quiz_id,
    Participation.rank_percent.desc(),
    Participation.rank_guessed.desc(),
    Participation.rank_distance,
    Participation.rank_ms,
    Participation.rank_finished_at,
    Participation.member_id,
)


class UnitQuizCounter(db.Model):
    """Per (quiz, unit) totals over the unit's whole subtree, for every ancestor."""

    __tablename__ = "unit_quiz_counter"

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    took_part: Mapped[int] = mapped_column(default=0)
    took_part_cadres: Mapped[int] = mapped_column(default=0)
    passed: Mapped[int] = mapped_column(default=0)
    sum_best_percent: Mapped[float] = mapped_column(Float, default=0.0)
    # the latest finish of a participant counted here (not lowered when a member moves away)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UnitQuizDaily(db.Model):
    """Members who took part for the first time on a day (Vietnam time), per unit subtree."""

    __tablename__ = "unit_quiz_daily"

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    new_participants: Mapped[int] = mapped_column(default=0)


class UnitQuizGroup(db.Model):
    """Members who took part per (quiz, unit subtree, breakdown dimension, value).

    Dimensions: "gender", "ethnicity", and "attr:<key>" for custom roster attributes.
    """

    __tablename__ = "unit_quiz_group"

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(String(120), primary_key=True)
    took_part: Mapped[int] = mapped_column(default=0)


class UnitRosterGroup(db.Model):
    """Active members per (unit subtree, breakdown dimension, value): breakdown denominators."""

    __tablename__ = "unit_roster_group"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(String(120), primary_key=True)
    members: Mapped[int] = mapped_column(default=0)


class UnitRoster(db.Model):
    """Active members (and cadres among them) in each unit's whole subtree: report denominators.

    Refreshed by `services.reports.roster_counts.refresh_roster_counts()` after every roster change.
    """

    __tablename__ = "unit_roster"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    members: Mapped[int] = mapped_column(default=0)
    cadres: Mapped[int] = mapped_column(default=0)
