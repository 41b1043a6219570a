"""Print the docs/benchmarks.md tables from bench/results/load-*.json (and the other results).

python -m bench.load.table
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "results"
MAIN_KIND = {
    "ceiling": "save",
    "saturation": "save",
    "steady": "save",
    "sync_start": "start",
    "close_storm": "submit",
}


def _fmt(v, unit=""):
    return "—" if v is None else f"{v:g}{unit}"


def load_rows(data: dict) -> list[str]:
    """One row per scenario and request kind that matters."""
    db, rows = data["db"], []
    args = data["args"]
    command = f"`python -m bench.load.run --db {db}`"
    ceiling = data.get("ceiling", {}).get("kinds", {}).get("save", {}).get("per_s")
    for name in ("ceiling", "saturation", "steady", "sync_start", "close_storm"):
        scenario = data.get(name)
        if not scenario:
            continue
        check = scenario.get("check", {})
        kinds = [MAIN_KIND[name]] + [
            k
            for k in ("save", "submit")
            if k != MAIN_KIND[name]
            and k in scenario["kinds"]
            and name in ("sync_start", "close_storm", "steady")
        ]
        for kind in kinds:
            k = scenario["kinds"].get(kind)
            if not k:
                continue
            ratio = (
                round(k["per_s"] / ceiling, 3)
                if ceiling and kind == "save" and name != "ceiling"
                else None
            )
            members = {
                "saturation": args["saturation_concurrency"],
                "steady": args["steady_members"],
                "sync_start": args["sync_members"],
                "close_storm": args["storm_members"],
                "ceiling": args["saturation_concurrency"],
            }[name]
            errors = k["errors"]
            lost = check.get("lost") if check else None
            rows.append(
                f"| {db} | {name} | {members} | {kind} | {k['count']} | {_fmt(k['per_s'], '/s')} | "
                f"{_fmt(k['p50_ms'])} | {_fmt(k['p95_ms'])} | {_fmt(k['p99_ms'])} | {errors} | "
                f"{_fmt(ratio)} | {_fmt(lost)} | {scenario.get('app_cpu_ms_per_request', '—')} | "
                f"{scenario.get('db_cpu_ms_per_request', '—') if db == 'postgresql' else '—'} | {command} |"
            )
    return rows


def main() -> None:
    print(
        "| db | scenario | members | request | count | throughput | p50 ms | p95 ms | p99 ms | errors "
        "| ratio to ceiling | lost answers | app CPU ms/req | db CPU ms/req | command |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for path in sorted(RESULTS.glob("load-*.json")):
        for row in load_rows(json.loads(path.read_text())):
            print(row)


if __name__ == "__main__":
    main()
