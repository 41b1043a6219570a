"""Load benchmark: real HTTP flows against gunicorn on this machine, compared with a ceiling.

    python -m bench.load.run --db sqlite
    python -m bench.load.run --db postgresql
    python -m bench.load.run --db sqlite --small        # a quick look (cheap hashes, few members)

Order: the ceiling (a minimal Flask endpoint, same gunicorn settings, same client), then
quizapp: sign everyone in, saturation (answer saves back to back: the ratio to the
ceiling), steady, synchronised start, close storm. After each scenario the answers in
the database are checked against the answers acknowledged to the clients. Writes
bench/results/load-<db>.json and prints the table rows for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.load import scenarios, verify
from bench.load import seed as seeding
from bench.load.server import Server
from bench.load.stats import machine, summary_ms, write_result
from quizapp.clock import now_utc

RESULTS = Path(__file__).resolve().parents[1] / "results"
EXPECTED = {
    "save": 200,
    "save_retry": 200,
    "start": 302,
    "page": 200,
    "submit": 302,
    "submit_retry": 302,
    "setup": 302,
    "setup_save": 200,
    "home": 200,
    "login_form": 200,
    "login": 302,
}


def pg_backend_cpu(url: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends serving the benchmark database."""
    u = make_url(url)
    if u.get_backend_name() != "postgresql":
        return 0.0
    engine = create_engine(u.set(database="postgres"))
    with engine.connect() as conn:
        pids = (
            conn.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = :d"), {"d": u.database}
            )
            .scalars()
            .all()
        )
    engine.dispose()
    import os

    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue
    return total


def summarise(run, server: Server | None, cpu_before: tuple[float, float], url: str | None) -> dict:
    """Throughput, latency percentiles and errors per request kind, and CPU per request."""
    kinds = sorted({o.kind for o in run.recorder.outcomes})
    out = {"scenario": run.name, "seconds": round(run.seconds, 1), "kinds": {}}
    total = 0
    for kind in kinds:
        outcomes = run.recorder.of(kind)
        errors = sum(o.status != EXPECTED.get(kind, 200) for o in outcomes)
        total += len(outcomes)
        out["kinds"][kind] = {
            **summary_ms([o.seconds for o in outcomes]),
            "errors": errors,
            "statuses": _statuses(outcomes),
            "per_s": round(len(outcomes) / run.seconds, 1) if run.seconds > 0 else None,
        }
    out["requests"] = total
    out["errors_first_try"] = sum(
        v["errors"] for k, v in out["kinds"].items() if not k.endswith("_retry")
    )
    out["retries"] = sum(v["count"] for k, v in out["kinds"].items() if k.endswith("_retry"))
    if server is not None:
        app_cpu = server.cpu_seconds() - cpu_before[0]
        db_cpu = (pg_backend_cpu(url) - cpu_before[1]) if url else 0.0
        out["app_cpu_s"], out["db_cpu_s"] = round(app_cpu, 2), round(db_cpu, 2)
        if total:
            out["app_cpu_ms_per_request"] = round(app_cpu * 1000 / total, 2)
            out["db_cpu_ms_per_request"] = round(db_cpu * 1000 / total, 2)
    out.update(run.notes)
    return out


def _statuses(outcomes) -> dict:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[str(o.status)] = counts.get(str(o.status), 0) + 1
    return counts


def cpu_now(server: Server, url: str) -> tuple[float, float]:
    return server.cpu_seconds(), pg_backend_cpu(url)


