"""Sign-in storms: a bounded number of password checks per worker; the rest are told when to retry.

A password check (scrypt) costs about 0.1 s of CPU. When thousands of members sign in at
the same minute, unbounded checks would fill every worker thread, answer saves would queue
behind them and browsers would meet proxy timeouts. The gate lets a few checks run, lets a
few more wait briefly, and answers everyone else at once with 503, Retry-After and a page
that returns to the form by itself.
"""
from __future__ import annotations

import functools
import random
import threading
from contextlib import contextmanager

from flask import current_app, make_response, render_template, request, url_for

from quizapp.web.safe import safe_next

DEFAULTS = {
    "PASSWORD_CHECK_SLOTS": 1,          # checks running at once in one worker process
    "PASSWORD_CHECK_QUEUE": 2,          # requests allowed to wait for a slot
    "PASSWORD_CHECK_WAIT_SECONDS": 2.0,  # how long one may wait before being told to retry
    "BUSY_RETRY_AFTER_SECONDS": 10,     # base of Retry-After; jitter spreads the retries
}


class PasswordGate:
    """A counting gate: `slots` holders at once, at most `queue` waiters, bounded waiting."""

    def __init__(self, slots: int, queue: int, wait: float):
        self.slots, self.queue, self.wait = slots, queue, wait
        self._free = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._waiting = 0
        self.refused = 0

    def try_enter(self) -> bool:
        """Take a slot now, or wait for one if the queue has room; False means refused."""
        if self._free.acquire(blocking=False):
            return True
        with self._lock:
            if self._waiting >= self.queue:
                self.refused += 1
                return False
            self._waiting += 1
        try:
            entered = self._free.acquire(timeout=self.wait)
        finally:
            with self._lock:
                self._waiting -= 1
        if not entered:
            with self._lock:
                self.refused += 1
        return entered

    def leave(self) -> None:
        """Give the slot back."""
        self._free.release()

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
                    float(cfg.get("PASSWORD_CHECK_WAIT_SECONDS", DEFAULTS["PASSWORD_CHECK_WAIT_SECONDS"])),
                )
                app.extensions["password_gate"] = gate
    return gate


_create_lock = threading.Lock()


def busy_response():
    """503 with Retry-After and a page that goes back to the form by itself after N seconds."""
    base = int(_setting("BUSY_RETRY_AFTER_SECONDS"))
    # Jitter, so that refused members do not all come back in the same second.
    retry_after = base + random.randint(0, base)
    # Back to the same form by GET, keeping only a safe `next` (the page refreshes to it).
    back = url_for(request.endpoint, **(request.view_args or {}), next=safe_next(request.args.get("next")))
    page = render_template("errors/busy.html", retry_after=retry_after, back=back)
    response = make_response(page, 503)
    response.headers["Retry-After"] = str(retry_after)
    return response


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
