"""Where the time of one answer save goes: cProfile over N saves through the WSGI app, in-process.

    python -m bench.save_profile --db sqlite --saves 2000

No HTTP server or client: the Flask test client calls the app directly, so what is left is
the app's own cost per save (Werkzeug/Flask, the session cookie, CSRF, the two statements,
JSON). Prints the share of time by area and the heaviest functions.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import time
from pathlib import Path

from sqlalchemy import event

from bench.load import seed as seeding
from quizapp.extensions import db
from quizapp.models import Attempt

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
AREAS = [
    ("sqlite3 / psycopg (the database itself)", re.compile(r"sqlite3|psycopg|method 'execute'")),
    ("SQLAlchemy (Core execution, result, pool)", re.compile(r"sqlalchemy")),
    (
        "Flask-WTF CSRF + itsdangerous (session cookie)",
        re.compile(r"flask_wtf|itsdangerous|hashlib|hmac"),
    ),
    ("Flask/Werkzeug request and response", re.compile(r"werkzeug|flask/")),
    ("JSON", re.compile(r"json")),
    ("quizapp", re.compile(r"quizapp")),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--saves", type=int, default=2000)
    parser.add_argument(
        "--starts", type=int, default=100, help="members who start (statements, ms each)"
    )
    args = parser.parse_args()
    url = seeding.fresh_database(
        args.db, f"quizapp_bench_profile_{args.db}", Path("/tmp/quizapp-bench-profile")
    )
    try:
        seeded = seeding.seed(
            url,
            args.starts + 1,
            questions=20,
            quizzes=("saturation", "starts"),
            hash_method=seeding.CHEAP_HASH,
        )
        app = seeding.bench_app(url, seeding.CHEAP_HASH)
        app.config.update(RATELIMIT_ENABLED=False, LOG_REQUESTS=False)
        client = app.test_client()
        page = client.get("/auth/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        assert (
            client.post(
                "/auth/login",
                data={"login": seeded.logins[0], "password": seeding.PASSWORD, "csrf_token": token},
            ).status_code
            == 302
        )
        home = client.get("/m/").get_data(as_text=True)
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', home) or re.search(
            r'name="csrf_token"[^>]*value="([^"]+)"', home
        )
        token = token.group(1)
        reply = client.post(
            f"/m/quizzes/{seeded.quiz_ids['saturation']}/start", data={"csrf_token": token}
        )
        attempt_id = int(reply.headers["Location"].rstrip("/").split("/")[-1])
        with app.app_context():
            questions = [i.question_id for i in db.session.get(Attempt, attempt_id).items]
            db.session.remove()
        headers = {"X-CSRFToken": token, "Accept": "application/json"}

        def save(n):
            r = client.post(
                "/m/api/answers",
                headers=headers,
                json={
                    "attempt": attempt_id,
                    "question": questions[n % len(questions)],
                    "answer": n % 2,
                    "seq": n,
                    "flagged": False,
                },
            )
            assert r.status_code == 200 and r.json["kept"], r.get_data(as_text=True)

        for n in range(1, 50):
            save(n)
        statements = []
        with app.app_context():
            engine = db.engine
        listener = lambda conn, cursor, statement, *a: statements.append(statement)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        save(49)  # a retry of the last save: acknowledged, nothing changes
        per_save = [s for s in statements if not s.lstrip().upper().startswith(CONTROL)]
        print(
            f"statements per save: {len(per_save)} (+ {len(statements) - len(per_save)} BEGIN/COMMIT)"
        )
        statements.clear()
        start_ms, page_ms, submit_ms = [], [], []
        for login in seeded.logins[1 : args.starts + 1]:
            other = app.test_client()
            page = other.get("/auth/login").get_data(as_text=True)
            tok = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            other.post(
                "/auth/login",
                data={"login": login, "password": seeding.PASSWORD, "csrf_token": tok},
            )
            # signing in starts a new session: take the token of the page the member lands on
            tok = re.search(
                r'<meta name="csrf-token" content="([^"]+)"',
                other.get("/m/").get_data(as_text=True),
            ).group(1)
            statements.clear()
            t0 = time.perf_counter()
            r = other.post(
                f"/m/quizzes/{seeded.quiz_ids['starts']}/start", data={"csrf_token": tok}
            )
            start_ms.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 302 and "/m/attempts/" in r.headers["Location"], r.headers
            t0 = time.perf_counter()
            page = other.get(r.headers["Location"])
            page_ms.append((time.perf_counter() - t0) * 1000)
            assert page.status_code == 200, page.status_code
            t0 = time.perf_counter()
            done = other.post(
                r.headers["Location"].rstrip("/") + "/submit", data={"csrf_token": tok}
            )
            submit_ms.append((time.perf_counter() - t0) * 1000)
            assert done.status_code == 302, done.status_code
        per_start = [s for s in statements if not s.lstrip().upper().startswith(CONTROL)]
        event.remove(engine, "before_cursor_execute", listener)
        print(
            f"statements per start (the last one, with its page and submission): {len(per_start)}"
        )
        for name, times in (("start", start_ms), ("quiz page", page_ms), ("submit", submit_ms)):
            times.sort()
            print(
                f"  {name} in-process p50 {times[len(times) // 2]:.1f} ms, "
                f"p95 {times[int(len(times) * 0.95)]:.1f} ms"
            )
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for n in range(50, 50 + args.saves):
            save(n)
        profile.disable()
        wall = time.perf_counter() - started
        stats = pstats.Stats(profile)
        total = sum(v[2] for v in stats.stats.values())  # tottime, every function once
        shares = dict.fromkeys([a for a, _ in AREAS] + ["other (test client, stdlib)"], 0.0)
        for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
            where = f"{filename} {name}"
            for area, pattern in AREAS:
                if pattern.search(where):
                    shares[area] += tottime
                    break
            else:
                shares["other (test client, stdlib)"] += tottime
        print(
            f"{args.saves} saves in {wall:.2f} s under the profiler: {wall * 1000 / args.saves:.2f} ms each"
        )
        for area, spent in sorted(shares.items(), key=lambda kv: -kv[1]):
            print(f"  {area:50s} {100 * spent / total:5.1f} %")
        stats.sort_stats("tottime").print_stats(15)
    finally:
        seeding.drop_database(url)


if __name__ == "__main__":
    main()
