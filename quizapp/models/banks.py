"""Question banks and their immutable versions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime


class QuestionType(enum.StrEnum):
    SINGLE = "single"  # one correct option
    MULTIPLE = "multiple"  # several correct options
    TRUE_FALSE = "true_false"
    SHORT = "short"  # typed answer compared to accepted answers
    NUMERIC = "numeric"  # value with tolerance, or a range


class MultipleScoring(enum.StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    PARTIAL = "partial"


class Bank(db.Model):
    """A named bank; its content lives in numbered, immutable versions."""

    __tablename__ = "bank"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    versions: Mapped[list[BankVersion]] = relationship(
        back_populates="bank", order_by="BankVersion.number"
    )

    @property
    def latest(self) -> BankVersion | None:
        return self.versions[-1] if self.versions else None


class BankVersion(db.Model):
    """One imported file's content. Never changed after import: attempts point here."""

    __tablename__ = "bank_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id"), index=True)
    number: Mapped[int] = mapped_column()
    checksum: Mapped[str] = mapped_column(String(64))
    source_format: Mapped[str] = mapped_column(String(16))
    source_name: Mapped[str] = mapped_column(String(255), default="")
    title: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    multiple_scoring: Mapped[str] = mapped_column(
        String(20), default=MultipleScoring.ALL_OR_NOTHING
    )
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    question_count: Mapped[int] = mapped_column(default=0)

    bank: Mapped[Bank] = relationship(back_populates="versions")
    topics: Mapped[list[Topic]] = relationship(
        back_populates="version", order_by="Topic.position", cascade="all, delete-orphan"
    )
    questions: Mapped[list[Question]] = relationship(
        back_populates="version", order_by="Question.position", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("bank_id", "number", name="uq_bank_version_number"),)


class Topic(db.Model):
    """A section of the resolution that questions belong to."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("bank_version.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(255))

    version: Mapped[BankVersion] = relationship(back_populates="topics")
    questions: Mapped[list[Question]] = relationship(
        back_populates="topic", order_by="Question.position"
    )


class Question(db.Model):
    """A question. `options` is a list of strings; `answer` depends on the type:

    single/multiple/true_false: {"correct": [option indexes]} (true_false options are
    ["Đúng", "Sai"]); short: {"accepted": [strings], "ignore_diacritics": bool};
    numeric: {"value": x, "tolerance": t} or {"min": a, "max": b}.
    `uid` is stable across versions of a bank (used to compare versions and regrade).
    """

    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("bank_version.id"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    uid: Mapped[str] = mapped_column(String(64))
    qtype: Mapped[str] = mapped_column(String(16))
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list] = mapped_column(JSON, default=list)
    answer: Mapped[dict] = mapped_column(JSON, default=dict)
    option_feedback: Mapped[list] = mapped_column(JSON, default=list)
    explanation: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    difficulty: Mapped[str | None] = mapped_column(String(16))
    points: Mapped[float] = mapped_column(Float, default=1.0)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    title: Mapped[str] = mapped_column(String(255), default="")

    version: Mapped[BankVersion] = relationship(back_populates="questions")
    topic: Mapped[Topic] = relationship(back_populates="questions")

    __table_args__ = (UniqueConstraint("version_id", "uid", name="uq_question_version_uid"),)
