"""INSERT … ON CONFLICT on either database: the one place that picks SQLAlchemy's dialect construct.

SQLite and PostgreSQL share the `ON CONFLICT (…) DO UPDATE … excluded` syntax, but SQLAlchemy
offers it per dialect (`sqlalchemy.dialects.sqlite.insert`, `….postgresql.insert`).
"""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite

from quizapp.extensions import db


def dialect_name() -> str:
    """The name of the database the session writes to ("sqlite" or "postgresql")."""
    return db.session.get_bind().dialect.name


def insert(table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT on `table` that offers `.on_conflict_do_update()` and `.excluded` for the session's database."""
    return insert_for(dialect_name(), table)


def insert_for(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    """The same for a named dialect (statements built once per dialect and kept)."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
