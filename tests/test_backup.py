"""`quizapp backup` and `quizapp restore`: what was backed up comes back."""

from pathlib import Path

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Unit
from quizapp.services import backup as backups


def _unit_names():
    return sorted(db.session.scalars(select(Unit.name)))


def test_backup_then_restore_brings_the_data_back(app, make, runner, tmp_path):
    make.unit("Chi đoàn Nà Sản")
    db.session.commit()
    out = tmp_path / "saved.bak"
    result = runner.invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and out.stat().st_size > 0

    db.session.execute(db.delete(Unit))
    make.unit("Chi đoàn tạo sau khi sao lưu")
    db.session.commit()

    result = runner.invoke(args=["restore", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert _unit_names() == ["Chi đoàn Nà Sản"]


def test_restore_asks_for_confirmation_and_changes_nothing_without_it(app, make, runner, tmp_path):
    make.unit("Chi đoàn A")
    db.session.commit()
    out = tmp_path / "saved.bak"
    assert runner.invoke(args=["backup", "--out", str(out)]).exit_code == 0
    make.unit("Chi đoàn B")
    db.session.commit()
    result = runner.invoke(args=["restore", str(out)])
    assert result.exit_code != 0
    assert "--yes" in result.output
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 2


def test_restore_of_a_missing_file_is_refused_with_a_clear_message(app, runner, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "khong-co.bak"), "--yes"])
    assert result.exit_code != 0
    assert "khong-co.bak" in result.output


def test_sqlite_backup_is_a_complete_database_file(tmp_path):
    import sqlite3

    live = tmp_path / "live.sqlite"
    conn = sqlite3.connect(live)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(5000)])
    conn.commit()  # the rows sit in the WAL, not yet in the main file
    dest = backups.backup_sqlite(f"sqlite:///{live}", tmp_path / "copy.sqlite", pages_per_step=4)
    conn.close()
    copy = sqlite3.connect(dest)
    assert copy.execute("SELECT count(*) FROM t").fetchone()[0] == 5000


def test_postgresql_backup_command_keeps_the_password_out_of_argv():
    url = "postgresql+psycopg://quiz:bi-mat@db.internal:5433/quizapp"
    plan = backups.pg_dump_plan(url, Path("/var/backups/q.dump"))
    assert plan.argv[0] == "pg_dump"
    assert "bi-mat" not in " ".join(plan.argv)
    assert plan.env == {"PGPASSWORD": "bi-mat"}
    assert plan.argv[-1] == "quizapp"
    assert "--format=custom" in plan.argv
    assert plan.shell().startswith("PGPASSWORD=… pg_dump -h db.internal -p 5433 -U quiz")


def test_postgresql_restore_is_all_or_nothing():
    plan = backups.pg_restore_plan(
        "postgresql+psycopg://postgres@127.0.0.1/quizapp", Path("q.dump")
    )
    assert "--single-transaction" in plan.argv and "--clean" in plan.argv
