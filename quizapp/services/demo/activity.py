"""Demo only: members of a quiz's audience take it on past days, so the reports have a story.

The attempts are built in bulk (a few multi-row inserts, graded by the same pure grading
function as live attempts) and the report read models are then rebuilt from those raw rows,
exactly as `quizapp reports rebuild` does: `make run` answers within seconds instead of
replaying thousands of attempts through the request-sized services. Each child unit of the
audience gets its own zeal, so the province page has units ahead and behind, and every chapter
keeps some members still to remind.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    Member,
    QuestionType,
    Quiz,
    Response,
    Unit,
    path_ids,
)
from quizapp.services.attempts import certificates, grading
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.reports import participation


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


def _chunks(rows: list[dict], size: int = 2000):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def simulate_activity(
    quiz: Quiz,
    now: datetime,
    seed: int = 1,
    limit: int | None = None,
    skip_member_ids: set[int] = frozenset(),
) -> dict:
    """Let part of the audience take the quiz between its opening and `now`; returns counts."""
    if db.session.scalar(
        select(func.count()).select_from(Attempt).where(Attempt.quiz_id == quiz.id)
    ):
        raise DemoActivityError(
            "Đợt kiểm tra này đã có bài làm; chỉ tạo dữ liệu mẫu cho đợt chưa có ai làm."
        )
    last = min(now, quiz.effective_closes_at) - timedelta(seconds=quiz.time_limit_seconds + 3600)
    if last <= quiz.opens_at:
        raise DemoActivityError("Đợt kiểm tra chưa mở đủ lâu để tạo dữ liệu mẫu.")
    rng = random.Random(seed)
    audience = quiz.audience_unit
    members = db.session.execute(
        select(Member.id, Unit.path)
        .join(Unit, Unit.id == Member.chapter_id)
        .where(Member.active.is_(True), audience.subtree_filter())
        .order_by(Member.code)
    ).all()
    pool = attempts.version_questions(quiz.bank_version_id)
    scoring = quiz.bank_version.multiple_scoring
    depth = len(audience.ancestor_ids())
    zeal: dict[int, float] = {}
    span = (last - quiz.opens_at).total_seconds()
    planned = []  # (attempt row, [(question, option order, answer or None)])
    for member_id, path in members:
        if limit is not None and len(planned) >= limit:
            break
        ids = path_ids(path)
        branch = ids[depth] if len(ids) > depth else ids[-1]  # the audience's child it lies under
        zeal.setdefault(branch, rng.uniform(0.3, 0.92))
        if rng.random() > zeal[branch] or member_id in skip_member_ids:
            continue
        # most members come early in the campaign, a tail keeps coming
        at = quiz.opens_at + timedelta(seconds=min(span, rng.expovariate(1.6 / span)))
        draw = random.Random(rng.randrange(2**31))
        items = [
            (q, attempts.option_order(q, quiz, draw))
            for q in attempts.draw_questions(quiz, draw, pool)
        ]
        skill = rng.uniform(0.45, 0.95)
        answers = [_right_answer(q) if rng.random() < skill else None for q, _order in items]
        result = grading.grade([q for q, _order in items], answers, scoring)
        finished_at = at + timedelta(seconds=20 * len(items) + 60)
        passed = result.percent >= quiz.pass_mark
        row = {
            "quiz_id": quiz.id,
            "member_id": member_id,
            "number": 1,
            "state": AttemptState.FINISHED,
            "started_at": at,
            "deadline": attempts.deadline_for(quiz, at),
            "finished_at": finished_at,
            "score": result.score,
            "max_score": result.max_score,
            "percent": result.percent,
            "passed": passed,
            "certificate_code": certificates.new_code() if passed else None,
        }
        planned.append((row, items, answers, result.item_scores, at))
    ids: list[int] = []
    for chunk in _chunks([p[0] for p in planned]):
        ids.extend(
            db.session.scalars(
                insert(Attempt).returning(Attempt.id, sort_by_parameter_order=True), chunk
            )
        )
    item_rows, response_rows = [], []
    for attempt_id, (_row, items, answers, scores, at) in zip(ids, planned, strict=True):
        for position, ((question, order), answer, score) in enumerate(
            zip(items, answers, scores), start=1
        ):
            item_rows.append(
                {
                    "attempt_id": attempt_id,
                    "position": position,
                    "question_id": question.id,
                    "option_order": order,
                    "score": score,
                }
            )
            if answer is not None:
                response_rows.append(
                    {
                        "attempt_id": attempt_id,
                        "question_id": question.id,
                        "answer": answer,
                        "flagged": False,
                        "seq": position,
                        "saved_at": at + timedelta(seconds=20 * position),
                    }
                )
    for model, rows in ((AttemptItem, item_rows), (Response, response_rows)):
        for chunk in _chunks(rows):
            db.session.execute(insert(model), chunk)
    participation.rebuild_quiz(quiz)
    return {"started": len(planned), "finished": len(planned), "audience": len(members)}
