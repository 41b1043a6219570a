"""Long fault runs: members keep answering while workers are killed or the database goes away.

    python -m bench.faults.run --fault kill --db sqlite --members 200 --seconds 60
    python -m bench.faults.run --fault terminate --db postgresql      # pg_terminate_backend, every 5 s
    python -m bench.faults.run --fault restart --db postgresql --i-know-this-restarts-postgresql

`kill`: kill -9 of a random gunicorn worker every --every seconds. `terminate`: every
connection of the benchmark database is cut (pg_terminate_backend), other databases are
untouched. `restart`: the whole PostgreSQL server restarts (pg_ctlcluster) — every other
user of this server sees it too, so it refuses to run without the flag; run it alone.

The members behave like quiz.js: a failed save (5xx, lost reply) is retried with the same
sequence number. At the end everyone submits; then the answers in the database are compared
with those acknowledged, and every attempt must be finalised exactly once.
Writes bench/results/faults-<fault>-<db>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.load import scenarios, verify
from bench.load import seed as seeding
from bench.load.member import an_answer
from bench.load.run import summarise
from bench.load.server import Server
from bench.load.stats import machine, write_result

RESULTS = Path(__file__).resolve().parents[1] / "results"


def terminate_connections(url: str) -> int:
    """Cut every connection to the benchmark database; returns how many."""
    u = make_url(url)
    engine = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        cut = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :d AND pid <> pg_backend_pid()"
            ),
            {"d": u.database},
        ).scalar()
    engine.dispose()
    return int(cut or 0)


def restart_postgresql() -> float:
    """Restart the local PostgreSQL cluster; returns how long it took."""
    version = sorted(os.listdir("/etc/postgresql"))[0]
    started = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        timeout=120,
    )
    return time.monotonic() - started


async def faulty_period(args, server: Server, takers, quiz_id: int, url: str) -> tuple:
    """Members answer back to back (with think time) while the fault strikes every --every s."""
    run = scenarios.Run(f"fault_{args.fault}")
    scenarios._rebind(takers, run)
    ok = await asyncio.gather(*(t.start(quiz_id, kind="setup") for t in takers))
    run.attempts = [t.attempt_id for t, good in zip(takers, ok) if good]
    events: list[dict] = []
    end = time.monotonic() + args.seconds
    run.started = time.monotonic()

    async def member(t, rng):
        n = 0
        while time.monotonic() < end:
            qid, qtype = t.questions[n % len(t.questions)]
            n += 1
            await t.save(qid, an_answer(qtype, n), retries=12)
            await asyncio.sleep(rng.uniform(0.2, 1.0))

    async def striker():
        rng = random.Random(5)
        while time.monotonic() + args.every < end:
            await asyncio.sleep(args.every)
            at = round(time.monotonic() - run.started, 1)
            if args.fault == "kill":
                pids = server.worker_pids()
                if pids:
                    victim = rng.choice(pids)
                    os.kill(victim, signal.SIGKILL)
                    events.append({"t": at, "killed": victim})
            elif args.fault == "terminate":
                events.append(
                    {"t": at, "terminated": await asyncio.to_thread(terminate_connections, url)}
                )
            else:
                events.append(
                    {"t": at, "restart_s": round(await asyncio.to_thread(restart_postgresql), 1)}
                )

    await asyncio.gather(
        striker(),
        *(member(t, random.Random(i)) for i, (t, good) in enumerate(zip(takers, ok)) if good),
    )
    for t, good in zip(takers, ok):
        if good:
            await t.submit(retries=12)
    run.ended = time.monotonic()
    return run, events


async def main_async(args, server: Server, seeded) -> dict:
    conn = scenarios.connector()
    takers, _ = await scenarios.sign_in_all(
        server.url, seeded.logins[: args.members], seeding.PASSWORD, conn, 8
    )
    before = (server.cpu_seconds(), 0.0)
    run, events = await faulty_period(
        args, server, list(takers.values()), seeded.quiz_ids["fault"], seeded.database_url
    )
    result = summarise(run, server, before, None)
    result["events"] = events
    result["check"] = verify.check(seeded.database_url, run, seeded.quiz_ids["fault"], True)
    for t in takers.values():
        await t.close()
    await conn.close()
    return result


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fault", choices=["kill", "terminate", "restart"], required=True)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--every", type=float, default=5)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--i-know-this-restarts-postgresql", dest="restart_ok", action="store_true")
    args = parser.parse_args()
    if args.fault in ("terminate", "restart") and args.db != "postgresql":
        parser.error("this fault needs --db postgresql")
    if args.fault == "restart" and not args.restart_ok:
        parser.error(
            "restarting PostgreSQL disturbs everyone using it: add --i-know-this-restarts-postgresql"
        )

    url = seeding.fresh_database(
        args.db, f"quizapp_bench_faults_{args.db}", Path("/tmp/quizapp-bench")
    )
    info = machine()
    try:
        seeded = seeding.seed(url, args.members, quizzes=("fault",), hash_method=seeding.CHEAP_HASH)
        config = {
            "SECRET_KEY": "bench-secret",
            "RATELIMIT_ENABLED": False,
            "LOG_REQUESTS": False,
            "PASSWORD_HASH_METHOD": seeding.CHEAP_HASH,
        }
        with Server(
            url,
            config,
            workers=args.workers,
            threads=args.threads,
            log_path=Path(f"/tmp/quizapp-bench/faults-{args.fault}-gunicorn.log"),
        ) as server:
            result = asyncio.run(main_async(args, server, seeded))
    finally:
        seeding.drop_database(url)
    report = {
        "bench": "faults",
        "fault": args.fault,
        "db": args.db,
        "members": args.members,
        "seconds": args.seconds,
        "every_s": args.every,
        "machine": info,
        **result,
        "command": f"python -m bench.faults.run --fault {args.fault} --db {args.db} "
        f"--members {args.members} --seconds {args.seconds:g} --every {args.every:g}",
    }
    out = RESULTS / f"faults-{args.fault}-{args.db}.json"
    write_result(out, report)
    print(
        json.dumps(
            {k: report[k] for k in ("fault", "db", "check", "errors_first_try", "retries")},
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
