"""Run the real app under gunicorn in a subprocess, for tests that need several processes: the
benchmarks' server (bench/load/server.py) with cheap test settings and a quick graceful stop."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.load.server import Server

TEST_SETTINGS = {
    "SECRET_KEY": "test-secret",
    "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    "LOG_REQUESTS": False,
}


class Gunicorn(Server):
    """A gunicorn master serving quizapp on a free port, stopped by stop(); its log in a
    temporary file, quoted when it fails to start."""

    def __init__(self, database_url: str, workers: int = 1, threads: int = 4, **config):
        log = Path(tempfile.mkdtemp(prefix="quizapp-gunicorn-")) / "gunicorn.log"
        super().__init__(
            database_url,
            {**TEST_SETTINGS, **config},
            workers=workers,
            threads=threads,
            log_path=log,
            extra_args=["--graceful-timeout", "2"],
        )
