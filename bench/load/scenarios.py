"""The load scenarios as asyncio coroutines over real HTTP; each returns its Recorder and timing."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

import aiohttp

from bench.load.member import Member, QuizTaker, Recorder, an_answer


@dataclass
class Run:
    """What a scenario produced: every request, the acknowledged answers, its active period."""

    name: str
    recorder: Recorder = field(default_factory=Recorder)
    acks: dict = field(default_factory=dict)
    attempts: list[int] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0
    notes: dict = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.ended - self.started


def connector() -> aiohttp.TCPConnector:
    """At most 200 connections open to the server, as nginx's upstream pool would keep."""
    return aiohttp.TCPConnector(limit=200, limit_per_host=200)


async def closed_loop(base: str, concurrency: int, seconds: float, name: str = "ceiling") -> Run:
    """The ceiling: `concurrency` clients POST a small JSON body back to back for `seconds`."""
    run = Run(name)
    conn = connector()
    clients = [Member(base, "", "", conn, run.recorder) for _ in range(concurrency)]
    end = time.monotonic() + seconds
    run.started = time.monotonic()

    async def loop(client: Member):
        n = 0
        while time.monotonic() < end:
            n += 1
            await client.request(
                "save",
                "POST",
                "/save",
                json={"attempt": 1, "question": 1, "answer": n % 4, "seq": n, "flagged": False},
            )

    await asyncio.gather(*(loop(c) for c in clients))
    run.ended = time.monotonic()
    for c in clients:
        await c.close()
    await conn.close()
    return run


async def sign_in_all(
    base: str, logins: list[str], password: str, conn, concurrency: int
) -> tuple[dict, Run]:
    """Sign every member in (a few at a time); returns their cookie-holding takers by login."""
    run = Run("sign_in")
    takers: dict[str, QuizTaker] = {}
    queue: asyncio.Queue = asyncio.Queue()
    for login in logins:
        queue.put_nowait(login)
    run.started = time.monotonic()

    async def worker():
        while not queue.empty():
            login = queue.get_nowait()
            taker = QuizTaker(base, login, password, conn, run.recorder, acks={})
            ok, _ = await taker.sign_in(retry_scale=0.2)
            if ok:
                takers[login] = taker
            else:
                run.notes["failed"] = run.notes.get("failed", 0) + 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    run.ended = time.monotonic()
    return takers, run


def _rebind(takers: list[QuizTaker], run: Run) -> None:
    """Point the takers at this scenario's recorder and acknowledgement book; forget old attempts."""
    for t in takers:
        t.rec, t.acks, t.attempt_id, t.questions, t.seq = run.recorder, run.acks, None, [], {}


async def saturation(takers: list[QuizTaker], quiz_id: int, seconds: float) -> Run:
    """Answer saves back to back from every taker for `seconds` (the throughput to compare)."""
    run = Run("saturation")
    _rebind(takers, run)
    ok = await asyncio.gather(*(t.start(quiz_id, kind="setup") for t in takers))
    run.attempts = [t.attempt_id for t, good in zip(takers, ok) if good]
    end = time.monotonic() + seconds
    run.started = time.monotonic()

    async def loop(t: QuizTaker):
        n = 0
        while time.monotonic() < end:
            qid, qtype = t.questions[n % len(t.questions)]
            n += 1
            await t.save(qid, an_answer(qtype, n))

    await asyncio.gather(*(loop(t) for t, good in zip(takers, ok) if good))
    run.ended = time.monotonic()
    return run


async def _take(
    t: QuizTaker,
    quiz_id: int,
    rng: random.Random,
    think: tuple[float, float],
    questions: int | None,
    submit: bool,
    run: Run,
) -> None:
    if not await t.start(quiz_id):
        run.notes["start_failed"] = run.notes.get("start_failed", 0) + 1
        return
    run.attempts.append(t.attempt_id)
    for n, (qid, qtype) in enumerate(t.questions[:questions], start=1):
        await asyncio.sleep(rng.uniform(*think))
        await t.save(qid, an_answer(qtype, n))
    if submit:
        await t.submit()


async def steady(
    takers: list[QuizTaker], quiz_id: int, arrival_s: float, think: tuple[float, float]
) -> Run:
    """Members arrive uniformly over `arrival_s`; each answers every question with think time, submits."""
    run = Run("steady")
    _rebind(takers, run)
    rng = random.Random(11)
    offsets = sorted(rng.uniform(0, arrival_s) for _ in takers)
    run.started = time.monotonic()

    async def one(t, at):
        await asyncio.sleep(at)
        await _take(t, quiz_id, random.Random(at), think, None, True, run)

    await asyncio.gather(*(one(t, at) for t, at in zip(takers, offsets)))
    run.ended = time.monotonic()
    return run


async def synchronised_start(
    takers: list[QuizTaker],
    quiz_id: int,
    opens_in: float,
    spread: float,
    think: tuple[float, float],
    questions: int,
    submit: bool = True,
) -> Run:
    """The window opens in `opens_in` s; everyone starts within `spread` s of it, answers, submits
    (or, with submit=False, stays on the quiz page as a member who has just started does)."""
    run = Run("sync_start")
    _rebind(takers, run)
    rng = random.Random(13)
    t0 = time.monotonic() + opens_in
    offsets = [rng.uniform(0.3, spread) for _ in takers]  # 0.3 s: our clock and the server's agree
    run.started = t0

    async def one(t, at):
        await asyncio.sleep(max(0.0, t0 + at - time.monotonic()))
        await _take(t, quiz_id, random.Random(at), think, questions, submit, run)

    await asyncio.gather(*(one(t, at) for t, at in zip(takers, offsets)))
    run.ended = time.monotonic()
    return run


async def storm_setup(takers: list[QuizTaker], quiz_id: int, answers: int, concurrency: int) -> Run:
    """Before the storm: every member has started and saved a few answers (not the measured part)."""
    run = Run("close_storm_setup")
    _rebind(takers, run)
    queue: asyncio.Queue = asyncio.Queue()
    for t in takers:
        queue.put_nowait(t)
    run.started = time.monotonic()

    async def worker():
        while not queue.empty():
            t = queue.get_nowait()
            if await t.start(quiz_id, kind="setup"):
                run.attempts.append(t.attempt_id)
                for n, (qid, qtype) in enumerate(t.questions[:answers], start=1):
                    await t.save(qid, an_answer(qtype, n), kind="setup_save")

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    run.ended = time.monotonic()
    return run


async def close_storm(takers: list[QuizTaker], closes_in: float, window: float, setup: Run) -> Run:
    """Everyone saves a last answer and submits at a random instant in the last `window` s."""
    run = Run("close_storm")
    run.acks = setup.acks  # the answers saved before the storm count too
    run.attempts = list(setup.attempts)
    for t in takers:
        t.rec, t.acks = run.recorder, run.acks
    rng = random.Random(17)
    t_close = time.monotonic() + closes_in
    run.started = t_close - window
    offsets = [rng.uniform(0, window - 1.0) for _ in takers]

    async def one(t, at):
        if t.attempt_id is None:
            return
        await asyncio.sleep(max(0.0, run.started + at - time.monotonic()))
        qid, qtype = t.questions[-1]
        await t.save(qid, an_answer(qtype, 99))
        await t.submit()

    await asyncio.gather(*(one(t, at) for t, at in zip(takers, offsets)))
    run.ended = time.monotonic()
    run.notes["finished_before_close_s"] = round(t_close - run.ended, 1)
    return run
