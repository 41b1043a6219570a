"""The demo's quiz: the real Congress XII bank, an open quiz for the whole province, and
past activity so the reports tell the story of the source article (units behind target)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from quizapp.clock import to_local
from quizapp.extensions import db
from quizapp.models import Member, Participation, Quiz, ReviewPolicy, User
from quizapp.services import accounts, banks
from quizapp.services.demo.activity import simulate_activity
from quizapp.services.demo.province import DEMO_PASSWORD
from quizapp.services.quizzes import settings as quizzes

BANK_FILE = (
    Path(__file__).resolve().parents[3] / "question_banks" / "nghi-quyet-dai-hoi-doan-xii.yaml"
)
DEMO_QUIZ_TITLE = "Kiểm tra học tập Nghị quyết Đại hội Đoàn toàn quốc lần thứ XII"


def add_demo_quiz(
    demo: dict, now: datetime, activity: bool = True, seed: int = 1
) -> tuple[Quiz, dict]:
    """Import the real bank, open a 20-question quiz for the province, simulate past attempts.

    The demo member and the member waiting for activation are left without attempts, so
    whoever tries the demo starts the quiz fresh.
    """
    parsed = banks.load_bank_file(BANK_FILE.name, BANK_FILE.read_bytes())
    version = banks.import_bank(
        parsed,
        imported_by=demo["users"]["organiser"],
        now=now,
        owner_unit=demo["units"]["province"],
    ).version
    today = to_local(now).date()
    settings = quizzes.QuizSettings(
        title=DEMO_QUIZ_TITLE,
        description="Đợt kiểm tra việc học tập, quán triệt Nghị quyết Đại hội Đoàn toàn quốc lần thứ XII "
        "cho cán bộ, đoàn viên toàn tỉnh.",
        opens_at=now - timedelta(days=12),
        closes_at=now + timedelta(days=30),
        time_limit_seconds=20 * 60,
        draw_rules={"total": 20},
        attempts_allowed=2,
        pass_mark=50.0,
        review_policy=ReviewPolicy.EXPLANATIONS,
        target_rate=90.0,
        target_date=today + timedelta(days=18),
    )
    quiz = quizzes.create_quiz(
        version, demo["units"]["province"], settings, demo["users"]["organiser"], now
    )
    counts = {"started": 0, "finished": 0}
    if activity:
        newcomer = db.session.scalar(select(Member.id).where(Member.code == demo["activation"][0]))
        keep_fresh = {demo["users"]["member"].member_id, newcomer}
        counts = simulate_activity(quiz, now, seed=seed, skip_member_ids=keep_fresh)
        give_participants_accounts(quiz, now)
    return quiz, counts


def give_participants_accounts(quiz: Quiz, now: datetime) -> None:
    """Whoever took part signed in, so has an account with a password (the demo's, hashed once:
    hashing thousands of passwords one by one would cost minutes)."""
    password_hash = accounts.hash_password(DEMO_PASSWORD)
    rows = db.session.execute(
        select(Member.id, Member.code, Member.full_name)
        .join(Participation, Participation.member_id == Member.id)
        .outerjoin(User, User.member_id == Member.id)
        .where(Participation.quiz_id == quiz.id, User.id.is_(None))
    ).all()
    for start in range(0, len(rows), 2000):
        db.session.execute(
            insert(User),
            [
                {
                    "login": code,
                    "display_name": name,
                    "member_id": member_id,
                    "password_hash": password_hash,
                    "is_enabled": True,
                    "session_version": 1,
                    "created_at": now,
                }
                for member_id, code, name in rows[start : start + 2000]
            ],
        )
