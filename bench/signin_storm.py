"""Sign-in storm: N members sign in within T seconds against gunicorn on this machine.

Each member GETs the form and POSTs the password (a full scrypt check at the production
cost); when told to wait (503 + Retry-After from the password gate, or 429) it waits and
tries again like a patient person. Meanwhile a member who is already signed in keeps
using the site (the probe), to show what the storm does to everyone else.

    python -m bench.signin_storm --members 5000 --seconds 300 --db sqlite --gate on
    python -m bench.signin_storm --members 1000 --seconds 60 --gate off   # the control

Writes bench/results/signin_storm-<db>-<gate>-<members>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import aiohttp

from bench.load import seed as seeding
from bench.load.member import Member, Recorder
from bench.load.server import Server
from bench.load.stats import machine, summary_ms, write_result

RESULTS = Path(__file__).resolve().parent / "results"


def server_config(gate: bool, redis_url: str) -> dict:
    """The app's settings for the run: production hash cost, limits in Redis, gate on or off."""
    config = {
        "SECRET_KEY": "bench-secret",
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": f"bench-{uuid.uuid4().hex[:8]}",
        # Every simulated member comes from 127.0.0.1: only the per-account limit is meaningful.
        "RATELIMIT_LOGIN_PER_ADDRESS": "1000000 per 5 minutes",
        "LOG_REQUESTS": False,
    }
    if not gate:
        config.update(PASSWORD_CHECK_SLOTS=10000, PASSWORD_CHECK_QUEUE=0)
    return config


async def probe(
    base: str,
    login: str,
    stop: asyncio.Event,
    recorder: Recorder,
    path: str,
    connector: aiohttp.BaseConnector,
) -> None:
    """A signed-in member loading a page twice a second while the storm goes on."""
    member = Member(base, login, seeding.PASSWORD, connector, recorder)
    await member.sign_in()
    while not stop.is_set():
        await member.request("probe", "GET", path)
        await asyncio.sleep(0.5)
    await member.close()


async def storm(
    base: str, logins: list[str], seconds: float, retry_scale: float, probe_path: str
) -> dict:
    """Run the storm; return the measured summary."""
    recorder = Recorder()
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    stop = asyncio.Event()
    probe_task = asyncio.create_task(probe(base, logins[0], stop, recorder, probe_path, connector))
    await asyncio.sleep(2)
    rng = random.Random(7)
    arrivals = sorted(rng.uniform(0, seconds) for _ in logins[1:])
    results: list[tuple[bool, int, float]] = []
    t0 = time.monotonic()

    async def one(login: str, at: float) -> None:
        await asyncio.sleep(max(0.0, t0 + at - time.monotonic()))
        member = Member(base, login, seeding.PASSWORD, connector, recorder)
        started = time.monotonic()
        # Everyone stops trying two minutes after the window: the run is bounded in time.
        ok, tries = await member.sign_in(
            retry_scale=retry_scale, give_up_after=max(30.0, seconds + 120 - at)
        )
        results.append((ok, tries, time.monotonic() - started))
        await member.close()

    tasks = [asyncio.create_task(one(login, at)) for login, at in zip(logins[1:], arrivals)]
    # Bounded: whoever is still not signed in 2.5 minutes after the window counts as not signed in.
    _done, pending = await asyncio.wait(tasks, timeout=seconds + 150)
    for task in pending:
        task.cancel()
    unfinished = len(pending)
    elapsed = time.monotonic() - t0
    stop.set()
    await probe_task
    await connector.close()
    posts = recorder.of("login")
    statuses = Counter(str(o.status) for o in posts)
    return {
        "members": len(logins) - 1,
        "window_s": seconds,
        "elapsed_s": round(elapsed, 1),
        "unfinished_at_deadline": unfinished,
        "signed_in": sum(ok for ok, _, _ in results),
        "failed": sum(not ok for ok, _, _ in results),
        "tries_total": sum(t for _, t, _ in results),
        "members_retried": sum(t > 1 for _, t, _ in results),
        "login_post_statuses": dict(statuses),
        "login_form_statuses": dict(Counter(str(o.status) for o in recorder.of("login_form"))),
        "timeouts": statuses.get("0", 0),
        "server_errors": sum(
            v for k, v in statuses.items() if k not in ("302", "503", "429") and k != "200"
        ),
        "login_post_latency": summary_ms([o.seconds for o in posts]),
        "accepted_post_latency": summary_ms([o.seconds for o in posts if o.status == 302]),
        "refused_post_latency": summary_ms([o.seconds for o in posts if o.status in (503, 429)]),
        "time_to_signed_in": summary_ms([s for ok, _, s in results if ok]),
        "probe_path": probe_path,
        "probe_latency": summary_ms([o.seconds for o in recorder.of("probe")]),
        "probe_errors": sum(o.status != 200 for o in recorder.of("probe")),
        "sign_ins_per_s": round(sum(ok for ok, _, _ in results) / elapsed, 2),
    }


def main() -> None:
    # `timeout` sends SIGTERM: turn it into SystemExit so the servers and database are cleaned up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--gate", choices=["on", "off"], default="on")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--retry-scale",
        type=float,
        default=1.0,
        help="multiply Retry-After waits (1 = as a person would)",
    )
    parser.add_argument("--probe-path", default="/")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    url = seeding.fresh_database(args.db, "quizapp_bench_signin", Path("/tmp/quizapp-bench"))
    seeded = seeding.seed(url, args.members + 1, quizzes=())
    info = machine()
    server = Server(
        url,
        server_config(args.gate == "on", args.redis),
        workers=args.workers,
        threads=args.threads,
        log_path=Path("/tmp/quizapp-bench/signin-gunicorn.log"),
    )
    try:
        cpu0 = server.cpu_seconds()
        result = asyncio.run(
            storm(server.url, seeded.logins, args.seconds, args.retry_scale, args.probe_path)
        )
        result["server_cpu_s"] = round(server.cpu_seconds() - cpu0, 1)
    finally:
        server.stop()
        seeding.drop_database(url)
    report = {
        "bench": "signin_storm",
        "db": args.db,
        "gate": args.gate,
        "workers": args.workers,
        "threads": args.threads,
        "hash": seeding.PRODUCTION_HASH,
        "machine": info,
        **result,
        "command": f"python -m bench.signin_storm --members {args.members} --seconds {args.seconds:g} "
        f"--db {args.db} --gate {args.gate}",
    }
    out = args.out or RESULTS / f"signin_storm-{args.db}-gate_{args.gate}-{args.members}.json"
    write_result(out, report)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
