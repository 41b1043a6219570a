"""Roster import at province scale: 300,000 members in 6,000 chapters, on a fresh SQLite database.

Generates the CSV an organiser would upload (Vietnamese headers, parent columns, dd/mm/yyyy
dates), then runs the real command twice in a child process, as an operator would:

    quizapp import-roster FILE --create-units     # first import: builds the tree, adds everyone
    quizapp import-roster FILE                    # re-import: must change nothing

and records wall time and peak memory (max RSS of the child) of each run.

    python -m bench.roster_import                       # 300,000 members, 6,000 chapters
    python -m bench.roster_import --members 30000 --chapters 600

Writes bench/results/roster_import.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.load.stats import write_result

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DISTRICTS = [
    "Thành phố Sơn La",
    "Mai Sơn",
    "Mộc Châu",
    "Thuận Châu",
    "Sông Mã",
    "Quỳnh Nhai",
    "Mường La",
    "Yên Châu",
    "Sốp Cộp",
    "Vân Hồ",
    "Bắc Yên",
    "Phù Yên",
]
HEADER = [
    "STT",
    "Mã đoàn viên",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Số điện thoại",
    "Tỉnh đoàn",
    "Huyện đoàn",
    "Đoàn cơ sở",
    "Mã chi đoàn",
    "Chi đoàn",
    "Cán bộ đoàn",
]


def generate(path: Path, members: int, chapters: int, seed: int = 7) -> dict:
    """Write the province roster CSV; chapters are spread over 12 districts, 10 per commune."""
    sys.path.insert(0, str(ROOT))
    from quizapp.services.demo.province import _person  # same name pools as the demo province

    rng = random.Random(seed)
    chapter_rows = []
    for n in range(chapters):
        commune = n // 10
        district = DISTRICTS[commune % len(DISTRICTS)]
        chapter_rows.append(
            (
                f"Huyện đoàn {district}",
                f"Đoàn xã số {commune + 1}",
                f"CD{n + 1:05d}",
                f"Chi đoàn bản số {n % 10 + 1}",
            )
        )
    today = date(2024, 3, 1)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for i in range(members):
            district, commune, chapter_code, chapter_name = chapter_rows[i % chapters]
            name, gender, ethnicity = _person(rng)
            birth = today - timedelta(days=rng.randint(16 * 365, 35 * 365))
            writer.writerow(
                [
                    i + 1,
                    f"SL{i + 1:07d}",
                    name,
                    birth.strftime("%d/%m/%Y"),
                    "Nam" if gender == "nam" else "Nữ",
                    ethnicity,
                    f"09{i:08d}",
                    "Tỉnh đoàn Sơn La",
                    district,
                    commune,
                    chapter_code,
                    chapter_name,
                    "x" if rng.random() < 0.08 else "",
                ]
            )
    return {"members": members, "chapters": chapters, "csv_bytes": path.stat().st_size}


def run_import(db_url: str, csv_path: Path, *extra: str) -> dict:
    """Run `quizapp import-roster` in a child process; wall time, peak RSS and its JSON report."""
    env = {**os.environ, "QUIZAPP_DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-c",
        "import sys; from quizapp.__main__ import main; sys.argv[0] = 'quizapp'; main()",
        "import-roster",
        str(csv_path),
        "--json",
        *extra,
    ]
    start = time.perf_counter()
    child = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    out, err = child.stdout.read(), child.stderr.read()
    if status != 0:
        raise SystemExit(f"import failed ({status}):\n{out}\n{err}")
    report = json.loads(out.strip().splitlines()[-1])
    return {
        "wall_s": round(wall, 2),
        "max_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "user_cpu_s": round(usage.ru_utime, 2),
        "phases_s": report["timings"],
        "report": report["summary"],
    }


def create_schema(db_url: str) -> None:
    """An empty database with every table (schema creation is not part of the measurement)."""
    code = (
        "from quizapp import create_app; from quizapp.extensions import db\n"
        "app = create_app()\nwith app.app_context(): db.create_all()"
    )
    env = {**os.environ, "QUIZAPP_DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=300_000)
    parser.add_argument("--chapters", type=int, default=6_000)
    parser.add_argument("--out", type=Path, default=RESULTS / "roster_import.json")
    args = parser.parse_args()
    load_before = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix="roster-bench-") as tmp:
        tmp = Path(tmp)
        csv_path = tmp / "danh-sach-doan-vien.csv"
        started = time.perf_counter()
        data = generate(csv_path, args.members, args.chapters)
        data["generate_s"] = round(time.perf_counter() - started, 2)
        db_path = tmp / "bench.sqlite"
        db_url = f"sqlite:///{db_path}"
        create_schema(db_url)
        first = run_import(db_url, csv_path, "--create-units")
        again = run_import(db_url, csv_path)
        with sqlite3.connect(db_path) as conn:
            counted = {
                "members": conn.execute("select count(*) from member").fetchone()[0],
                "units": conn.execute("select count(*) from unit").fetchone()[0],
            }
        data["db_mib"] = round(db_path.stat().st_size / 2**20, 1)
    result = {
        "benchmark": "roster_import",
        "database": "sqlite",
        **data,
        "in_database": counted,
        "first_import": first,
        "reimport": again,
        "idempotent": again["report"]["added"]
        == again["report"]["updated"]
        == again["report"]["moved"]
        == 0,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(),
            # other work on the machine during the run (1-minute load average before, after)
            "load_average": [load_before, round(os.getloadavg()[0], 2)],
        },
        "date": date.today().isoformat(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_result(args.out, result)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
