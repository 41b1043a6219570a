"""Column types shared by every model."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, types


class UTCDateTime(types.TypeDecorator):
    """Stores naive UTC in the database and always returns aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use quizapp.clock.now_utc()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utc(value: datetime) -> datetime:
    """Mark a naive datetime as UTC (for values read outside the ORM)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
