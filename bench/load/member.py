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
    status: int           # HTTP status; 0 = timeout, -1 = connection error
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

    def __init__(self, base_url: str, login: str, password: str, connector: aiohttp.BaseConnector,
                 recorder: Recorder, timeout: float = 30.0):
        self.base = base_url
        self.login, self.password = login, password
        self.rec = recorder
        self.csrf: str | None = None
        self.http = aiohttp.ClientSession(
            connector=connector, connector_owner=False, cookie_jar=aiohttp.CookieJar(unsafe=True),
            timeout=aiohttp.ClientTimeout(total=timeout),
        )

    async def close(self) -> None:
        await self.http.close()

    async def request(self, kind: str, method: str, path: str, **kwargs) -> tuple[int, str, dict]:
        """Send one request; return (status, body, headers). Timeouts and resets are statuses too."""
        started = time.monotonic()
        try:
            async with self.http.request(method, self.base + path, allow_redirects=False, **kwargs) as reply:
                body = await reply.text()
                self.rec.add(kind, reply.status, started)
                return reply.status, body, dict(reply.headers)
        except asyncio.TimeoutError:
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
            "login", "POST", "/auth/login",
            data={"login": self.login, "password": self.password, "csrf_token": self.csrf or ""},
        )
        return status, headers

    async def sign_in(self, retry_scale: float = 1.0, give_up_after: float = 600) -> tuple[bool, int]:
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
