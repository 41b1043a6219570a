"""Attempt flow: N members each start a quiz, save M answers one by one (autosave JSON) and submit.

Runs against gunicorn on this machine (deploy/gunicorn.conf.py, 4 workers by default) on a
fresh database seeded with a province, N members with accounts, a bank and a quiz. Every
request goes through the real stack: sessions, CSRF (form field and X-CSRFToken header),
the autosave endpoint, the finalisation. Afterwards the database is checked: every
acknowledged answer must be stored (zero lost answers) and every attempt finished once.

    python -m bench.attempt_flow --db sqlite
    python -m bench.attempt_flow --db postgresql --members 300 --answers 30
    python -m bench.attempt_flow --think 5        # members pause 5 s between answers

Writes bench/results/attempt_flow_<db>.json (attempt_flow_<db>_think<T>s.json with --think T)
and prints a Markdown table row.
Not a test: never run by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from bench.load import seed as seeding
from bench.load.member import Member, Recorder
from bench.load.server import Server
from bench.load.stats import machine, summary_ms

RESULTS = Path(__file__).resolve().parent / "results"
TMP = RESULTS / "tmp"
QUESTION = re.compile(r'data-qid="(\d+)" data-type="(\w+)"')
ATTEMPT = re.compile(r"/m/attempts/(\d+)")


def server_config() -> dict:
    """The app's settings for the run (CSRF on, as in production)."""
    return {
        "SECRET_KEY": "bench-secret",
        # Every simulated member comes from 127.0.0.1; sign-in is not what is measured here.
        "RATELIMIT_LOGIN_PER_ADDRESS": "1000000 per 5 minutes",
        "RATELIMIT_LOGIN_PER_ACCOUNT": "1000 per 5 minutes",
        "PASSWORD_HASH_METHOD": seeding.CHEAP_HASH,
        # Sign-in storms have their own bench (signin_storm); here every member signs in first.
        "PASSWORD_CHECK_SLOTS": 10000,
        "PASSWORD_CHECK_QUEUE": 0,
        "LOG_REQUESTS": os.environ.get("BENCH_LOG_REQUESTS") == "1",
    }


async def send(member: Member, kind: str, method: str, path: str, retries: Counter, **kwargs):
    """One request; a dropped connection or timeout is retried like the page's queue does
    (saves and submits are idempotent), at most three times."""
    for attempt in range(4):
        status, body, headers = await member.request(kind, method, path, **kwargs)
        if status not in (0, -1) or attempt == 3:
            return status, body, headers
        retries[kind] += 1
        await asyncio.sleep(0.5 * (attempt + 1))


async def take_quiz(
    member: Member,
    quiz_id: int,
    answers: int,
    think: float,
    acks: list,
    errors: Counter,
    retries: Counter,
    rng: random.Random,
) -> None:
    """Start, save `answers` answers one at a time, submit; record every acknowledgement."""
    status, home, _ = await send(member, "home", "GET", "/", retries)
    if status != 200:
        errors["home"] += 1
        return
    member.remember_csrf(home)
    status, _, headers = await send(
        member,
        "start",
        "POST",
        f"/m/quizzes/{quiz_id}/start",
        retries,
        data={"csrf_token": member.csrf},
    )
    found = ATTEMPT.search(headers.get("Location", ""))
    if status != 302 or not found:
        errors["start"] += 1
        return
    attempt_id = int(found.group(1))
    status, page, _ = await send(member, "page", "GET", f"/m/attempts/{attempt_id}", retries)
    if status != 200:
        errors["page"] += 1
        return
    member.remember_csrf(page)
    questions = QUESTION.findall(page)[:answers]
    for qid, qtype in questions:
        answer = rng.randrange(4) if qtype == "single" else "5"
        body = {
            "attempt": attempt_id,
            "question": int(qid),
            "answer": answer,
            "seq": 1,
            "flagged": False,
        }
        status, text, _ = await send(
            member,
            "save",
            "POST",
            "/m/api/answers",
            retries,
            json=body,
            headers={"X-CSRFToken": member.csrf},
        )
        if status == 200 and json.loads(text).get("ok"):
            acks.append((attempt_id, int(qid), 1, answer))
        else:
            errors["save"] += 1
        if think:
            await asyncio.sleep(think)
    status, _, headers = await send(
        member,
        "submit",
        "POST",
        f"/m/attempts/{attempt_id}/submit",
        retries,
        data={"csrf_token": member.csrf},
    )
    if status != 302 or "/result" not in headers.get("Location", ""):
        errors["submit"] += 1


async def run_members(
    base: str, logins: list[str], quiz_id: int, answers: int, concurrency: int, think: float
) -> tuple[Recorder, list, Counter, Counter, float]:
    """All members, at most `concurrency` at a time; returns what they saw and the wall time."""
    sign_ins, recorder, acks, errors, retries = Recorder(), Recorder(), [], Counter(), Counter()
    # Idle connections are dropped before gunicorn's keep-alive (5 s) would close them under us.
    connector = aiohttp.TCPConnector(limit=concurrency, keepalive_timeout=3)
    gate = asyncio.Semaphore(concurrency)
    rng = random.Random(4)
    members = [
        Member(base, login, seeding.PASSWORD, connector, sign_ins, timeout=60) for login in logins
    ]
    signed_in: list[Member] = []

    async def sign_in(member: Member) -> None:
        async with gate:
            ok, _tries = await member.sign_in(retry_scale=0.2)
            if ok:
                signed_in.append(member)
            else:
                errors["sign_in"] += 1

    async def one(member: Member) -> None:
        async with gate:
            member.rec = recorder  # only the attempt flow is timed
            await take_quiz(member, quiz_id, answers, think, acks, errors, retries, rng)

    # Everyone signs in first (not timed): the flow below is what a signed-in member lives through.
    await asyncio.gather(*(sign_in(m) for m in members))
    started = time.monotonic()
    await asyncio.gather(*(one(m) for m in signed_in))
    elapsed = time.monotonic() - started
    for member in members:
        await member.close()
    await connector.close()
    return recorder, acks, errors, retries, elapsed


