"""The demo's contest: weekly rounds as the Đoàn runs them, one closed with its prediction answer
and its results published, one open now, both with past activity so every page has something."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select, update

from quizapp.extensions import db
from quizapp.models import Attempt, BankVersion, Contest, Member, ReviewPolicy
from quizapp.services.contests import results, rounds
from quizapp.services.demo.activity import simulate_activity
from quizapp.services.demo.quiz import give_participants_accounts
from quizapp.services.quizzes import settings as quizzes
from quizapp.services.reports import participation

DEMO_CONTEST_TITLE = "Cuộc thi trực tuyến tìm hiểu Nghị quyết Đại hội Đoàn toàn quốc lần thứ XII"
PREDICTION = "Theo bạn, có bao nhiêu người tham gia {label}?"
# (label, opens and closes in days from now, prizes: first, second, third, consolation)
ROUNDS = (("Tuần 1", -20, -13, (1, 2, 3, 5)), ("Tuần 2", -6, 8, (1, 2, 3, 5)))


def add_demo_contest(
    demo: dict, version: BankVersion, now: datetime, activity: bool = True, seed: int = 1
) -> Contest:
    """Two rounds over the province on `version`; the closed one answered and published."""
    province, organiser = demo["units"]["province"], demo["users"]["organiser"]
    contest = rounds.create_contest(DEMO_CONTEST_TITLE, province, now - timedelta(days=21))
    newcomer = db.session.scalar(select(Member.id).where(Member.code == demo["activation"][0]))
    keep_fresh = {demo["users"]["member"].member_id, newcomer}
    for index, (label, opens, closes, (first, second, third, consolation)) in enumerate(
        ROUNDS, start=1
    ):
        settings = quizzes.QuizSettings(
            title=f"{DEMO_CONTEST_TITLE} – {label}",
            description="Mỗi tuần một vòng thi: 10 câu hỏi trong 10 phút, một lượt làm bài, "
            "và một câu hỏi dự đoán để xếp hạng khi bằng điểm.",
            opens_at=now + timedelta(days=opens),
            closes_at=now + timedelta(days=closes),
            time_limit_seconds=10 * 60,
            draw_rules={"total": 10},
            attempts_allowed=1,
            pass_mark=50.0,
            review_policy=ReviewPolicy.AFTER_CLOSE,
            target_rate=60.0,
            prediction_question=PREDICTION.format(label=label.lower()),
        )
        quiz = quizzes.create_quiz(
            version, province, settings, organiser, now + timedelta(days=opens - 1)
        )
        contest_round = rounds.add_round(
            contest, quiz, label, first=first, second=second, third=third, consolation=consolation
        )
        if not activity:
            continue
        counts = simulate_activity(quiz, now, seed=seed + index, skip_member_ids=keep_fresh)
        _guess(quiz.id, counts["finished"], random.Random(seed + index))
        participation.rebuild_quiz(
            quiz
        )  # the guesses, written after the finishes, into the ranking keys
        give_participants_accounts(quiz, now)
        if quiz.effective_closes_at <= now:
            results.set_prediction_answer(quiz, results.Source.PARTICIPANTS, now)
            results.publish(contest_round, now)
    return contest


def _guess(quiz_id: int, participants: int, rng: random.Random) -> None:
    """Most members answer the prediction question, around the true number, some far off."""
    ids = db.session.scalars(
        select(Attempt.id).where(Attempt.quiz_id == quiz_id).order_by(Attempt.id)
    ).all()
    rows = [
        {
            "id": attempt_id,
            "prediction_guess": max(0, round(rng.gauss(participants, participants / 3 + 5))),
        }
        for attempt_id in ids
        if rng.random() < 0.9
    ]
    if rows:
        db.session.execute(update(Attempt), rows)
