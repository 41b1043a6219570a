"""Database binding: SQLite pragmas, PostgreSQL options, migrations."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

from quizapp.extensions import db, migrate

MIGRATIONS = Path(__file__).resolve().parent / "migrations"  # shipped inside the package


def init_app(app) -> None:
    """Bind SQLAlchemy and Flask-Migrate; give SQLite WAL, foreign keys and a busy timeout."""
    import quizapp.models  # noqa: F401  (register every table)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    timeout_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine, timeout_ms)


def _configure_sqlite(engine: Engine, timeout_ms: int) -> None:
    """Pragmas per connection; BEGIN IMMEDIATE so writers queue instead of failing on upgrade."""

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
        conn.exec_driver_sql("BEGIN IMMEDIATE")
