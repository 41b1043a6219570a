"""Shared set-up for the report tests: named instants, a quiz, finished and started attempts."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, Bank, BankVersion, Quiz
from quizapp.services.reports import participation
from quizapp.services.reports.roster_counts import refresh_roster_counts

# The quiz opens on Monday 3 March 2025 at 08:00 in Hà Nội and closes four weeks later.
OPENS = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
CLOSES = OPENS + timedelta(days=28)
TARGET_DATE = date(2025, 3, 24)
NOW = OPENS + timedelta(days=9, hours=5)  # Wednesday 12 March, 13:00 local


def make_quiz(audience, title="Tìm hiểu Nghị quyết Đại hội Đoàn XII", target_rate=80.0,
              target_date=TARGET_DATE, opens=OPENS, closes=CLOSES, slug=None) -> Quiz:
    """A quiz for the audience subtree (no questions needed for participation reports)."""
    bank = Bank(slug=slug or f"bank-{title[:20]}-{id(audience)}-{opens.timestamp()}", title="Ngân hàng")
    version = BankVersion(bank=bank, number=1, checksum="x", source_format="yaml")
    quiz = Quiz(title=title, bank_version=version, audience_unit=audience, opens_at=opens, closes_at=closes,
                pass_mark=50, target_rate=target_rate, target_date=target_date, attempts_allowed=None)
    db.session.add(quiz)
    db.session.flush()
    return quiz


def start(quiz, member, at, number=None) -> Attempt:
    """An attempt in progress, counted as started."""
    number = number or (len([a for a in db.session.query(Attempt).filter_by(quiz_id=quiz.id, member_id=member.id)]) + 1)
    attempt = Attempt(quiz=quiz, member=member, number=number, started_at=at, deadline=at + timedelta(minutes=30),
                      state=AttemptState.IN_PROGRESS)
    db.session.add(attempt)
    db.session.flush()
    participation.record_start(attempt, at)
    return attempt


def finish(attempt, percent, minutes=10) -> Attempt:
    """Finish the attempt `minutes` after its start with `percent`, counting it."""
    attempt.state = AttemptState.FINISHED
    attempt.finished_at = attempt.started_at + timedelta(minutes=minutes)
    attempt.percent = attempt.score = percent
    attempt.max_score = 100
    attempt.passed = percent >= attempt.quiz.pass_mark
    db.session.flush()
    participation.record_finish(attempt)
    return attempt


def take(quiz, member, at, percent=80.0) -> Attempt:
    """Start and finish an attempt."""
    return finish(start(quiz, member, at), percent)


def refresh():
    """Recount roster denominators after creating members."""
    refresh_roster_counts()
    db.session.flush()
