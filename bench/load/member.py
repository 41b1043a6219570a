"""One simulated member over real HTTP (aiohttp): sign in, and the quiz flows of bench/load/flows.py."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field

import aiohttp

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@dataclass
class Outcome:
    """One request's result as the client saw it."""

    kind: str
    status: int  # HTTP status; 0 = timeout, -1 = connection error
    seconds: float
    started: float


@dataclass
class Recorder:
    """Every request's outcome, for the summaries."""

    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, kind: str, status: int, started: float) -> None:
        self.outcomes.append(Outcome(kind, status, time.monotonic() - started, started))

    def of(self, kind: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind == kind]


class Member:
    """A member's browser: its own cookie jar over a shared connection pool."""

    def __init__(
        self,
        base_url: str,
        login: str,
        password: str,
        connector: aiohttp.BaseConnector,
        recorder: Recorder,
        timeout: float = 30.0,
    ):
        self.base = base_url
        self.login, self.password = login, password
        self.rec = recorder
        self.csrf: str | None = None
        self.http = aiohttp.ClientSession(
            connector=connector,
            connector_owner=False,
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            timeout=aiohttp.ClientTimeout(total=timeout),
        )

    async def close(self) -> None:
        await self.http.close()

    async def request(self, kind: str, method: str, path: str, **kwargs) -> tuple[int, str, dict]:
        """Send one request; return (status, body, headers). Timeouts and resets are statuses too."""
        started = time.monotonic()
        try:
            async with self.http.request(
                method, self.base + path, allow_redirects=False, **kwargs
            ) as reply:
                body = await reply.text()
                self.rec.add(kind, reply.status, started)
                return reply.status, body, dict(reply.headers)
        except TimeoutError:
            self.rec.add(kind, 0, started)
            return 0, "", {}
        except aiohttp.ClientError:
            self.rec.add(kind, -1, started)
            return -1, "", {}

    def remember_csrf(self, page: str) -> None:
        """Keep the CSRF token of a page (form field or meta tag)."""
        found = CSRF_INPUT.search(page) or CSRF_META.search(page)
        if found:
            self.csrf = found.group(1)

    async def sign_in_once(self) -> tuple[int, dict]:
        """GET the form, POST the credentials; (status of the POST, its headers)."""
        status, page, _ = await self.request("login_form", "GET", "/auth/login")
        if status != 200:
            return status, {}
        self.remember_csrf(page)
        status, _, headers = await self.request(
            "login",
            "POST",
            "/auth/login",
            data={"login": self.login, "password": self.password, "csrf_token": self.csrf or ""},
        )
        if status == 302:
            self.csrf = None  # signing in starts a new session: the form's token is spent
        return status, headers

    async def sign_in(
        self, retry_scale: float = 1.0, give_up_after: float = 600
    ) -> tuple[bool, int]:
        """Sign in like a patient person: on 503/429 wait Retry-After and try again.

        Returns (signed in, tries)."""
        started = time.monotonic()
        tries = 0
        while time.monotonic() - started < give_up_after:
            tries += 1
            status, headers = await self.sign_in_once()
            if status == 302:
                return True, tries
            if status in (429, 503):
                wait = float(headers.get("Retry-After", 10)) * retry_scale
                await asyncio.sleep(wait)
                continue
            if status in (0, -1) or status >= 500:
                await asyncio.sleep(5 * retry_scale)  # a person reloads after a while
                continue
            return False, tries  # 200 = form again (wrong password) or anything unexpected
        return False, tries


QUESTION = re.compile(r'data-qid="(\d+)" data-type="(\w+)"')


@dataclass
class Ack:
    """What the server acknowledged for one (attempt, question): the newest seq and its answer."""

    seq: int
    answer: object


class QuizTaker(Member):
    """A member taking a quiz the way quiz.js does: start, open the page, autosave, submit."""

    def __init__(self, *args, acks: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.acks = acks  # shared: (attempt, question) -> Ack
        self.attempt_id: int | None = None
        self.questions: list[tuple[int, str]] = []
        self.seq: dict[int, int] = {}

    async def start(self, quiz_id: int, kind: str = "start") -> bool:
        """POST start (the form on the quiz list), follow to the quiz page, read its questions."""
        if self.csrf is None:
            _, page, _ = await self.request("home", "GET", "/m/")
            self.remember_csrf(page)
        status, _, headers = await self.request(
            kind, "POST", f"/m/quizzes/{quiz_id}/start", data={"csrf_token": self.csrf or ""}
        )
        location = headers.get("Location", "")
        if status != 302 or "/m/attempts/" not in location:
            return False
        self.attempt_id = int(location.rstrip("/").split("/")[-1])
        status, page, _ = await self.request("page", "GET", f"/m/attempts/{self.attempt_id}")
        if status != 200:
            return False
        self.remember_csrf(page)
        self.questions = [(int(q), t) for q, t in QUESTION.findall(page)]
        return bool(self.questions)

    async def save(self, question_id: int, answer, retries: int = 5, kind: str = "save") -> int:
        """Autosave one answer with the next seq; retry 5xx and lost replies like the page does."""
        seq = self.seq.get(question_id, 0) + 1
        self.seq[question_id] = seq
        body = {
            "attempt": self.attempt_id,
            "question": question_id,
            "answer": answer,
            "seq": seq,
            "flagged": False,
        }
        status = 0
        for attempt in range(retries + 1):
            status, text, headers = await self.request(
                kind if attempt == 0 else "save_retry",
                "POST",
                "/m/api/answers",
                json=body,
                headers={"X-CSRFToken": self.csrf or "", "Accept": "application/json"},
            )
            if status == 200:
                if '"kept":true' in text.replace(" ", ""):
                    self.acks[(self.attempt_id, question_id)] = Ack(seq, answer)
                return status
            if status in (400, 401, 403, 404, 409):
                return status
            await asyncio.sleep(min(8, 0.5 * 2**attempt))
        return status

    async def submit(self, retries: int = 5) -> int:
        """POST the submit form; retried on 5xx and lost replies (finalisation is once-only)."""
        status = 0
        for attempt in range(retries + 1):
            status, _, _ = await self.request(
                "submit" if attempt == 0 else "submit_retry",
                "POST",
                f"/m/attempts/{self.attempt_id}/submit",
                data={"csrf_token": self.csrf or ""},
            )
            if status == 302 or 400 <= status < 500:
                return status
            await asyncio.sleep(min(8, 0.5 * 2**attempt))
        return status


def an_answer(qtype: str, n: int):
    """A valid answer of the question's type that changes with n (so stored vs acked can differ)."""
    if qtype in ("single", "true_false"):
        return n % 2
    if qtype == "multiple":
        return [n % 2]
    if qtype == "numeric":
        return str(n)
    return f"trả lời {n}"
