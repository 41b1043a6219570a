"""The one clock. Services take `now` as an argument; views and commands pass now_utc().

Tests freeze it with `freeze(instant)` (the `frozen_clock` fixture): every caller of now_utc(),
in a test request or in the browser tests' live server thread, then sees that instant.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


# None in production; an aware instant while a test holds the clock (process-wide on purpose:
# the browser tests' live server answers from another thread of the same process).
_frozen_at: datetime | None = None


def now_utc() -> datetime:
    """Current time, timezone-aware UTC (the frozen instant while a test holds the clock)."""
    if _frozen_at is not None:
        return _frozen_at
    return datetime.now(UTC)


def freeze(instant: datetime | None) -> None:
    """Make now_utc() return `instant` (aware) until called again; None restores the real clock."""
    global _frozen_at
    if instant is not None and instant.utcoffset() is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen_at = instant


def to_local(value: datetime | None) -> datetime | None:
    """Convert an aware UTC datetime to Vietnam time for display."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ)


def local_to_utc(value: datetime) -> datetime:
    """Read a naive datetime typed by a user in Vietnam time and return aware UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(UTC)
