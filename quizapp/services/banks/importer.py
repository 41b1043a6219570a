"""Importing a parsed bank as a new immutable version; reading a version back as a ParsedBank."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Bank, BankVersion, Question, Topic
from quizapp.services.banks.fields import slugify
from quizapp.services.banks.parsed import ParsedBank, ParsedQuestion, ParsedTopic, plain_number
from quizapp.services.banks.problems import render
from quizapp.services.banks.validate import valid_slug


class BankImportError(Exception):
    """The bank cannot be imported; nothing was written."""

    def __init__(self, text, problems=()):
        super().__init__(render(text))
        self.text = text
        self.problems = list(problems)


@dataclass
class ImportResult:
    """What an import did: the version now current, whether it is new, and a message."""

    version: BankVersion
    created: bool
    text: object

    @property
    def message(self) -> str:
        return render(self.text)


def choose_slug(parsed: ParsedBank, slug: str | None) -> str:
    """The slug given, else the file's own, else one made from the file name."""
    chosen = slug or parsed.slug or slugify(os.path.splitext(parsed.filename)[0] or parsed.title)
    if not valid_slug(chosen):
        raise BankImportError(
            _l(
                "Mã ngân hàng «%(slug)s» không hợp lệ: chỉ dùng chữ thường không dấu, số và "
                "dấu gạch ngang.",
                slug=chosen,
            )
        )
    return chosen


def import_bank(
    parsed: ParsedBank, *, slug: str | None = None, imported_by=None, now: datetime, owner_unit=None
) -> ImportResult:
    """Store `parsed` as version N+1 of its bank (flush only); identical content is a no-op."""
    if parsed.errors:
        raise BankImportError(
            _l(
                "Tệp còn %(count)s lỗi nên chưa nhập gì; hãy sửa rồi tải lên lại.",
                count=len(parsed.errors),
            ),
            parsed.errors,
        )
    slug = choose_slug(parsed, slug)
    title = (parsed.title or os.path.splitext(parsed.filename)[0] or slug)[:255]
    # The row lock makes two concurrent imports of one slug take turns (PostgreSQL).
    bank = db.session.scalar(select(Bank).where(Bank.slug == slug).with_for_update())
    latest = None
    if bank is None:
        bank = Bank(
            slug=slug,
            title=title,
            description=parsed.description,
            created_at=now,
            owner_unit_id=owner_unit.id if owner_unit is not None else None,
        )
        db.session.add(bank)
    else:
        latest = db.session.scalar(
            select(BankVersion)
            .where(BankVersion.bank_id == bank.id)
            .order_by(BankVersion.number.desc())
            .limit(1)
        )
    checksum = parsed.checksum
    if latest is not None and latest.checksum == checksum:
        return ImportResult(
            latest,
            False,
            _l(
                "Nội dung giống hệt phiên bản %(number)s của ngân hàng «%(slug)s»; "
                "không tạo phiên bản mới.",
                number=latest.number,
                slug=slug,
            ),
        )
    bank.title, bank.description = title, parsed.description
    version = BankVersion(
        bank=bank,
        number=(latest.number + 1) if latest else 1,
        checksum=checksum,
        source_format=parsed.source_format or "",
        source_name=(parsed.filename or "")[:255],
        title=title,
        description=parsed.description,
        multiple_scoring=parsed.multiple_scoring,
        imported_by_id=imported_by.id if imported_by is not None else None,
        imported_at=now,
        question_count=len(parsed.questions),
    )
    db.session.add(version)
    topics = [
        Topic(version=version, position=i, title=t.title) for i, t in enumerate(parsed.topics)
    ]
    db.session.add_all(topics)
    db.session.flush()
    rows, position = [], 0
    for topic, ptopic in zip(topics, parsed.topics):
        for q in ptopic.questions:
            rows.append(_question_row(q, version.id, topic.id, position))
            position += 1
    if rows:
        # A bulk insert: a 10,000-question bank is one statement batch, not 10,000 flush units.
        db.session.execute(Question.__table__.insert(), rows)
    db.session.expire(version, ["questions", "topics"])
    return ImportResult(
        version,
        True,
        _l(
            "Đã nhập %(count)s câu hỏi thành phiên bản %(number)s của ngân hàng «%(slug)s».",
            count=len(rows),
            number=version.number,
            slug=slug,
        ),
    )


def _question_row(q: ParsedQuestion, version_id: int, topic_id: int, position: int) -> dict:
    return {
        "version_id": version_id,
        "topic_id": topic_id,
        "position": position,
        "uid": q.uid,
        "qtype": q.qtype,
        "stem": q.stem,
        "options": list(q.options),
        "answer": q.answer,
        "option_feedback": list(q.option_feedback),
        "explanation": q.explanation,
        "source": q.source,
        "difficulty": q.difficulty,
        "points": float(q.points),
        "tags": list(q.tags),
        "title": q.title,
    }


def version_to_parsed(version: BankVersion) -> ParsedBank:
    """A stored version as a ParsedBank, so every writer works from one shape."""
    bank = ParsedBank(
        filename=version.source_name,
        source_format=version.source_format,
        slug=version.bank.slug,
        title=version.title,
        description=version.description,
        multiple_scoring=version.multiple_scoring,
    )
    by_topic: dict[int, ParsedTopic] = {}
    for topic in version.topics:
        by_topic[topic.id] = ParsedTopic(title=topic.title)
        bank.topics.append(by_topic[topic.id])
    for q in version.questions:
        by_topic[q.topic_id].questions.append(question_to_parsed(q))
    return bank


def question_to_parsed(q: Question) -> ParsedQuestion:
    """One stored question in the parsed shape."""
    return ParsedQuestion(
        qtype=q.qtype,
        stem=q.stem,
        options=list(q.options or []),
        answer=dict(q.answer or {}),
        option_feedback=list(q.option_feedback or []),
        explanation=q.explanation or "",
        source=q.source or "",
        difficulty=q.difficulty,
        points=plain_number(q.points),
        tags=list(q.tags or []),
        title=q.title or "",
        uid=q.uid,
    )
