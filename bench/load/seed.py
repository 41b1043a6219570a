"""Benchmark data: a fresh database with a province, N members with accounts, a bank and quizzes."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text, update
from sqlalchemy.engine import make_url

from quizapp import create_app
from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import (
    Bank,
    BankVersion,
    Member,
    Question,
    QuestionType,
    Quiz,
    ReviewPolicy,
    Topic,
    Unit,
    User,
    set_unit_path,
)
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.reports.roster_counts import refresh_roster_counts

PASSWORD = "matkhau-123"
PRODUCTION_HASH = "scrypt:32768:8:1"
CHEAP_HASH = "scrypt:1024:8:1"


@dataclass
class Seeded:
    """What the benchmark needs to know about the data it created."""

    database_url: str
    logins: list[str]
    quiz_ids: dict[str, int]
    questions: int


def fresh_database(kind: str, name: str, folder: Path) -> str:
    """An empty database: a new SQLite file under `folder`, or a recreated PostgreSQL database."""
    if kind == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    base = make_url("postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Remove a benchmark database (SQLite file or PostgreSQL database)."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        shutil.rmtree(Path(u.database).parent, ignore_errors=True)
        return
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
    admin.dispose()


def bench_app(database_url: str, hash_method: str = PRODUCTION_HASH):
    """An app bound to the benchmark database, for seeding and counting."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "bench",
            "PASSWORD_HASH_METHOD": hash_method,
            "LOG_REQUESTS": False,
        }
    )


def _questions(version: BankVersion, count: int) -> None:
    topics = [Topic(version=version, position=i, title=f"Chủ đề {i + 1}") for i in range(4)]
    db.session.add_all(topics)
    for i in range(count):
        db.session.add(
            Question(
                version=version,
                topic=topics[i % 4],
                position=i,
                uid=f"q{i + 1:03d}",
                qtype=QuestionType.SINGLE,
                stem=f"Câu hỏi số {i + 1} về Nghị quyết Đại hội Đoàn toàn quốc lần thứ XII?",
                options=["Phương án A", "Phương án B", "Phương án C", "Phương án D"],
                answer={"correct": [i % 4]},
                explanation="Giải thích.",
                source="Nghị quyết XII",
                points=1.0,
            )
        )
    version.question_count = count


def seed(
    database_url: str,
    members: int,
    questions: int = 20,
    chapters: int = 50,
    quizzes: tuple[str, ...] = ("steady",),
    hash_method: str = PRODUCTION_HASH,
) -> Seeded:
    """Create the schema and the data; every member's password is PASSWORD."""
    app = bench_app(database_url, hash_method)
    with app.app_context():
        db.create_all()
        now = now_utc()
        province = Unit(kind="province", code="BENCH", name="Tỉnh đoàn Thử tải")
        db.session.add(province)
        db.session.flush()
        set_unit_path(province)
        district = Unit(kind="district", code="BENCH-D", name="Huyện đoàn Thử tải", parent=province)
        db.session.add(district)
        db.session.flush()
        set_unit_path(district)
        chapter_rows = []
        for i in range(chapters):
            c = Unit(
                kind="chapter", code=f"BENCH-C{i:03d}", name=f"Chi đoàn {i + 1}", parent=district
            )
            db.session.add(c)
            chapter_rows.append(c)
        db.session.flush()
        for c in chapter_rows:
            set_unit_path(c)
        from quizapp.services.accounts import hash_password

        # One scrypt hash shared by every account: each check still costs a full scrypt.
        shared_hash = hash_password(PASSWORD)
        logins = [f"DV{i:07d}" for i in range(1, members + 1)]
        db.session.execute(
            insert(Member),
            [
                {
                    "code": login,
                    "full_name": f"Đoàn viên {i}",
                    "chapter_id": chapter_rows[i % chapters].id,
                    "active": True,
                    "is_cadre": False,
                    "attributes": {},
                }
                for i, login in enumerate(logins)
            ],
        )
        ids = dict(db.session.execute(select(Member.code, Member.id)).all())
        db.session.execute(
            insert(User),
            [
                {
                    "login": login,
                    "display_name": f"Đoàn viên {i}",
                    "member_id": ids[login],
                    "password_hash": shared_hash,
                    "is_enabled": True,
                    "session_version": 1,
                    "created_at": now,
                }
                for i, login in enumerate(logins)
            ],
        )
        bank = Bank(slug="bench", title="Ngân hàng thử tải", created_at=now)
        version = BankVersion(
            bank=bank,
            number=1,
            checksum="0" * 64,
            source_format="yaml",
            title="Thử tải",
            imported_at=now,
        )
        db.session.add_all([bank, version])
        _questions(version, questions)
        quiz_ids = {}
        for name in quizzes:
            quiz = Quiz(
                title=f"Đợt thử tải {name}",
                bank_version=version,
                audience_unit=province,
                opens_at=now - timedelta(minutes=5),
                closes_at=now + timedelta(hours=6),
                time_limit_seconds=3600,
                attempts_allowed=1,
                review_policy=ReviewPolicy.SCORE_ONLY,
                created_at=now,
            )
            db.session.add(quiz)
            db.session.flush()
            quiz_ids[name] = quiz.id
        db.session.commit()
        refresh_roster_counts()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return Seeded(database_url, logins, quiz_ids, questions)


def set_window(database_url: str, quiz_id: int, opens_at: datetime, closes_at: datetime) -> None:
    """Move a quiz's window (the synchronised start and the close storm are timed with it)."""
    app = bench_app(database_url)
    with app.app_context():
        db.session.execute(
            update(Quiz).where(Quiz.id == quiz_id).values(opens_at=opens_at, closes_at=closes_at)
        )
        quiz = db.session.get(Quiz, quiz_id)
        # As the organiser's edit does: attempts in progress get the new close as deadline.
        attempts.refresh_deadlines(quiz, now_utc())
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
