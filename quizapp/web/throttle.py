"""Sign-in storms: a bounded number of password checks per worker; the rest are told when to retry.

A password check (scrypt) costs about 0.1 s of CPU. When thousands of members sign in at
the same minute, unbounded checks would fill every worker thread, answer saves would queue
behind them and browsers would meet proxy timeouts. The gate lets a few checks run, lets a
few more wait briefly, and answers everyone else at once with 503, Retry-After and a page
that returns to the form by itself.
"""

from __future__ import annotations

import functools
import math
import random
import threading
import time
from collections import deque
from contextlib import contextmanager

from flask import current_app, make_response, render_template, request, url_for

from quizapp.web.safe import safe_next

DEFAULTS = {
    "PASSWORD_CHECK_SLOTS": 1,  # checks running at once in one worker process
    "PASSWORD_CHECK_QUEUE": 2,  # requests allowed to wait for a slot
    "PASSWORD_CHECK_WAIT_SECONDS": 2.0,  # how long one may wait before being told to retry
    "BUSY_RETRY_AFTER_SECONDS": 3,  # the shortest Retry-After; it grows with the backlog
}
REFUSAL_WINDOW_SECONDS = 10.0
MAX_RETRY_AFTER_SECONDS = 30  # longer, and a person reloads by hand anyway


class PasswordGate:
    """A counting gate: `slots` holders at once, at most `queue` waiters, bounded waiting."""

    def __init__(self, slots: int, queue: int, wait: float):
        self.slots, self.queue, self.wait = slots, queue, wait
        self._free = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._waiting = 0
        self.refused = 0
        self._refusals: deque[float] = deque()
        self._check_seconds = 0.1  # running mean of a slot's hold time (one scrypt check)
        self._held_since = threading.local()

    def try_enter(self) -> bool:
        """Take a slot now, or wait for one if the queue has room; False means refused."""
        if self._free.acquire(blocking=False):
            self._held_since.t = time.monotonic()
            return True
        with self._lock:
            if self._waiting >= self.queue:
                self._refuse()
                return False
            self._waiting += 1
        try:
            entered = self._free.acquire(timeout=self.wait)
        finally:
            with self._lock:
                self._waiting -= 1
        if entered:
            self._held_since.t = time.monotonic()
        else:
            with self._lock:
                self._refuse()
        return entered

    def _refuse(self) -> None:
        self.refused += 1
        self._refusals.append(time.monotonic())

    def leave(self) -> None:
        """Give the slot back."""
        started = getattr(self._held_since, "t", None)
        if started is not None:
            self._check_seconds = 0.8 * self._check_seconds + 0.2 * (time.monotonic() - started)
        self._free.release()

    def retry_window(self, floor: int) -> tuple[int, int]:
        """The range Retry-After is drawn from: up to the time this worker needs to clear the
        members it refused lately (refusals over its measured checks a second), at least `floor`."""
        now = time.monotonic()
        with self._lock:
            while self._refusals and self._refusals[0] < now - REFUSAL_WINDOW_SECONDS:
                self._refusals.popleft()
            backlog = len(self._refusals)
        per_second = self.slots / max(self._check_seconds, 0.01)
        return floor, min(MAX_RETRY_AFTER_SECONDS, max(floor, math.ceil(backlog / per_second)))

    def retry_after(self, floor: int) -> int:
        """A Retry-After drawn evenly over the window: the refused come back as fast as they can be served."""
        return random.randint(*self.retry_window(floor))

    @contextmanager
    def held(self):
        """Hold a slot for the body; raise Busy when none could be had."""
        if not self.try_enter():
            raise Busy()
        try:
            yield
        finally:
            self.leave()


class Busy(Exception):
    """No password-check slot was free in time."""


def _setting(name: str):
    return current_app.config.get(name, DEFAULTS[name])


def gate_for(app) -> PasswordGate:
    """The app's gate in this process, created on first use from the configuration."""
    gate = app.extensions.get("password_gate")
    if gate is None:
        with _create_lock:
            gate = app.extensions.get("password_gate")
            if gate is None:
                cfg = app.config
                gate = PasswordGate(
                    int(cfg.get("PASSWORD_CHECK_SLOTS", DEFAULTS["PASSWORD_CHECK_SLOTS"])),
                    int(cfg.get("PASSWORD_CHECK_QUEUE", DEFAULTS["PASSWORD_CHECK_QUEUE"])),
                    float(
                        cfg.get(
                            "PASSWORD_CHECK_WAIT_SECONDS", DEFAULTS["PASSWORD_CHECK_WAIT_SECONDS"]
                        )
                    ),
                )
                app.extensions["password_gate"] = gate
    return gate


_create_lock = threading.Lock()


def busy_response():
    """503 with Retry-After and a page that goes back to the form by itself after N seconds."""
    retry_after = gate_for(current_app._get_current_object()).retry_after(
        int(_setting("BUSY_RETRY_AFTER_SECONDS"))
    )
    # Back to the same form by GET, keeping only a safe `next` (the page refreshes to it).
    back = url_for(
        request.endpoint, **(request.view_args or {}), next=safe_next(request.args.get("next"))
    )
    page = render_template("errors/busy.html", retry_after=retry_after, back=back)
    response = make_response(page, 503)
    response.headers["Retry-After"] = str(retry_after)
    return response


def counts_against_limits(response) -> bool:
    """For the sign-in rate limits: a 503 from the gate checked no password, so it costs no try."""
    return response.status_code != 503


def password_check_gate(view):
    """Decorate a view whose POST checks or hashes a password (sign-in, activation)."""

    @functools.wraps(view)
    def gated(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        try:
            with gate_for(current_app._get_current_object()).held():
                return view(*args, **kwargs)
        except Busy:
            return busy_response()

    return gated
