"""Number, percentage and date formatting: our helpers (quizapp.formatting) against Babel's.

A report page formats thousands of cells (a district of 240 chapters shows about ten numbers
each), so the cost per value decides whether templates call Babel or a helper built on Babel's
symbols. Times 100,000 calls of each, median of 5, both languages; checks both give the same text.

    python -m bench.formatting

Writes bench/results/formatting.json.
"""

from __future__ import annotations

import platform
import statistics
import sys
import timeit
from datetime import UTC, datetime
from pathlib import Path

from babel.dates import format_datetime
from babel.numbers import format_decimal

from bench.load.stats import write_result
from quizapp.clock import to_local
from quizapp.formatting import num, pct, time_text

CALLS = 100_000
RUNS = 5
VALUES = [0, 7, 1234, 87.5, 40.25, 1234567.891, 99.95, 3.0]
MOMENT = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)


def per_call_us(function) -> float:
    """Median microseconds per call over RUNS runs of CALLS calls (cycling through VALUES)."""
    rounds = CALLS // len(VALUES)
    times = timeit.repeat(lambda: [function(v) for v in VALUES], number=rounds, repeat=RUNS)
    return round(statistics.median(times) / (rounds * len(VALUES)) * 1e6, 3)


def main() -> None:
    results = {
        "calls": CALLS,
        "runs": RUNS,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "cases": [],
    }
    for locale in ("vi", "en"):
        cases = {
            "number (#,##0)": (
                lambda v, loc=locale: num(v, 0, loc),
                lambda v, loc=locale: format_decimal(v, "#,##0", locale=loc),
            ),
            "percentage (#,##0.0%)": (
                lambda v, loc=locale: pct(v, 1, loc),
                lambda v, loc=locale: format_decimal(v, "#,##0.0", locale=loc) + "%",
            ),
        }
        for name, (ours, babels) in cases.items():
            assert [ours(v) for v in VALUES] == [babels(v) for v in VALUES], name
            results["cases"].append(
                {
                    "locale": locale,
                    "what": name,
                    "ours_us": per_call_us(ours),
                    "babel_us": per_call_us(babels),
                }
            )
        pattern = "dd/MM/yyyy HH:mm" if locale == "vi" else "d MMM yyyy, HH:mm"
        assert time_text(MOMENT, locale) == format_datetime(
            to_local(MOMENT), pattern, locale=locale
        )
        results["cases"].append(
            {
                "locale": locale,
                "what": "date and time",
                "ours_us": per_call_us(lambda _v, loc=locale: time_text(MOMENT, loc)),
                "babel_us": per_call_us(
                    lambda _v, loc=locale, pat=pattern: format_datetime(
                        to_local(MOMENT), pat, locale=loc
                    )
                ),
            }
        )
    for case in results["cases"]:
        case["babel_over_ours"] = round(case["babel_us"] / case["ours_us"], 1)
        print(
            f"{case['locale']}  {case['what']:<24} ours {case['ours_us']:>7} µs   "
            f"Babel {case['babel_us']:>7} µs   ×{case['babel_over_ours']}"
        )
    out = Path(__file__).parent / "results" / "formatting.json"
    write_result(out, results)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
