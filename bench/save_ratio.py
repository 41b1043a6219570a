"""Answer saves against the stack's ceiling (issue 14), and the 500-member synchronised start.

    python -m bench.save_ratio --db sqlite
    python -m bench.save_ratio --db postgresql

Method: gunicorn with 2 sync workers serves quizapp, and (separately, same settings) a
hello-world Flask endpoint (`bench/load/ceiling.py`). 40 members sign in and start an attempt
through the real web flow (form, start, quiz page). A client on this machine with 16
connections then alternates the two loads 3 times for 8 s each: for quizapp, each request is
a save by one of the 40 members picked at random, always a new sequence number (every request
writes). Reported: median throughput of each, their ratio, save p50/p99, and one client alone
(p50). Then 500 members start a quiz whose window opens a few seconds later, each within 10 s
of the opening, and load its quiz page (p50/p95 of the start request; nobody submits within
those seconds, as nobody who has just started does). After each part the rows in the database are
compared with the saves acknowledged. Writes bench/results/save_ratio-<db>[-<label>].json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from datetime import timedelta
from pathlib import Path

from bench.load import scenarios, verify
from bench.load import seed as seeding
from bench.load.member import Ack, QuizTaker, an_answer
from bench.load.server import Server
from bench.load.stats import machine, summary_ms, write_result
from quizapp.clock import now_utc

RESULTS = Path(__file__).resolve().parent / "results"
SYNC = ["--worker-class", "sync"]


async def save_load(
    takers: list[QuizTaker],
    connections: int,
    seconds: float,
    run: scenarios.Run,
    rng: random.Random,
) -> dict:
    """`connections` clients save back to back for `seconds`, each save by a random member."""
    outcomes_before = len(run.recorder.outcomes)
    end = time.monotonic() + seconds
    started = time.monotonic()

    async def loop():
        n = 0
        while time.monotonic() < end:
            t = rng.choice(takers)
            qid, qtype = t.questions[rng.randrange(len(t.questions))]
            seq = t.seq.get(qid, 0) + 1
            t.seq[qid] = seq
            n += 1
            answer = an_answer(qtype, seq)
            status, text, _ = await t.request(
                "save",
                "POST",
                "/m/api/answers",
                json={
                    "attempt": t.attempt_id,
                    "question": qid,
                    "answer": answer,
                    "seq": seq,
                    "flagged": False,
                },
                headers={"X-CSRFToken": t.csrf or "", "Accept": "application/json"},
            )
            if status == 200 and '"kept":true' in text.replace(" ", ""):
                key = (t.attempt_id, qid)
                if key not in run.acks or run.acks[key].seq < seq:
                    run.acks[key] = Ack(seq, answer)

    await asyncio.gather(*(loop() for _ in range(connections)))
    elapsed = time.monotonic() - started
    mine = run.recorder.outcomes[outcomes_before:]
    ok = [o for o in mine if o.status == 200]
    return {
        "per_s": round(len(ok) / elapsed, 1),
        "errors": len(mine) - len(ok),
        **summary_ms([o.seconds for o in ok]),
    }


async def ceiling_load(url: str, connections: int, seconds: float) -> dict:
    """The hello-world endpoint under the same client."""
    run = await scenarios.closed_loop(url, connections, seconds)
    ok = [o for o in run.recorder.outcomes if o.status == 200]
    return {
        "per_s": round(len(ok) / run.seconds, 1),
        "errors": len(run.recorder.outcomes) - len(ok),
        **summary_ms([o.seconds for o in ok]),
    }


async def measure(args, app: Server, ceiling: Server, seeded: seeding.Seeded) -> dict:
    """Sign in, start 40 attempts, alternate the loads; then the synchronised start."""
    conn = scenarios.connector()
    out: dict = {}
    takers, signin = await scenarios.sign_in_all(
        app.url, seeded.logins[: args.sync_members], seeding.PASSWORD, conn, concurrency=6
    )
    ordered = [takers[x] for x in seeded.logins[: args.sync_members] if x in takers]
    out["signed_in"] = len(ordered)
    savers = ordered[: args.members]
    run = scenarios.Run("save_ratio")
    for t in savers:
        t.rec, t.acks = run.recorder, run.acks
    started = await asyncio.gather(
        *(t.start(seeded.quiz_ids["saturation"], kind="setup") for t in savers)
    )
    savers = [t for t, ok in zip(savers, started, strict=True) if ok]
    run.attempts = [t.attempt_id for t in savers]
    out["attempts_in_progress"] = len(savers)
    rng = random.Random(14)
    rounds = []
    for i in range(args.rounds):
        c = await ceiling_load(ceiling.url, args.connections, args.seconds)
        s = await save_load(savers, args.connections, args.seconds, run, rng)
        rounds.append({"ceiling": c, "save": s})
        print(
            f"round {i + 1}: ceiling {c['per_s']}/s, save {s['per_s']}/s (p50 {s['p50_ms']} ms)",
            flush=True,
        )
    out["rounds"] = rounds
    ceil_med = statistics.median(r["ceiling"]["per_s"] for r in rounds)
    save_med = statistics.median(r["save"]["per_s"] for r in rounds)
    all_saves = [o.seconds for o in run.recorder.outcomes if o.kind == "save" and o.status == 200]
    out["ceiling_per_s_median"], out["save_per_s_median"] = ceil_med, save_med
    out["ratio"] = round(save_med / ceil_med, 3) if ceil_med else None
    out["save_latency"] = summary_ms(all_saves)
    one = await save_load(savers, 1, args.one_client_seconds, run, rng)
    out["one_client"] = one
    # The floor under one client: the same client and server settings answering hello-world.
    out["one_client_ceiling"] = await ceiling_load(ceiling.url, 1, args.one_client_seconds)
    print(
        f"ratio {out['ratio']}; one client p50 {one['p50_ms']} ms "
        f"(hello-world {out['one_client_ceiling']['p50_ms']} ms)",
        flush=True,
    )
    out["save_check"] = verify.check(seeded.database_url, run, seeded.quiz_ids["saturation"], False)
    print(json.dumps(out["save_check"]), flush=True)

    opens_in = 6.0 + len(ordered) * 0.002
    now = now_utc()
    seeding.set_window(
        seeded.database_url,
        seeded.quiz_ids["sync_start"],
        now + timedelta(seconds=opens_in),
        now + timedelta(hours=2),
    )
    sync = await scenarios.synchronised_start(
        ordered,
        seeded.quiz_ids["sync_start"],
        opens_in - (now_utc() - now).total_seconds(),
        args.spread,
        (0.0, 0.0),
        0,
        submit=False,
    )
    starts = sync.recorder.of("start")
    out["sync_start"] = {
        "members": len(ordered),
        "spread_s": args.spread,
        "start": {
            **summary_ms([o.seconds for o in starts]),
            "errors": sum(o.status != 302 for o in starts),
        },
        "page": summary_ms([o.seconds for o in sync.recorder.of("page")]),
        "attempts": len(sync.attempts),
        "notes": sync.notes,
    }
    print(json.dumps(out["sync_start"]["start"]), flush=True)
    for t in takers.values():
        await t.close()
    await conn.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--one-client-seconds", type=float, default=4)
    parser.add_argument("--sync-members", type=int, default=500)
    parser.add_argument("--spread", type=float, default=10)
    parser.add_argument("--label", default="", help="suffix of the result file (e.g. before)")
    args = parser.parse_args()
    results = {
        "bench": "save_ratio",
        "db": args.db,
        "server": "gunicorn, 2 sync workers",
        "client": f"aiohttp, {args.connections} connections, same machine",
        "machine": machine(),
        "args": vars(args),
    }
    url = seeding.fresh_database(
        args.db, f"quizapp_bench_save_{args.db}", Path("/tmp/quizapp-bench-save")
    )
    try:
        # Cheap hashes: signing 500 members in is set-up here, not what is measured.
        seeded = seeding.seed(
            url,
            args.sync_members,
            questions=20,
            quizzes=("saturation", "sync_start"),
            hash_method=seeding.CHEAP_HASH,
        )
        config = {
            "SECRET_KEY": "bench-secret",
            "RATELIMIT_ENABLED": False,
            "LOG_REQUESTS": False,
            "PASSWORD_HASH_METHOD": seeding.CHEAP_HASH,
        }
        with (
            Server(app="bench.load.ceiling:app", workers=2, threads=1, extra_args=SYNC) as ceiling,
            Server(
                url,
                config,
                workers=2,
                threads=1,
                extra_args=SYNC,
                log_path=Path(f"/tmp/quizapp-bench-save-{args.db}.log"),
            ) as app,
        ):
            results.update(asyncio.run(measure(args, app, ceiling, seeded)))
    finally:
        seeding.drop_database(url)
    with open("/proc/loadavg") as f:
        results["loadavg_after"] = f.read().split()[:3]
    out = RESULTS / f"save_ratio-{args.db}{'-' + args.label if args.label else ''}.json"
    write_result(out, results)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
