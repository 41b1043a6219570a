"""Database binding: SQLite pragmas, PostgreSQL options, migrations."""

from __future__ import annotations

from pathlib import Path

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

import quizapp.models  # noqa: F401  (register every table before binding)
from quizapp.extensions import db, migrate

MIGRATIONS = Path(__file__).resolve().parent / "migrations"  # shipped inside the package
# request.environ key: True when the request's unit of work only reads (quizapp/web/transaction.py).
READ_ONLY = "quizapp.read_only"


def write_lock_wanted() -> bool:
    """True unless the current request said it only reads: the CLI, the shell and tests always write."""
    return not (has_request_context() and request.environ.get(READ_ONLY))


def init_app(app) -> None:
    """Bind SQLAlchemy and Flask-Migrate; give SQLite WAL, foreign keys and a busy timeout."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    timeout_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine, timeout_ms)


def _configure_sqlite(engine: Engine, timeout_ms: int) -> None:
    """Pragmas per connection; BEGIN IMMEDIATE for writers, so they queue on the busy timeout
    instead of failing when a read lock cannot be upgraded; a plain BEGIN for read-only requests."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin event issue BEGIN
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={timeout_ms}")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write_lock_wanted() else "BEGIN")
