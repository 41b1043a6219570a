"""Demo only: members of a quiz's audience take it on past days, so the reports have a story.

Attempts go through the real services (start, save answers, submit), at past instants inside
the quiz window; each child unit of the audience gets its own zeal, so the province page has
units ahead and behind, and every chapter keeps some members still to remind.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Attempt, Member, QuestionType, Quiz, Unit, path_ids
from quizapp.services.attempts import lifecycle as attempts


class DemoActivityError(Exception):
    """The quiz cannot receive demo activity (already has attempts, or not yet open)."""


def _right_answer(question):
    key = question.answer or {}
    if question.qtype in (QuestionType.SINGLE, QuestionType.TRUE_FALSE):
        return key["correct"][0]
    if question.qtype == QuestionType.MULTIPLE:
        return key["correct"]
    if question.qtype == QuestionType.SHORT:
        return key["accepted"][0]
    return str(key["value"]) if "value" in key else str(key.get("min"))


def simulate_activity(quiz: Quiz, now: datetime, seed: int = 1, limit: int | None = None,
                      skip_member_ids: set[int] = frozenset()) -> dict:
    """Let part of the audience take the quiz between its opening and `now`; returns counts."""
    if db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.quiz_id == quiz.id)):
        raise DemoActivityError("Đợt kiểm tra này đã có bài làm; chỉ tạo dữ liệu mẫu cho đợt chưa có ai làm.")
    last = min(now, quiz.effective_closes_at) - timedelta(seconds=quiz.time_limit_seconds + 3600)
    if last <= quiz.opens_at:
        raise DemoActivityError("Đợt kiểm tra chưa mở đủ lâu để tạo dữ liệu mẫu.")
    rng = random.Random(seed)
    audience = quiz.audience_unit
    members = list(db.session.execute(
        select(Member, Unit.path).join(Unit, Unit.id == Member.chapter_id)
        .where(Member.active.is_(True), audience.subtree_filter()).order_by(Member.code)
    ))
    depth = len(audience.ancestor_ids())
    zeal: dict[int, float] = {}
    span = (last - quiz.opens_at).total_seconds()
    started = finished = 0
    for member, path in members:
        if limit is not None and started >= limit:
            break
        ids = path_ids(path)
        branch = ids[depth] if len(ids) > depth else ids[-1]  # the audience's child it lies under
        zeal.setdefault(branch, rng.uniform(0.3, 0.92))
        if rng.random() > zeal[branch] or member.id in skip_member_ids:
            continue
        # most members come early in the campaign, a tail keeps coming
        at = quiz.opens_at + timedelta(seconds=min(span, rng.expovariate(1.6 / span)))
        attempt = attempts.start_attempt(quiz, member, at, seed=rng.randrange(2**31))
        started += 1
        skill = rng.uniform(0.45, 0.95)
        for seq, item in enumerate(attempt.items, start=1):
            if rng.random() < skill:
                attempts.save_answer(attempt, item.question_id, _right_answer(item.question), seq, False,
                                     at + timedelta(seconds=20 * seq))
        finished += attempts.submit_attempt(attempt, at + timedelta(seconds=20 * len(attempt.items) + 60))
    db.session.flush()
    return {"started": started, "finished": finished, "audience": len(members)}
