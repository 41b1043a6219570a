"""Creating contests and attaching quizzes to them as rounds."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Contest, ContestRound, Quiz, Unit
from quizapp.services.reports import rank_keys


class ContestError(ValueError):
    """A contest or round that cannot be saved; the message says why (Vietnamese)."""


def create_contest(title: str, audience: Unit, now: datetime, *, use_prediction: bool = True,
                   use_time: bool = True, one_prize_per_contest: bool = False) -> Contest:
    """A new contest over `audience`'s subtree."""
    title = (title or "").strip()
    if not title:
        raise ContestError("Cuộc thi cần có tên.")
    contest = Contest(title=title[:255], audience_unit=audience, use_prediction=use_prediction,
                      use_time=use_time, one_prize_per_contest=one_prize_per_contest, created_at=now)
    db.session.add(contest)
    db.session.flush()
    return contest


def add_round(contest: Contest, quiz: Quiz, label: str | None = None, *, first: int = 0,
              second: int = 0, third: int = 0, consolation: int = 0) -> ContestRound:
    """Attach `quiz` as the next round; it must share the contest's audience and be in no contest."""
    if quiz.audience_unit_id != contest.audience_unit_id:
        raise ContestError("Đợt kiểm tra phải có cùng đơn vị dự thi với cuộc thi.")
    if db.session.scalar(select(ContestRound.id).where(ContestRound.quiz_id == quiz.id)) is not None:
        raise ContestError("Đợt kiểm tra này đã là một vòng của cuộc thi.")
    if min(first, second, third, consolation) < 0:
        raise ContestError("Số giải không được âm.")
    position = (db.session.scalar(select(func.max(ContestRound.position))
                                  .where(ContestRound.contest_id == contest.id)) or 0) + 1
    label = (label or "").strip() or f"Vòng {position}"
    row = ContestRound(contest=contest, quiz=quiz, position=position, label=label[:120],
                       first_prizes=first, second_prizes=second, third_prizes=third,
                       consolation_prizes=consolation)
    db.session.add(row)
    db.session.flush()
    rank_keys.refresh_quiz(quiz)  # the round's rules pick the counted attempts now
    return row


def round_of(quiz: Quiz) -> ContestRound | None:
    """The contest round `quiz` is, if any."""
    return db.session.scalar(select(ContestRound).where(ContestRound.quiz_id == quiz.id))


def contests() -> list[Contest]:
    """Every contest, newest first."""
    return list(db.session.scalars(select(Contest).order_by(Contest.id.desc())))
