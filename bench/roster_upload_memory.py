"""Peak memory of a web worker for the largest roster upload the limits accept (issue 11 item 3).

Each run is a fresh child process playing one worker: it builds the app on a fresh SQLite
database, signs an organiser in, and goes through the real pages with Flask's test client —
upload (the file is read once and its rows kept with the pending upload), preview, confirm —
recording the worker's peak RSS (VmHWM) after each step.

    python -m bench.roster_upload_memory                     # CSV and XLSX at the upload limit
    python -m bench.roster_upload_memory --csv-members 20000 --xlsx-members 20000   # quick

The largest upload the limits accept: `ROSTER_UPLOAD_MAX_ROWS` (100,000 rows) binds before
`MAX_CONTENT_LENGTH` (20 MB, ~123,000 rows of the province CSV of bench/roster_import.py) and
before the workbook limits of xlsx_reader.LIMITS, so: 100,000 rows as CSV and as .xlsx.
Writes bench/results/roster_upload_memory.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.load.stats import write_result

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

WORKER = r"""
import io, json, sys, time
from datetime import datetime, timezone
from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import Grant, Role, Unit, User, set_unit_path


def rss():
    # VmHWM (peak RSS of this process image): ru_maxrss would carry the parent's peak over fork.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)

path, db_url = sys.argv[1], sys.argv[2]
app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                  "RATELIMIT_ENABLED": False, "SERVER_NAME": "localhost"})
out = {}
with app.app_context():
    db.create_all()
    province = Unit(name="Tỉnh đoàn Sơn La", kind="province", code="SL")
    db.session.add(province)
    db.session.flush()
    set_unit_path(province)
    user = User(login="bantuyengiao", display_name="Ban Tuyên giáo", password_hash="x",
                created_at=datetime.now(timezone.utc))
    db.session.add(user)
    db.session.flush()
    db.session.add(Grant(user=user, role=Role.ORGANISER, unit=province))
    db.session.commit()
    uid, pid = user.get_id(), province.id
client = app.test_client()
with client.session_transaction() as sess:
    sess["_user_id"], sess["_fresh"] = uid, True
out["started_mib"] = rss()
data = open(path, "rb").read()
name = path.rsplit("/", 1)[-1]
t = time.perf_counter()
reply = client.post("/org/roster/upload", data={"unit": str(pid), "create_units": "y",
                    "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
assert reply.status_code == 302, reply.status_code
del data
out["upload_s"], out["after_upload_mib"] = round(time.perf_counter() - t, 2), rss()
preview = reply.headers["Location"]
t = time.perf_counter()
page = client.get(preview).get_data(as_text=True)
out["preview_s"], out["after_preview_mib"] = round(time.perf_counter() - t, 2), rss()
assert 'name="digest"' in page, page[:2000]
digest = page.split('name="digest" type="hidden" value="')[1].split('"')[0]
del page
t = time.perf_counter()
reply = client.post(preview, data={"digest": digest})
assert reply.status_code == 302 and "/roster/upload" not in reply.headers["Location"], reply.headers
out["confirm_s"], out["after_confirm_mib"] = round(time.perf_counter() - t, 2), rss()
with app.app_context():
    from sqlalchemy import func, select
    from quizapp.models import Member
    out["members_in_db"] = db.session.scalar(select(func.count()).select_from(Member))
print(json.dumps(out))
"""


def make_csv(path: Path, members: int) -> dict:
    """The province CSV of bench/roster_import.py."""
    sys.path.insert(0, str(ROOT))
    from bench.roster_import import generate

    return generate(path, members, max(1, members // 50))


def make_xlsx(path: Path, members: int) -> dict:
    """The same rows as an .xlsx (xlsxwriter, shared strings; a dev-time tool, openpyxl if missing)."""
    source = path.with_suffix(".csv")
    make_csv(source, members)
    with source.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    source.unlink()
    try:
        import xlsxwriter
    except ImportError:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Danh sách")
        for row in rows:
            sheet.append(row)
        book.save(path)
    else:
        book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
        sheet = book.add_worksheet("Danh sách")
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
        book.close()
    return {"members": members, "xlsx_bytes": path.stat().st_size}


def run_worker(path: Path, workdir: Path) -> dict:
    """One worker process through upload → preview → confirm; its peak RSS after each step."""
    db_url = f"sqlite:///{workdir / (path.name + '.sqlite')}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.run(
        [sys.executable, "-c", WORKER, str(path), db_url],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode:
        raise SystemExit(f"worker failed:\n{child.stdout[-2000:]}\n{child.stderr[-4000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-members", type=int, default=100_000)
    parser.add_argument("--xlsx-members", type=int, default=100_000)
    args = parser.parse_args()
    results = {
        "benchmark": "roster_upload_memory",
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "runs": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for kind, members, maker in (
            ("csv", args.csv_members, make_csv),
            ("xlsx", args.xlsx_members, make_xlsx),
        ):
            path = workdir / f"roster.{kind}"
            started = time.perf_counter()
            info = maker(path, members)
            info["bytes"] = path.stat().st_size
            info["generate_s"] = round(time.perf_counter() - started, 1)
            info.update(run_worker(path, workdir))
            results["runs"][kind] = info
            print(kind, json.dumps(info), flush=True)
    write_result(RESULTS / "roster_upload_memory.json", results)


if __name__ == "__main__":
    main()
