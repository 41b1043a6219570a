"""Small statistics helpers shared by the benchmarks."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
from datetime import UTC, datetime


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of `values`; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(seconds: list[float]) -> dict:
    """count, p50, p95, p99 and max in milliseconds."""
    ms = [s * 1000 for s in seconds]

    def r(v):
        return None if v is None else round(v, 1)

    return {
        "count": len(ms),
        "p50_ms": r(percentile(ms, 50)),
        "p95_ms": r(percentile(ms, 95)),
        "p99_ms": r(percentile(ms, 99)),
        "max_ms": r(max(ms) if ms else None),
    }


def machine() -> dict:
    """Where the numbers were measured."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except OSError:
        commit = ""
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "commit": commit,
        "loadavg_before": load,
    }


def write_result(path, result: dict) -> None:
    """Write one benchmark's numbers as JSON (UTF-8, Vietnamese kept readable), making the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