def check_database(database_url: str, acks: list, quiz_id: int) -> dict:
    """Count lost answers (acknowledged but not stored as acknowledged) and finished attempts."""
    from quizapp.extensions import db
    from quizapp.models import Attempt, AttemptState, Participation, Response

    app = seeding.bench_app(database_url, seeding.CHEAP_HASH)
    with app.app_context():
        stored = {
            (r.attempt_id, r.question_id): (r.seq, r.answer)
            for r in db.session.scalars(select(Response))
        }
        lost = sum(1 for a, q, seq, answer in acks if stored.get((a, q)) != (seq, answer))
        states = Counter(
            db.session.scalars(select(Attempt.state).where(Attempt.quiz_id == quiz_id))
        )
        participants = db.session.scalar(
            select(func.count())
            .select_from(Participation)
            .where(Participation.quiz_id == quiz_id, Participation.attempts_finished == 1)
        )
        db.session.remove()
        db.engine.dispose()
    return {
        "acknowledged_answers": len(acks),
        "stored_answers": len(stored),
        "lost_answers": lost,
        "attempts_by_state": dict(states),
        "participants_counted": participants,
        "finished": states.get(AttemptState.FINISHED, 0),
    }


def run(
    kind: str,
    members: int,
    answers: int,
    workers: int,
    threads: int,
    concurrency: int,
    think: float,
) -> dict:
    """Seed, serve, drive, check; return the result document."""
    name = f"quizapp_bench_attempt_flow_{kind}"
    url = seeding.fresh_database(kind, name, TMP / name)
    data = seeding.seed(
        url, members, questions=answers, chapters=30, hash_method=seeding.CHEAP_HASH
    )
    quiz_id = data.quiz_ids["steady"]
    before = machine()
    with Server(
        url,
        server_config(),
        workers=workers,
        threads=threads,
        log_path=TMP / f"attempt_flow_{kind}.log",
    ) as server:
        cpu0 = server.cpu_seconds()
        recorder, acks, errors, retries, elapsed = asyncio.run(
            run_members(server.url, data.logins, quiz_id, answers, concurrency, think)
        )
        cpu = server.cpu_seconds() - cpu0
    checked = check_database(url, acks, quiz_id)
    seeding.drop_database(url)
    # A retried connection drop is not an error (the retry is the protocol); what still failed is.
    bad = Counter(
        f"{o.kind} {o.status}" for o in recorder.outcomes if o.status not in (200, 302, 0, -1)
    )
    saves = recorder.of("save")
    return {
        "benchmark": "attempt_flow",
        "db": kind,
        "members": members,
        "answers_per_member": answers,
        "gunicorn": {"workers": workers, "threads": threads, "worker_class": "gthread"},
        "client_concurrency": concurrency,
        "think_seconds": think,
        "wall_seconds": round(elapsed, 1),
        "server_cpu_seconds": round(cpu, 1),
        "requests": len(recorder.outcomes),
        "saves_per_second": round(len(saves) / elapsed, 1) if elapsed else None,
        "errors": {"flow_steps": dict(errors), "http_non_2xx_3xx": dict(bad)},
        "connection_retries": dict(retries),
        "latency": {
            kind_: summary_ms([o.seconds for o in recorder.of(kind_)])
            for kind_ in ("save", "submit", "start", "page", "home")
        },
        "database": checked,
        "machine": before,
    }


def table_row(result: dict) -> str:
    """One Markdown row: db, errors, lost, save and submit percentiles, throughput."""
    save, submit = result["latency"]["save"], result["latency"]["submit"]
    errors = sum(result["errors"]["flow_steps"].values()) + sum(
        result["errors"]["http_non_2xx_3xx"].values()
    )
    return (
        f"| {result['db']} | {result['members']}×{result['answers_per_member']} | {errors} | "
        f"{result['database']['lost_answers']} | {save['p50_ms']} / {save['p95_ms']} / {save['p99_ms']} | "
        f"{submit['p50_ms']} / {submit['p95_ms']} / {submit['p99_ms']} | {result['saves_per_second']} | "
        f"{result['wall_seconds']} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--answers", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=300, help="members in flight at once")
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds between two saves of a member"
    )
    args = parser.parse_args(argv)
    TMP.mkdir(exist_ok=True)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(
        "| db | members × answers | errors | lost answers | save p50 / p95 / p99 ms | "
        "submit p50 / p95 / p99 ms | saves/s | wall s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    failed = False
    for kind in kinds:
        result = run(
            kind,
            args.members,
            args.answers,
            args.workers,
            args.threads,
            args.concurrency,
            args.think,
        )
        suffix = f"_think{args.think:g}s" if args.think else ""
        (RESULTS / f"attempt_flow_{kind}{suffix}.json").write_text(
            json.dumps(result, indent=2, ensure_ascii=False) + "\n"
        )
        print(table_row(result), flush=True)
        errors = sum(result["errors"]["flow_steps"].values()) + sum(
            result["errors"]["http_non_2xx_3xx"].values()
        )
        failed |= bool(
            errors
            or result["database"]["lost_answers"]
            or result["database"]["finished"] != args.members
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
