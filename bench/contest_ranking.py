"""A contest round of 100,000 finished attempts: p95 of the console's ranking page and of the
XLSX download of the whole ranking.

Builds a fresh database (one province, 10 districts, 500 chapters, 100,000 members, one finished
attempt each with a score on a 20-question scale, a prediction guess for 90 % of them, times
from 2 to 10 minutes: many ties on score, fewer after the prediction and time), a contest with
the quiz as its round (1/2/3/10 prizes), rebuilds the read models as `quizapp reports rebuild`
does (the attempts are bulk-inserted), then requests the pages as an admin through the app:
the first page, page 50 and the last page, and the whole ranking as XLSX and CSV.

    python -m bench.contest_ranking                      # SQLite, 100,000 attempts
    python -m bench.contest_ranking --db postgresql
    python -m bench.contest_ranking --attempts 10000 --page-reps 10 --export-reps 3

Writes bench/results/contest_ranking_<db>.json.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.load import seed as seeding
from bench.load.stats import percentile, write_result

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
OPENS = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)


def generate(db, attempts: int, chapters: int, seed: int = 16) -> dict:
    """Units, members, a bank-less quiz row, finished attempts by bulk insert, the contest."""
    from sqlalchemy import insert

    from quizapp.models import (
        Attempt,
        AttemptState,
        Bank,
        BankVersion,
        Member,
        Quiz,
        Role,
        Unit,
        User,
        set_unit_path,
    )
    from quizapp.models.people import Grant
    from quizapp.services.contests import rounds
    from quizapp.services.reports import participation

    rng = random.Random(seed)
    province = Unit(name="Tỉnh đoàn Sơn La", kind="province", code="SL")
    db.session.add(province)
    db.session.flush()
    set_unit_path(province)
    districts = []
    for d in range(10):
        unit = Unit(
            name=f"Huyện đoàn số {d + 1}", kind="district", code=f"SL-D{d + 1:02d}", parent=province
        )
        db.session.add(unit)
        districts.append(unit)
    db.session.flush()
    for unit in districts:
        set_unit_path(unit)
    leaves = []
    for c in range(chapters):
        unit = Unit(
            name=f"Chi đoàn số {c + 1}",
            kind="chapter",
            code=f"SL-C{c + 1:05d}",
            parent=districts[c % len(districts)],
        )
        db.session.add(unit)
        leaves.append(unit)
    db.session.flush()
    for unit in leaves:
        set_unit_path(unit)
    db.session.flush()
    version = BankVersion(
        bank=Bank(slug="nq", title="Nghị quyết"), number=1, checksum="x", source_format="yaml"
    )
    quiz = Quiz(
        title="Tuần 1",
        bank_version=version,
        audience_unit=province,
        opens_at=OPENS,
        closes_at=OPENS + timedelta(days=7),
        prediction_question="Bao nhiêu người đúng hết?",
        prediction_answer=attempts // 50,
        grading_policy="highest",
    )
    db.session.add(quiz)
    db.session.flush()
    names = ["Nguyễn Văn An", "Lò Thị Mai", "Cầm Văn Bình", "Hà Thị Lan", "Vì Văn Dũng"]
    db.session.execute(
        insert(Member),
        [
            {
                "code": f"DV{n:07d}",
                "full_name": f"{rng.choice(names)} {n}",
                "chapter_id": leaves[n % chapters].id,
                "active": True,
            }
            for n in range(attempts)
        ],
    )
    member_ids = [m for (m,) in db.session.query(Member.id).order_by(Member.id)]
    rows = []
    for n, member_id in enumerate(member_ids):
        start = OPENS + timedelta(seconds=rng.randrange(6 * 86400))
        correct = min(20, max(0, round(rng.gauss(15, 3))))
        rows.append(
            {
                "quiz_id": quiz.id,
                "member_id": member_id,
                "number": 1,
                "state": AttemptState.FINISHED,
                "started_at": start,
                "deadline": start + timedelta(minutes=30),
                "finished_at": start + timedelta(seconds=rng.randrange(120, 600)),
                "score": correct,
                "max_score": 20,
                "percent": correct * 5.0,
                "passed": correct >= 10,
                "prediction_guess": rng.randrange(attempts // 25) if rng.random() < 0.9 else None,
            }
        )
        if len(rows) == 5000 or n == len(member_ids) - 1:
            db.session.execute(insert(Attempt.__table__), rows)
            rows = []
    contest = rounds.create_contest("Tìm hiểu Nghị quyết", province, OPENS)
    rounds.add_round(contest, quiz, "Tuần 1", first=1, second=2, third=3, consolation=10)
    admin = User(login="admin", display_name="admin", created_at=OPENS)
    db.session.add(admin)
    db.session.flush()
    db.session.add(Grant(user=admin, role=Role.ADMIN, unit=None))
    db.session.commit()
    started = time.perf_counter()
    participation.rebuild_quiz(quiz)
    db.session.commit()
    return {
        "attempts": attempts,
        "chapters": chapters,
        "quiz_id": quiz.id,
        "rebuild_s": round(time.perf_counter() - started, 1),
    }


def time_requests(app, quiz_id: int, last_page: int, page_reps: int, export_reps: int) -> dict:
    """p95 / median of the ranking page (first, 50th, last) and of the XLSX and CSV downloads,
    with the 1-minute load average of the machine around each."""
    from quizapp.extensions import db
    from quizapp.models import User

    with app.app_context():
        session_id = db.session.query(User).filter_by(login="admin").one().get_id()
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = session_id
        sess["_fresh"] = True
    out = {}
    for name, url, reps in (
        ("ranking_page", f"/org/quizzes/{quiz_id}/ranking", page_reps),
        ("ranking_page_50", f"/org/quizzes/{quiz_id}/ranking?page={min(50, last_page)}", page_reps),
        ("ranking_page_last", f"/org/quizzes/{quiz_id}/ranking?page={last_page}", page_reps),
        ("xlsx_export", f"/org/quizzes/{quiz_id}/ranking.xlsx", export_reps),
        ("csv_export", f"/org/quizzes/{quiz_id}/ranking.csv", export_reps),
    ):
        assert client.get(url).status_code == 200  # warm caches and templates
        load_before = os.getloadavg()[0]
        samples = []
        for _ in range(reps):
            started = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        out[name] = {
            "n": reps,
            "p95_ms": round(percentile(samples, 95) * 1000, 1),
            "median_ms": round(statistics.median(samples) * 1000, 1),
            "bytes": len(response.data),
            "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        }
        print(name, out[name], flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--chapters", type=int, default=500)
    parser.add_argument("--page-reps", type=int, default=20)
    parser.add_argument("--export-reps", type=int, default=5)
    args = parser.parse_args()
    url = seeding.fresh_database(
        args.db, "quizapp_contest_ranking", Path("/tmp/quizapp-contest-ranking")
    )

    from sqlalchemy import text

    from quizapp import create_app
    from quizapp.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "SERVER_NAME": "localhost",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "TESTING": False,
        }
    )
    logging.getLogger("quizapp").setLevel(logging.WARNING)
    result = {
        "db": args.db,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "command": " ".join(["python -m bench.contest_ranking", *sys.argv[1:]]),
    }
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        result["data"] = generate(db, args.attempts, args.chapters)
        result["data"]["generate_s"] = round(time.perf_counter() - started, 1)
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    print(result["data"], flush=True)
    result["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    result["requests"] = time_requests(
        app, result["data"]["quiz_id"], -(-args.attempts // 100), args.page_reps, args.export_reps
    )
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    out = RESULTS / f"contest_ranking_{args.db}.json"
    write_result(out, result)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
