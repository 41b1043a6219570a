"""Browser tests: a live server thread on 127.0.0.1 and Debian's chromium driven by Playwright.

The live app uses the same database as the rest of the suite (SQLite file or the session's
PostgreSQL database). Chromium missing: skipped locally, a failure in CI (env CI set).
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from quizapp.extensions import db
from tests.conftest import IN_CI, make_app

CHROMIUM = os.environ.get("QUIZAPP_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture(scope="session")
def chromium():
    """A headless chromium for the whole session."""
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"chromium not found at {CHROMIUM}")
        pytest.skip(f"chromium not found at {CHROMIUM} (install Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class LiveServer:
    """The app served by werkzeug in a thread; `session()` gives the test database access."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @contextmanager
    def session(self):
        """An app context whose work is committed and released at the end (SQLite locks)."""
        with self.app.app_context():
            try:
                yield db.session
                db.session.commit()
            finally:
                db.session.remove()

    def go_down(self):
        """The network is gone: connections to the server are refused until `come_back()`."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def come_back(self):
        """The server answers again on the same address."""
        self.server = make_server("127.0.0.1", self.server.server_port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)
        with self.app.app_context():
            db.engine.dispose()


@pytest.fixture
def live_server(database_url, tmp_path):
    """Call live_server(**config) to serve an app with CSRF on (as in production)."""
    servers: list[LiveServer] = []

    def start(**config) -> LiveServer:
        config = {"WTF_CSRF_ENABLED": True, "SERVER_NAME": None, **config}
        folder = tmp_path / f"live{len(servers)}"
        folder.mkdir()
        server = LiveServer(make_app(database_url, folder, **config))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def phone(chromium):
    """A 360×640 touch browser context, Vietnamese."""
    context = chromium.new_context(
        viewport={"width": 360, "height": 640},
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


def save_artifact(name: str) -> Path:
    """Where a test keeps a screenshot or trace (tests/artifacts, not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
