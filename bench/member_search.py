"""Member search and single-member edits at province scale: 300,000 members in 6,000 chapters, SQLite.

Builds a fresh database (12 districts, 600 communes, 10 chapters each; names drawn like the demo
province's), then times what an organiser's console does:

- a page (50) of the members page: no text, a common word (first page and page 10), one member's
  full name, the last digits of a phone, a member code, text that matches nobody (the whole
  subtree is scanned);
  at province scope and at district scope; median and best of 5;
- the same full-name and no-match searches the way the console did it before (names folded in
  Python over the whole subtree), for comparison;
- one member's move and deactivation with the incremental denominator update, against the full
  `refresh_roster_counts()` they used to run.

    python -m bench.member_search                       # 300,000 members
    python -m bench.member_search --members 30000 --chapters 600

Writes bench/results/member_search.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from bench.load.stats import write_result

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
NOW = datetime(2025, 3, 4, 3, 0, tzinfo=UTC)
REPEAT = 5


def _timed(fn, repeat: int = REPEAT) -> tuple[dict, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "best_ms": round(min(times) * 1000, 1),
    }, result


def build(db, members: int, chapters: int, seed: int = 7) -> dict:
    """Units and members by bulk insert (the members' search keys come from the column default)."""
    from sqlalchemy import insert

    from quizapp.models import Member, Unit, set_unit_path
    from quizapp.models.people import member_search_key
    from quizapp.services.demo.province import _person

    rng = random.Random(seed)
    province = Unit(name="Tỉnh đoàn Sơn La", kind="province", code="SL")
    db.session.add(province)
    db.session.flush()
    set_unit_path(province)
    districts, communes, leaves = [], [], []
    for d in range(12):
        unit = Unit(
            name=f"Huyện đoàn số {d + 1}", kind="district", code=f"SL-D{d + 1:02d}", parent=province
        )
        db.session.add(unit)
        districts.append(unit)
    db.session.flush()
    for unit in districts:
        set_unit_path(unit)
    for c in range(chapters // 10):
        unit = Unit(
            name=f"Đoàn xã số {c + 1}",
            kind="grassroots",
            code=f"SL-X{c + 1:04d}",
            parent=districts[c % len(districts)],
        )
        db.session.add(unit)
        communes.append(unit)
    db.session.flush()
    for unit in communes:
        set_unit_path(unit)
    for n in range(chapters):
        unit = Unit(
            name=f"Chi đoàn bản số {n % 10 + 1}",
            kind="chapter",
            code=f"CD{n + 1:05d}",
            parent=communes[n // 10],
        )
        db.session.add(unit)
        leaves.append(unit)
    db.session.flush()
    for unit in leaves:
        set_unit_path(unit)
    db.session.flush()

    rows = []
    for i in range(members):
        name, gender, ethnicity = _person(rng)
        rows.append(
            {
                "code": f"SL{i + 1:07d}",
                "full_name": name,
                "gender": gender,
                "ethnicity": ethnicity,
                "phone": f"09{rng.randrange(10**8):08d}",
                "is_cadre": rng.random() < 0.08,
                "active": True,
                "chapter_id": leaves[i % chapters].id,
                "attributes": {},
                "updated_at": NOW,
            }
        )
    started = time.perf_counter()
    for row in rows:  # what the bulk paths spend on keys (cold word cache)
        member_search_key(row["full_name"], row["code"], row["phone"])
    keys_s = time.perf_counter() - started
    started = time.perf_counter()
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Member.__table__), rows[start : start + 5000])
    insert_s = time.perf_counter() - started
    db.session.commit()
    # A member of chapter 41, in district 5 (SL-D05): found at both scopes measured.
    sample = rows[40 + chapters * (members // chapters // 2)]
    return {
        "members": members,
        "chapters": chapters,
        "districts": len(districts),
        "communes": len(communes),
        "search_keys_s": round(keys_s, 2),
        "insert_s": round(insert_s, 2),
        "sample": {k: sample[k] for k in ("full_name", "code", "phone")},
    }


def old_python_search(db, unit, text: str, limit: int) -> list[int]:
    """The console's search before search_key: every member of the subtree folded in Python."""
    from sqlalchemy import select

    from quizapp.models import Member, Unit
    from quizapp.text import fold_vietnamese

    stmt = (
        select(Member.id, Member.full_name, Member.code, Member.phone)
        .join(Unit, Member.chapter_id == Unit.id)
        .where(unit.subtree_filter(), Member.active.is_(True))
        .order_by(Unit.path, Member.full_name, Member.id)
        .execution_options(yield_per=2000)
    )
    wanted, digits = fold_vietnamese(text), "".join(c for c in text if c.isdigit())
    ids = []
    for mid, name, code, phone in db.session.execute(stmt):
        if (
            wanted in fold_vietnamese(name)
            or wanted in code.casefold()
            or (len(digits) >= 3 and phone and digits in "".join(c for c in phone if c.isdigit()))
        ):
            ids.append(mid)
            if len(ids) >= limit:
                break
    return ids


def measure(db, built: dict) -> dict:
    from sqlalchemy import func, select

    from quizapp.models import Member, Unit
    from quizapp.services.reports.roster_counts import refresh_roster_counts
    from quizapp.services.roster import members as member_service

    province = db.session.scalar(select(Unit).where(Unit.code == "SL"))
    district = db.session.scalar(select(Unit).where(Unit.code == "SL-D05"))
    rare = built["sample"]["full_name"]
    queries = {
        "no text (first page)": ("", 0),
        "common word 'thi' (first page)": ("thi", 0),
        "common word 'thi', page 10": ("thi", 450),
        f"full name '{rare}'": (rare, 0),
        "last 6 digits of a phone": (built["sample"]["phone"][-6:], 0),
        "member code": (built["sample"]["code"], 0),
        "no match 'zzzz' (whole subtree scanned)": ("zzzz", 0),
    }
    out: dict = {"search": {}, "old_python_fold": {}}
    for scope_name, scope in (("province", province), ("district", district)):
        in_scope = db.session.scalar(
            select(func.count(Member.id))
            .join(Unit, Member.chapter_id == Unit.id)
            .where(scope.subtree_filter())
        )
        rows = {}
        for label, (text, offset) in queries.items():
            timing, found = _timed(
                partial(member_service.search_members, scope, text, False, 51, offset)
            )
            rows[label] = {**timing, "found_on_page": len(found)}
            db.session.expunge_all()
        out["search"][scope_name] = {"members_in_scope": in_scope, "queries": rows}
        old = {}
        for label, text in (
            (f"full name '{rare}'", rare),
            ("no match 'zzzz' (whole subtree scanned)", "zzzz"),
        ):
            timing, found = _timed(partial(old_python_search, db, scope, text, 51), repeat=2)
            old[label] = {**timing, "found_on_page": len(found)}
        out["old_python_fold"][scope_name] = old

    timing, _ = _timed(refresh_roster_counts, repeat=2)
    out["refresh_roster_counts"] = timing
    db.session.commit()
    member = db.session.scalar(select(Member).where(Member.code == "SL0000001"))
    target = db.session.scalar(select(Unit).where(Unit.code == f"CD{built['chapters']:05d}"))
    steps = {}
    for label, step in (
        (
            "move to a chapter in another district",
            lambda: member_service.move_member(member, target, None, NOW),
        ),
        ("deactivate", lambda: member_service.set_member_active(member, False, None, NOW)),
        ("reactivate", lambda: member_service.set_member_active(member, True, None, NOW)),
        (
            "edit: becomes a cadre",
            lambda: member_service.update_member(
                member, {"is_cadre": not member.is_cadre}, None, NOW
            ),
        ),
    ):
        started = time.perf_counter()
        step()
        steps[label] = {"ms": round((time.perf_counter() - started) * 1000, 1)}
    db.session.rollback()
    out["single_member_edit_with_adjust"] = steps
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=300_000)
    parser.add_argument("--chapters", type=int, default=6_000)
    parser.add_argument("--out", type=Path, default=RESULTS / "member_search.json")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from quizapp import create_app
    from quizapp.extensions import db

    load_before = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix="member-search-") as tmp:
        db_path = Path(tmp) / "bench.sqlite"
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            built = build(db, args.members, args.chapters)
            measured = measure(db, built)
            db.session.remove()
            db.engine.dispose()
        db_mib = round(db_path.stat().st_size / 2**20, 1)
    result = {
        "benchmark": "member_search",
        "database": "sqlite",
        "page_size": 50,
        **built,
        "db_mib": db_mib,
        **measured,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(),
            "load_average": [load_before, round(os.getloadavg()[0], 2)],
        },
        "date": date.today().isoformat(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_result(args.out, result)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
