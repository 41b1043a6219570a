"""Reading a 10,000-row workbook: the project's guarded reader against openpyxl and python-calamine.

Issue 10 item 5 asks whether the own streaming reader (`quizapp/services/xlsx_reader.py`) is still
worth keeping. The workbook is the 10,000-question bank of bench/bank_import.py written as the
template (openpyxl, shared strings). Each reader reads every cell of the questions sheet into
Python values; best of 5 runs of CPU time (process_time) in this process.

    python -m bench.xlsx_read                 # writes bench/results/xlsx_read.json

python-calamine is a dev-time comparison only (not a dependency): it is optional here.
"""

from __future__ import annotations

import io
import platform
import sys
import time
from pathlib import Path

from bench.load.stats import write_result

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def own(data: bytes) -> int:
    from quizapp.services.xlsx_reader import open_workbook

    workbook = open_workbook(data)
    _title, path = workbook.visible_sheets()[0]
    return sum(len(values) for _number, values in workbook.rows(path, 80))


def openpyxl_read_only(data: bytes) -> int:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    return sum(len(row) for row in book.worksheets[0].iter_rows(values_only=True))


def calamine(data: bytes) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return sum(len(row) for row in book.get_sheet_by_index(0).to_python())


def best(reader, data: bytes, runs: int = 5) -> dict:
    """Best CPU time of `runs` reads, and the number of cells seen."""
    times, cells = [], 0
    for _ in range(runs):
        start = time.process_time()
        cells = reader(data)
        times.append(time.process_time() - start)
    return {"best_s": round(min(times), 3), "cells": cells}


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.bank_import import generate
    from quizapp.services.banks.xlsx_format import write_xlsx

    data = write_xlsx(generate(10_000))
    results = {
        "benchmark": "xlsx_read",
        "rows": 10_000,
        "xlsx_bytes": len(data),
        "python": platform.python_version(),
        "readers": {},
    }
    readers = {"own (expat, guarded)": own, "openpyxl read-only": openpyxl_read_only}
    try:
        import python_calamine  # noqa: F401

        readers["python-calamine"] = calamine
    except ImportError:
        results["readers"]["python-calamine"] = "not installed"
    for name, reader in readers.items():
        results["readers"][name] = best(reader, data)
        print(name, results["readers"][name], flush=True)
    write_result(RESULTS / "xlsx_read.json", results)


if __name__ == "__main__":
    main()
