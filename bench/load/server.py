"""Start and stop gunicorn for the benchmarks, with deploy/gunicorn.conf.py's settings."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "gunicorn.conf.py"


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the parent dies, so a killed run leaves no server behind."""
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(database_url: str | None, config: dict | None = None) -> dict[str, str]:
    """The environment of a quizapp subprocess: QUIZAPP_* settings as JSON values."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZAPP_")}
    if database_url:
        env["QUIZAPP_DATABASE_URL"] = database_url
    for key, value in (config or {}).items():
        env[f"QUIZAPP_{key}"] = value if isinstance(value, str) else json.dumps(value)
    return env


class Server:
    """One gunicorn master on a free port; `app` None means quizapp (deploy/wsgi.py)."""

    def __init__(
        self,
        database_url: str | None = None,
        config: dict | None = None,
        app: str | None = None,
        workers: int = 3,
        threads: int = 4,
        log_path: Path | None = None,
        extra_args: list[str] | None = None,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = app_env(database_url, config)
        env.update(
            QUIZAPP_BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY=str(workers),
            QUIZAPP_THREADS=str(threads),
            QUIZAPP_GUNICORN_LOGLEVEL="warning",
        )
        argv = [sys.executable, "-m", "gunicorn", "-c", str(CONF), *(extra_args or [])]
        if app:
            argv.append(app)
        if log_path:
            log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path = log_path
        self.log = open(log_path, "ab") if log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        self.workers = workers
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        """Block until /healthz answers 200 (or raise)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                said = self.log_path.read_text(errors="replace")[-4000:] if self.log_path else ""
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}\n{said}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not become ready")

    def worker_pids(self) -> list[int]:
        """Pids of this master's workers right now."""
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True
        ).stdout
        return [int(p) for p in out.split()]

    def cpu_seconds(self) -> float:
        """User+system CPU of the master and its live workers (from /proc)."""
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for pid in [self.proc.pid, *self.worker_pids()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def stop(self) -> None:
        """Graceful stop of the processes this object started; SIGKILL after 20 s."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.log is not subprocess.DEVNULL:
            self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
