"""How long `make run` takes, on a fresh database, until the demo server answers.

Run from a clone whose packages are installed (`make install`): it removes nothing but a
temporary instance folder of its own, runs `make run` on a free port with that folder's SQLite
file, polls /healthz, and writes seconds to bench/results/first_start.json.

    python -m bench.first_start            # or: python bench/first_start.py
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "first_start.json"
LIMIT_SECONDS = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as reply:
            return reply.status == 200
    except OSError:
        return False


def measure() -> dict:
    """Seconds from `make run` to the first 200 of /healthz, and what the output said first."""
    port = _free_port()
    folder = Path(tempfile.mkdtemp(prefix="quizapp-first-start-"))
    env = {
        **os.environ,
        "QUIZAPP_DATABASE_URL": f"sqlite:///{folder / 'quizapp.sqlite'}",
        "QUIZAPP_SECRET_KEY": "bench-only",
    }
    log = folder / "output.txt"
    started = time.perf_counter()
    with log.open("wb") as out:
        server = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            while not _answers(f"http://127.0.0.1:{port}/healthz"):
                if server.poll() is not None or time.perf_counter() - started > LIMIT_SECONDS:
                    raise RuntimeError(log.read_text(errors="replace")[-2000:])
                time.sleep(0.2)
            answered = time.perf_counter() - started
            _answers(f"http://127.0.0.1:{port}/auth/login")
            time.sleep(0.5)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
    output = log.read_text(errors="replace")
    lines = output.splitlines()
    banner = next((i for i, line in enumerate(lines) if "CTRL+C" in line), None)
    return {
        "seconds_to_first_answer": round(answered, 1),
        "logins_under_banner": banner is not None
        and any("bantuyengiao" in line for line in lines[banner : banner + 12]),
        "request_lines_for_login_page": sum("/auth/login" in line for line in lines),
        "load_average": os.getloadavg()[0],
        "python": sys.version.split()[0],
    }


if __name__ == "__main__":
    result = measure()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
