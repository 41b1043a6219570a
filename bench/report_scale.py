"""Participation reports at province scale: 300,000 members in 6,000 chapters, 1,000,000 attempts.

Builds the province with bulk inserts straight into the tables (units, members, one quiz,
attempts), then derives the report read models the way an operator would after a restore:
`participation.rebuild_quiz` + `refresh_roster_counts` (timed too). Then, through the Flask
test client as a signed-in province secretary, it times:

* the province page (totals, 12 districts with sparklines, breakdowns, trend + projection),
* a chapter page (50 members with status, the reminder list),
* finalising an attempt: `participation.record_finish` on a fresh finished attempt + commit.

Not a test; prints a table and writes bench/results/report_scale_<db>.json.

    python -m bench.report_scale                                   # SQLite in /tmp
    python -m bench.report_scale --db postgresql                   # PostgreSQL on 127.0.0.1
    python -m bench.report_scale --reuse                           # skip generation if present
    python -m bench.report_scale --members 30000 --chapters 600 --attempts 100000   # quick run
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.load.stats import write_result

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
DISTRICTS = [
    "Thành phố Sơn La",
    "Mai Sơn",
    "Mộc Châu",
    "Thuận Châu",
    "Sông Mã",
    "Quỳnh Nhai",
    "Mường La",
    "Yên Châu",
    "Sốp Cộp",
    "Vân Hồ",
    "Bắc Yên",
    "Phù Yên",
]
GROUPS = ["Học sinh", "Sinh viên", "Công nhân", "Nông dân", "Công chức"]
# The campaign: opened 20 days before "now", closes 10 days after; the bench runs at NOW.
NOW = datetime(2025, 4, 21, 7, 0, tzinfo=UTC)
OPENS = NOW - timedelta(days=20)
CLOSES = NOW + timedelta(days=10)
SQLITE_PATH = Path("/tmp/quizapp_report_scale.sqlite")
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/quizapp_report_scale"


def _names():
    try:
        from quizapp.services.demo.province import _person

        return _person
    except ImportError:  # the demo module is optional here

        def person(rng):
            return (
                rng.choice(["Lò", "Cầm", "Quàng", "Nguyễn"])
                + " Văn "
                + rng.choice(["An", "Bình", "Lan"]),
                rng.choice(["nam", "nu"]),
                rng.choice(["Thái", "Kinh", "Mông"]),
            )

        return person


def _pg_database(url: str, fresh: bool) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
        ).scalar()
        if fresh and exists:
            conn.execute(text(f'DROP DATABASE "{parsed.database}" WITH (FORCE)'))
            exists = False
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def _insert(db, table, rows, pg_copy: bool) -> None:
    """Bulk insert: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    if pg_copy:
        cols = list(rows[0])
        raw = db.session.connection().connection.driver_connection
        with (
            raw.cursor() as cur,
            cur.copy(f'COPY "{table.name}" ({", ".join(cols)}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row([_copy_value(row[c]) for c in cols])
    else:
        db.session.execute(table.insert(), rows)


def _copy_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def generate(db, members: int, chapters: int, attempts: int, seed: int = 11) -> dict:
    """Units, members, a quiz and attempts by bulk insert; returns counts and timings."""
    from quizapp.models import Attempt, Bank, BankVersion, Grant, Member, Quiz, Role, Unit, User

    pg = db.engine.dialect.name == "postgresql"
    rng = random.Random(seed)
    person = _names()
    started = time.perf_counter()
    units, next_id = [], 1

    def unit(name, kind, parent, code):
        nonlocal next_id
        uid, next_id = next_id, next_id + 1
        path = (parent["path"] if parent else "/") + f"{uid}/"
        row = {
            "id": uid,
            "parent_id": parent["id"] if parent else None,
            "kind": kind,
            "code": code,
            "name": name,
            "path": path,
            "depth": path.count("/") - 2,
        }
        units.append(row)
        return row

    province = unit("Tỉnh đoàn Sơn La", "province", None, "SL")
    districts = [
        unit(f"Huyện đoàn {d}", "district", province, f"SL-{i:02d}")
        for i, d in enumerate(DISTRICTS)
    ]
    communes_count = max(1, chapters // 12)
    communes = [
        unit(f"Đoàn xã số {c + 1}", "grassroots", districts[c % len(districts)], f"SL-X{c:04d}")
        for c in range(communes_count)
    ]
    chapter_rows = [
        unit(
            f"Chi đoàn bản số {n % 12 + 1} ({n + 1})",
            "chapter",
            communes[n % communes_count],
            f"SL-C{n:05d}",
        )
        for n in range(chapters)
    ]
    _insert(db, Unit.__table__, units, False)

    member_rows = []
    for i in range(members):
        name, gender, ethnicity = person(rng)
        member_rows.append(
            {
                "id": i + 1,
                "code": f"SL{i + 1:07d}",
                "full_name": name,
                "gender": gender,
                "ethnicity": ethnicity,
                "phone": f"09{i:08d}",
                "is_cadre": rng.random() < 0.06,
                "active": True,
                "chapter_id": chapter_rows[i % chapters]["id"],
                "attributes": {"Đối tượng": rng.choice(GROUPS)},
            }
        )
    for start in range(0, members, 50000):
        _insert(db, Member.__table__, member_rows[start : start + 50000], pg)

    bank = Bank(slug="nghi-quyet-xii", title="Nghị quyết Đại hội Đoàn XII")
    version = BankVersion(bank=bank, number=1, checksum="bench", source_format="yaml")
    quiz = Quiz(
        title="Tìm hiểu Nghị quyết Đại hội Đoàn toàn quốc lần thứ XII",
        bank_version=version,
        audience_unit_id=province["id"],
        opens_at=OPENS,
        closes_at=CLOSES,
        attempts_allowed=None,
        target_rate=90.0,
        target_date=(NOW + timedelta(days=7)).date(),
        pass_mark=50.0,
    )
    db.session.add(quiz)
    db.session.flush()

    # Districts differ in zeal, so the province page has a ranking to show.
    zeal = {d["id"]: 0.55 + 0.035 * i for i, d in enumerate(districts)}
    district_of = {c["id"]: int(c["path"].strip("/").split("/")[1]) for c in chapter_rows}
    attempt_rows, attempt_id, in_progress = [], 0, 0
    # attempts per participant, so that the target count is reached before the roster runs out
    mean = max(1.0, attempts / (members * statistics.fmean(zeal.values())) * 1.4)
    order = list(range(members))
    rng.shuffle(order)
    for i in order:
        if attempt_id >= attempts:
            break
        m = member_rows[i]
        if rng.random() > zeal[district_of[m["chapter_id"]]]:
            continue
        n = 1 + int(rng.expovariate(1 / (mean - 1))) if mean > 1 else 1
        n = min(n, attempts - attempt_id)
        # first start skewed to the campaign's early days; later attempts follow
        at = OPENS + timedelta(days=min(19.9, rng.expovariate(1 / 6)), minutes=rng.randint(0, 600))
        for number in range(1, n + 1):
            attempt_id += 1
            finished = at + timedelta(minutes=rng.randint(5, 29))
            still_running = finished > NOW
            in_progress += still_running
            percent = round(min(100.0, max(0.0, rng.gauss(68, 18))), 1)
            attempt_rows.append(
                {
                    "id": attempt_id,
                    "quiz_id": quiz.id,
                    "member_id": m["id"],
                    "number": number,
                    "state": "in_progress" if still_running else "finished",
                    "started_at": at,
                    "deadline": at + timedelta(minutes=30),
                    "finished_at": None if still_running else finished,
                    "score": None if still_running else percent / 10,
                    "max_score": 10.0,
                    "percent": None if still_running else percent,
                    "passed": None if still_running else percent >= 50,
                }
            )
            at = finished + timedelta(hours=rng.uniform(0.2, 30))
            if still_running or at >= NOW:
                break
        if len(attempt_rows) >= 50000:
            _insert(db, Attempt.__table__, attempt_rows, pg)
            attempt_rows = []
    _insert(db, Attempt.__table__, attempt_rows, pg)

    staff = []
    for login, role, unit_id in (
        ("bithu.tinh", Role.SECRETARY, province["id"]),
        ("bithu.chidoan", Role.SECRETARY, chapter_rows[0]["id"]),
    ):
        user = User(login=login, display_name=login, password_hash=None, created_at=NOW)
        db.session.add(user)
        db.session.flush()
        db.session.add(Grant(user_id=user.id, role=role, unit_id=unit_id))
        staff.append(user.id)
    if pg:
        from sqlalchemy import text

        for table in ("unit", "member", "attempt"):
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    db.session.commit()
    return {
        "units": len(units),
        "members": members,
        "chapters": chapters,
        "attempts": attempt_id,
        "attempts_in_progress": in_progress,
        "generate_seconds": round(time.perf_counter() - started, 1),
    }


def derive_read_models(db) -> dict:
    """What an operator runs after loading raw rows: `quizapp reports rebuild`."""
    from quizapp.models import Quiz
    from quizapp.services.reports import participation
    from quizapp.services.reports.roster_counts import refresh_roster_counts

    started = time.perf_counter()
    refresh_roster_counts()
    db.session.commit()
    roster_seconds = time.perf_counter() - started
    quiz = db.session.query(Quiz).one()
    started = time.perf_counter()
    participation.rebuild_quiz(quiz)
    db.session.commit()
    return {
        "refresh_roster_counts_seconds": round(roster_seconds, 1),
        "rebuild_quiz_seconds": round(time.perf_counter() - started, 1),
    }


def _stats(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def q(p):
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "p50_ms": round(q(0.50) * 1000, 1),
        "p95_ms": round(q(0.95) * 1000, 1),
        "p99_ms": round(q(0.99) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1),
    }


def time_pages(app, reps: int) -> dict:
    """Province and chapter pages through the test client, signed in as the province secretary.

    Requests run outside any app context, so each one gets its own database session and loads
    the user, quiz and units afresh, as under gunicorn.
    """
    from quizapp.extensions import db
    from quizapp.models import Member, Quiz, Unit, User
    from quizapp.web.reports import views

    views.now_utc = lambda: NOW  # the campaign's "today", so the projection is meaningful
    with app.app_context():
        quiz_id = db.session.query(Quiz.id).scalar()
        province_id = db.session.query(Unit.id).filter_by(code="SL").scalar()
        chapter_id = db.session.query(Member.chapter_id).filter(Member.id == 1).scalar()
        session_id = db.session.query(User).filter_by(login="bithu.tinh").one().get_id()
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = session_id
        sess["_fresh"] = True
    out = {}
    for name, url, n in (
        ("province_page", f"/reports/quizzes/{quiz_id}/units/{province_id}", reps),
        ("chapter_page", f"/reports/quizzes/{quiz_id}/units/{chapter_id}", reps * 2),
        ("overview_page", f"/reports/units/{province_id}", reps),
    ):
        for _ in range(3):  # warm caches and templates
            assert client.get(url).status_code == 200
        samples = []
        for _ in range(n):
            start = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        out[name] = {"url": url, **_stats(samples), "bytes": len(response.data)}
    return out


def time_finalise(db, reps: int, seed: int = 5) -> dict:
    """record_finish on a fresh finished attempt, then commit: the counter upkeep at finalisation."""
    from sqlalchemy import func, select

    from quizapp.models import Attempt, AttemptState, Member, Quiz
    from quizapp.services.reports import participation

    rng = random.Random(seed)
    quiz = db.session.query(Quiz).one()
    total_members = db.session.scalar(select(func.count()).select_from(Member))
    with_counter, whole = [], []
    for _ in range(reps):
        member = db.session.get(Member, rng.randint(1, total_members))
        number = (
            db.session.scalar(
                select(func.max(Attempt.number)).where(
                    Attempt.quiz_id == quiz.id, Attempt.member_id == member.id
                )
            )
            or 0
        ) + 1
        at = NOW - timedelta(minutes=20)
        t0 = time.perf_counter()
        attempt = Attempt(
            quiz_id=quiz.id,
            member_id=member.id,
            number=number,
            started_at=at,
            deadline=at + timedelta(minutes=30),
            finished_at=NOW,
            state=AttemptState.FINISHED,
            percent=round(rng.uniform(20, 100), 1),
            score=5.0,
            max_score=10.0,
        )
        db.session.add(attempt)
        db.session.flush()
        t1 = time.perf_counter()
        participation.record_finish(attempt)
        db.session.commit()
        t2 = time.perf_counter()
        with_counter.append(t2 - t1)
        whole.append(t2 - t0)
    db.session.rollback()
    return {
        "record_finish_commit": _stats(with_counter),
        "insert_attempt_record_finish_commit": _stats(whole),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--url", help="database URL (default: a file in /tmp, or quizapp_report_scale on 127.0.0.1)"
    )
    parser.add_argument("--members", type=int, default=300_000)
    parser.add_argument("--chapters", type=int, default=6_000)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--finalise-reps", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="keep an existing generated database")
    args = parser.parse_args()

    url = args.url or (f"sqlite:///{SQLITE_PATH}" if args.db == "sqlite" else PG_URL)
    if args.db == "sqlite" and not args.reuse and SQLITE_PATH.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    if args.db == "postgresql":
        _pg_database(url, fresh=not args.reuse)

    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.models import Quiz

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
    app.logger.setLevel(logging.WARNING)
    result = {
        "db": args.db,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "command": " ".join(["python -m bench.report_scale", *sys.argv[1:]]),
    }
    with app.app_context():
        db.create_all()
        out = RESULTS / f"report_scale_{args.db}.json"
        if args.reuse and db.session.query(Quiz).count():
            earlier = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
            result["data"] = {**earlier.get("data", {}), "reused": True}
            if "read_models" in earlier:
                result["read_models"] = earlier["read_models"]
        else:
            print("generating…", flush=True)
            result["data"] = generate(db, args.members, args.chapters, args.attempts)
            print(result["data"], flush=True)
            result["read_models"] = derive_read_models(db)
            print(result["read_models"], flush=True)
        from sqlalchemy import text

        db.session.execute(text("ANALYZE"))  # planner statistics, as after any bulk load
        db.session.commit()
    # the machine is shared: record how busy it was while timing
    result["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    result["pages"] = time_pages(app, args.reps)
    with app.app_context():
        result["finalise"] = time_finalise(db, args.finalise_reps)
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    targets = {"province_page": 150, "chapter_page": 50}
    result["targets_ms"] = {**targets, "record_finish_commit": 20}
    result["met"] = {
        **{k: result["pages"][k]["p95_ms"] < v for k, v in targets.items()},
        "record_finish_commit": result["finalise"]["record_finish_commit"]["p95_ms"] < 20,
    }
    write_result(out, result)
    print(f"\n{'measure':40} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    rows = [*result["pages"].items(), *result["finalise"].items()]
    for name, s in rows:
        print(f"{name:40} {s['p50_ms']:8} {s['p95_ms']:8} {s['p99_ms']:8}")
    print(
        f"targets met: {result['met']}; load average {result['load_average_before']} → "
        f"{result['load_average_after']}\nwritten to {out}"
    )


if __name__ == "__main__":
    main()
