"""Backups and restores: SQLite's online backup API, pg_dump/pg_restore for PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """A backup or restore that could not be done, with a message for the operator."""


@dataclass
class Plan:
    """What a backup or restore does: the file and, for PostgreSQL, the command run."""

    path: Path
    argv: list[str] | None = None
    env: dict[str, str] | None = None

    def shell(self) -> str:
        """The command as an operator would type it (for --print)."""
        if self.argv is None:
            return ""
        prefix = "PGPASSWORD=… " if self.env and "PGPASSWORD" in self.env else ""
        return prefix + " ".join(_quote(a) for a in self.argv)


def _quote(arg: str) -> str:
    return (
        arg
        if arg and all(c.isalnum() or c in "-_./=:@+" for c in arg)
        else "'" + arg.replace("'", "'\\''") + "'"
    )


def default_backup_path(url: str | URL, folder: Path, now: datetime) -> Path:
    """backups/quizapp-YYYYmmdd-HHMMSS.sqlite (or .dump for PostgreSQL) under `folder`."""
    ext = "sqlite" if make_url(url).get_backend_name() == "sqlite" else "dump"
    return folder / f"quizapp-{now:%Y%m%d-%H%M%S}.{ext}"


def sqlite_file(url: str | URL) -> Path:
    """The database file of a SQLite URL; in-memory databases cannot be backed up."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return Path(database)


def backup_sqlite(url: str | URL, dest: Path, pages_per_step: int = 1024) -> Path:
    """Copy a live SQLite database with the online backup API (writers keep working)."""
    source = sqlite_file(url)
    if not source.exists():
        raise BackupError(f"Không thấy tệp cơ sở dữ liệu {source}.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    src = sqlite3.connect(str(source))
    try:
        out = sqlite3.connect(str(partial))
        try:
            # Small steps let the app's writers in between; a step that meets a change restarts.
            src.backup(out, pages=pages_per_step)
            check = out.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            out.close()
    finally:
        src.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"Bản sao lưu không toàn vẹn: {check}")
    os.replace(partial, dest)
    return dest


def restore_sqlite(url: str | URL, source: Path) -> None:
    """Replace the live SQLite database's content with a backup file, in one step."""
    target = sqlite_file(url)
    if not source.exists():
        raise BackupError(f"Không thấy tệp sao lưu {source}.")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"Tệp sao lưu {source} bị hỏng.")
        dst = sqlite3.connect(str(target), timeout=30)
        try:
            # The backup API takes the target's write lock, so running app workers wait, not break.
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _pg_args(url: str | URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for libpq tools from a SQLAlchemy URL (password via env, never argv)."""
    u = make_url(url)
    args = []
    if u.host:
        args += ["-h", u.host]
    if u.port:
        args += ["-p", str(u.port)]
    if u.username:
        args += ["-U", u.username]
    env = {"PGPASSWORD": u.password} if u.password else {}
    return args, env


def pg_dump_plan(url: str | URL, dest: Path) -> Plan:
    """pg_dump in custom format: compressed, restorable table by table with pg_restore."""
    args, env = _pg_args(url)
    argv = [
        "pg_dump",
        *args,
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={dest}",
        make_url(url).database or "",
    ]
    return Plan(dest, argv, env)


def pg_restore_plan(url: str | URL, source: Path) -> Plan:
    """pg_restore replacing every object, all or nothing (--single-transaction)."""
    args, env = _pg_args(url)
    argv = [
        "pg_restore",
        *args,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        f"--dbname={make_url(url).database or ''}",
        str(source),
    ]
    return Plan(source, argv, env)


def run_plan(plan: Plan, timeout: float = 3600) -> None:
    """Run a pg_dump/pg_restore plan; a failure raises BackupError with the tool's message."""
    env = {**os.environ, **(plan.env or {})}
    try:
        done = subprocess.run(plan.argv, env=env, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError as err:
        raise BackupError(
            f"Không tìm thấy lệnh {plan.argv[0]}; hãy cài gói postgresql-client."
        ) from err
    if done.returncode != 0:
        raise BackupError(f"{plan.argv[0]} lỗi: {done.stderr.strip()}")


def backup(url: str | URL, dest: Path) -> Plan:
    """Back up the database at `url` into `dest` (SQLite online copy or pg_dump)."""
    if make_url(url).get_backend_name() == "sqlite":
        backup_sqlite(url, dest)
        return Plan(dest)
    plan = pg_dump_plan(url, dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    run_plan(plan)
    return plan


def restore(url: str | URL, source: Path) -> Plan:
    """Put the content of the backup `source` back into the database at `url`."""
    if make_url(url).get_backend_name() == "sqlite":
        restore_sqlite(url, source)
        return Plan(source)
    if not source.exists():
        raise BackupError(f"Không thấy tệp sao lưu {source}.")
    plan = pg_restore_plan(url, source)
    run_plan(plan)
    return plan
