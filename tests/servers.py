"""Run the real app under gunicorn in a subprocess, for tests that need several processes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.load.server import _die_with_parent, free_port
from bench.load.server import app_env as bench_app_env

ROOT = Path(__file__).resolve().parent.parent


def app_env(database_url: str, **config) -> dict[str, str]:
    """Environment for a subprocess app: the benchmarks' app_env with cheap test settings."""
    settings = {"SECRET_KEY": "test-secret", "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                "LOG_REQUESTS": False, **config}
    return bench_app_env(database_url, settings)


class Gunicorn:
    """A gunicorn master serving quizapp on a free port, stopped by stop()."""

    def __init__(self, database_url: str, workers: int = 1, threads: int = 4, **config):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = app_env(database_url, **config)
        env.update(QUIZAPP_BIND=f"127.0.0.1:{self.port}", WEB_CONCURRENCY=str(workers),
                   QUIZAPP_THREADS=str(threads))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "--graceful-timeout", "2", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True, preexec_fn=_die_with_parent,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited: " + self.proc.stderr.read().decode(errors="replace"))
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not become ready")

    def worker_pids(self) -> list[int]:
        """Pids of the master's current worker processes."""
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)],
                             capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def stop(self) -> None:
        """Stop the master and its workers (only the processes this object started)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.proc.stderr:
            self.proc.stderr.close()