async def quizapp_runs(args, server: Server, seeded: seeding.Seeded, results: dict) -> None:
    """Sign in, then the scenarios, each followed by the lost-answer check."""
    url = seeded.database_url
    conn = scenarios.connector()
    needed = max(
        args.saturation_concurrency, args.steady_members, args.sync_members, args.storm_members
    )
    before = cpu_now(server, url)
    takers, signin_run = await scenarios.sign_in_all(
        server.url,
        seeded.logins[:needed],
        seeding.PASSWORD,
        conn,
        concurrency=args.signin_concurrency,
    )
    results["sign_in"] = summarise(signin_run, server, before, url)
    results["sign_in"]["signed_in"] = len(takers)
    print(f"signed in {len(takers)} in {signin_run.seconds:.0f} s", flush=True)
    ordered = [takers[login] for login in seeded.logins[:needed] if login in takers]
    plan = [s for s in args.scenarios.split(",") if s != "ceiling"]

    if "saturation" in plan:
        before = cpu_now(server, url)
        run = await scenarios.saturation(
            ordered[: args.saturation_concurrency],
            seeded.quiz_ids["saturation"],
            args.saturation_seconds,
        )
        results["saturation"] = {
            **summarise(run, server, before, url),
            "check": verify.check(url, run, seeded.quiz_ids["saturation"], False),
        }
        print(json.dumps(results["saturation"]["kinds"].get("save")), flush=True)
    if "steady" in plan:
        before = cpu_now(server, url)
        run = await scenarios.steady(
            ordered[: args.steady_members],
            seeded.quiz_ids["steady"],
            args.steady_arrival,
            (args.think_min, args.think_max),
        )
        results["steady"] = {
            **summarise(run, server, before, url),
            "check": verify.check(url, run, seeded.quiz_ids["steady"], True),
        }
        print(json.dumps(results["steady"]["kinds"].get("save")), flush=True)
    if "sync_start" in plan:
        opens_in = 8.0
        now = now_utc()
        seeding.set_window(
            url,
            seeded.quiz_ids["sync_start"],
            now + timedelta(seconds=opens_in),
            now + timedelta(hours=2),
        )
        before = cpu_now(server, url)
        run = await scenarios.synchronised_start(
            ordered[: args.sync_members],
            seeded.quiz_ids["sync_start"],
            opens_in - (now_utc() - now).total_seconds(),
            args.sync_spread,
            (args.think_min, args.think_max),
            args.sync_questions,
        )
        results["sync_start"] = {
            **summarise(run, server, before, url),
            "check": verify.check(url, run, seeded.quiz_ids["sync_start"], True),
        }
        print(json.dumps(results["sync_start"]["kinds"].get("start")), flush=True)
    if "close_storm" in plan:
        storm_takers = ordered[: args.storm_members]
        setup = await scenarios.storm_setup(
            storm_takers, seeded.quiz_ids["close_storm"], 3, args.signin_concurrency * 4
        )
        closes_in = args.storm_window + 5.0
        now = now_utc()
        seeding.set_window(
            url,
            seeded.quiz_ids["close_storm"],
            now - timedelta(hours=1),
            now + timedelta(seconds=closes_in),
        )
        closes_in -= (now_utc() - now).total_seconds()
        before = cpu_now(server, url)
        run = await scenarios.close_storm(storm_takers, closes_in, args.storm_window, setup)
        results["close_storm"] = {
            **summarise(run, server, before, url),
            "setup_seconds": round(setup.seconds, 1),
            "check": verify.check(url, run, seeded.quiz_ids["close_storm"], True),
        }
        print(json.dumps(results["close_storm"]["kinds"].get("submit")), flush=True)
    for t in takers.values():
        await t.close()
    await conn.close()


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--scenarios", default="ceiling,saturation,steady,sync_start,close_storm")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--hash", choices=["production", "cheap"], default="production")
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--signin-concurrency", type=int, default=6)
    parser.add_argument("--saturation-concurrency", type=int, default=32)
    parser.add_argument("--saturation-seconds", type=float, default=20)
    parser.add_argument("--steady-members", type=int, default=300)
    parser.add_argument("--steady-arrival", type=float, default=20)
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=3.0)
    parser.add_argument("--sync-members", type=int, default=500)
    parser.add_argument("--sync-spread", type=float, default=10)
    parser.add_argument("--sync-questions", type=int, default=5)
    parser.add_argument("--storm-members", type=int, default=2000)
    parser.add_argument("--storm-window", type=float, default=60)
    parser.add_argument(
        "--small", action="store_true", help="a quick look: cheap hashes, 60 members"
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.small:
        args.hash = "cheap"
        args.steady_members = args.sync_members = args.storm_members = 60
        args.saturation_concurrency, args.saturation_seconds = 16, 8
        args.storm_window, args.steady_arrival = 20, 5

    results: dict = {
        "bench": "load",
        "db": args.db,
        "workers": args.workers,
        "threads": args.threads,
        "hash": args.hash,
        "client": "aiohttp (asyncio), 200 connections",
        "machine": machine(),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }
    plan = args.scenarios.split(",")
    if "ceiling" in plan:
        with Server(
            app="bench.load.ceiling:app", workers=args.workers, threads=args.threads
        ) as ceiling:
            before = ceiling.cpu_seconds()
            run = asyncio.run(
                scenarios.closed_loop(
                    ceiling.url, args.saturation_concurrency, args.saturation_seconds
                )
            )
            results["ceiling"] = summarise(run, ceiling, (before, 0.0), None)
        print(json.dumps(results["ceiling"]["kinds"]["save"]), flush=True)

    members = max(
        args.saturation_concurrency, args.steady_members, args.sync_members, args.storm_members
    )
    name = f"quizapp_bench_load_{args.db}"
    url = seeding.fresh_database(args.db, name, Path("/tmp/quizapp-bench"))
    started = time.monotonic()
    try:
        seeded = seeding.seed(
            url,
            members,
            questions=args.questions,
            quizzes=("saturation", "steady", "sync_start", "close_storm"),
            hash_method=seeding.PRODUCTION_HASH
            if args.hash == "production"
            else seeding.CHEAP_HASH,
        )
        config = {
            "SECRET_KEY": "bench-secret",
            "RATELIMIT_ENABLED": False,
            "LOG_REQUESTS": True,
            "PASSWORD_HASH_METHOD": seeding.PRODUCTION_HASH
            if args.hash == "production"
            else seeding.CHEAP_HASH,
        }
        with Server(
            url,
            config,
            workers=args.workers,
            threads=args.threads,
            log_path=Path(f"/tmp/quizapp-bench/load-{args.db}-gunicorn.log"),
        ) as server:
            asyncio.run(quizapp_runs(args, server, seeded, results))
    finally:
        seeding.drop_database(url)
    results["wall_s"] = round(time.monotonic() - started, 1)
    if "ceiling" in results and "saturation" in results:
        c = results["ceiling"]["kinds"]["save"]["per_s"]
        s = results["saturation"]["kinds"]["save"]["per_s"]
        results["ratio_saves_to_ceiling"] = round(s / c, 3) if c else None
    out = args.out or RESULTS / f"load-{args.db}.json"
    write_result(out, results)
    print(f"wrote {out}")
    print(json.dumps({k: results.get(k) for k in ("ratio_saves_to_ceiling", "wall_s")}))


if __name__ == "__main__":
    main()
