"""Bank import at scale: a generated 10,000-question XLSX bank, validated and imported on a fresh SQLite db.

Builds the workbook an organiser would upload (the template's Vietnamese headers, every question
type, 40 topics, Vietnamese text with diacritics), then times, in this process:

    load_bank_file(...)   # open safely, parse, validate every row
    import_bank(...)      # version 1 with 10,000 questions, then commit
    import_bank(...)      # the same file again: must be a no-op

    python -m bench.bank_import                   # 10,000 questions, best of 3 fresh databases
    python -m bench.bank_import --questions 2000 --repeat 1

Target: validate + import under 5 s (wall time; CPU time is recorded too, since the
machine may be shared). Writes bench/results/bank_import.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.load.stats import write_result

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORDS = [
    "Đoàn",
    "thanh",
    "niên",
    "cộng",
    "sản",
    "Hồ",
    "Chí",
    "Minh",
    "đại",
    "hội",
    "đại",
    "biểu",
    "toàn",
    "quốc",
    "lần",
    "thứ",
    "mười",
    "hai",
    "nghị",
    "quyết",
    "nhiệm",
    "kỳ",
    "chuyển",
    "đổi",
    "số",
    "phong",
    "trào",
    "tình",
    "nguyện",
    "khởi",
    "nghiệp",
    "sáng",
    "tạo",
    "chiến",
    "lược",
    "phát",
    "triển",
    "thanh",
    "niên",
    "giai",
    "đoạn",
    "đoàn",
    "viên",
    "chi",
    "đoàn",
    "cơ",
    "sở",
    "bí",
    "thư",
    "ban",
    "chấp",
    "hành",
    "trung",
    "ương",
    "thi",
    "đua",
    "học",
    "tập",
    "rèn",
    "luyện",
]
NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def generate(questions: int, seed: int = 12):
    """A ParsedBank of `questions` questions of every type, spread over 40 topics."""
    sys.path.insert(0, str(ROOT))
    from quizapp.services.banks.parsed import (
        TRUE_FALSE_OPTIONS,
        ParsedBank,
        ParsedQuestion,
        ParsedTopic,
    )

    rng = random.Random(seed)
    bank = ParsedBank(slug="bench-10k", title="Ngân hàng thử tải", description="Sinh tự động.")
    topics = [ParsedTopic(f"{i + 1}. {_sentence(rng, 4)}") for i in range(40)]
    bank.topics = topics
    for n in range(questions):
        kind = rng.choices(
            ["single", "multiple", "true_false", "short", "numeric"], [60, 15, 12, 7, 6]
        )[0]
        q = ParsedQuestion(
            qtype=kind,
            stem=f"Câu {n + 1}: {_sentence(rng, rng.randint(12, 30))}?",
            uid=f"b-{n + 1:05d}",
            explanation=_sentence(rng, 20),
            source=f"Bảng dữ kiện, mục {rng.randint(1, 12)} — https://example.org/{n}",
            difficulty=rng.choice(["easy", "medium", "hard"]),
            tags=["dai-hoi"],
        )
        if kind in ("single", "multiple"):
            q.options = [f"{chr(65 + i)} {_sentence(rng, rng.randint(3, 8))}" for i in range(4)]
            q.answer = {"correct": [rng.randrange(4)]} if kind == "single" else {"correct": [0, 2]}
        elif kind == "true_false":
            q.options, q.answer = list(TRUE_FALSE_OPTIONS), {"correct": [rng.randrange(2)]}
        elif kind == "short":
            q.answer = {
                "accepted": [_sentence(rng, 2), _sentence(rng, 1)],
                "ignore_diacritics": True,
            }
        else:
            q.answer = {"value": rng.randint(1, 500), "tolerance": 0}
        topics[n % len(topics)].questions.append(q)
    return bank


def run_once(data: bytes, questions: int) -> dict:
    """Validate and import `data` on a fresh SQLite file, then import it again (a no-op)."""
    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.services.banks import import_bank, load_bank_file

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
                "SECRET_KEY": "bench",
                "TESTING": False,
            }
        )
        with app.app_context():
            db.create_all()
            t0, c0 = time.perf_counter(), time.process_time()
            parsed = load_bank_file("bench-10k.xlsx", data)
            t1, c1 = time.perf_counter(), time.process_time()
            assert not parsed.errors, [str(e) for e in parsed.errors[:5]]
            result = import_bank(parsed, now=NOW)
            db.session.commit()
            t2, c2 = time.perf_counter(), time.process_time()
            assert result.created and result.version.question_count == questions
            again = import_bank(load_bank_file("bench-10k.xlsx", data), now=NOW)
            t3 = time.perf_counter()
            assert not again.created
            db.session.remove()
            db.engine.dispose()
    return {
        "validate_s": round(t1 - t0, 2),
        "import_commit_s": round(t2 - t1, 2),
        "validate_plus_import_s": round(t2 - t0, 2),
        "validate_plus_import_cpu_s": round(c2 - c0, 2),
        "validate_cpu_s": round(c1 - c0, 2),
        "reimport_noop_s": round(t3 - t2, 2),
        "load_average_1m": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs, each on a fresh database")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from quizapp.services.banks.xlsx_format import write_xlsx

    started = time.perf_counter()
    data = write_xlsx(generate(args.questions))
    generated_s = time.perf_counter() - started
    runs = [run_once(data, args.questions) for _ in range(args.repeat)]
    best = min(runs, key=lambda r: r["validate_plus_import_s"])
    report = {
        "benchmark": "bank_import",
        "command": "python -m bench.bank_import"
        + (f" --questions {args.questions}" if args.questions != 10_000 else ""),
        "questions": args.questions,
        "xlsx_bytes": len(data),
        "generate_s": round(generated_s, 2),
        "best": best,
        "median_validate_plus_import_s": statistics.median(
            r["validate_plus_import_s"] for r in runs
        ),
        "runs": runs,
        "target_s": 5.0,
        "met": best["validate_plus_import_s"] < 5.0,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "cpus": os.cpu_count(),
        "database": "sqlite (fresh file per run)",
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.system()}",
    }
    write_result(RESULTS / "bank_import.json", report)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
