"""Uploaded files kept between a preview and its confirmation, in the database.

Any app server behind the load balancer can show the preview or apply the
confirmation, so the bytes live in `PendingUpload`, not on one server's disk.
The browser only ever holds the random token; a confirmation is refused unless
the token is well-formed, belongs to the same user and kind, has not expired and
the bytes still match their checksum. Flushes, never commits.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from quizapp.extensions import db
from quizapp.models import PendingUpload

TTL = timedelta(hours=2)
MAX_PENDING_PER_USER = 10  # previews waiting for confirmation; bounds what one account can store


class TooManyPending(Exception):
    """The user already has MAX_PENDING_PER_USER uploads waiting (the page says so and what to do)."""

    def __init__(self, limit: int, expires_at: datetime | None):
        super().__init__(limit)
        self.limit = limit
        self.expires_at = expires_at


_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


@dataclass
class StoredUpload:
    """A file waiting for confirmation."""

    token: str
    kind: str
    filename: str
    sha256: str
    owner_id: int
    expires_at: datetime
    data: bytes
    extra: dict
    parsed: bytes | None = None


def purge_expired(now: datetime) -> int:
    """Delete pending uploads whose time is up; returns how many."""
    result = db.session.execute(
        delete(PendingUpload).where(PendingUpload.expires_at <= now),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount or 0


def _checksum(data: bytes, parsed: bytes | None) -> str:
    digest = hashlib.sha256(data)
    if parsed is not None:
        digest.update(parsed)
    return digest.hexdigest()


def save(
    kind: str,
    filename: str,
    data: bytes,
    owner_id: int,
    now: datetime,
    extra: dict | None = None,
    parsed: bytes | None = None,
) -> str:
    """Keep the bytes (and what the preview parsed from them) for later confirmation; returns the token
    to put in the confirmation form."""
    purge_expired(now)  # opportunistic: nobody has to remember to run a job for abandoned previews
    waiting = db.session.execute(
        select(func.count(PendingUpload.token), func.min(PendingUpload.expires_at)).where(
            PendingUpload.owner_id == owner_id, PendingUpload.expires_at > now
        )
    ).one()
    if waiting[0] >= MAX_PENDING_PER_USER:
        raise TooManyPending(MAX_PENDING_PER_USER, waiting[1])
    token = secrets.token_urlsafe(32)
    db.session.add(
        PendingUpload(
            token=token,
            kind=kind,
            owner_id=owner_id,
            filename=(filename or "")[:255],
            data=data,
            parsed=parsed,
            sha256=_checksum(data, parsed),
            extra=extra or {},
            created_at=now,
            expires_at=now + TTL,
        )
    )
    db.session.flush()
    return token


def load(token: str, kind: str, owner_id: int, now: datetime) -> StoredUpload | None:
    """The pending upload for this token, or None when it is unknown, someone else's, expired or altered."""
    if not token or not _TOKEN.match(token):
        return None
    row = db.session.scalar(select(PendingUpload).where(PendingUpload.token == token))
    if (
        row is None
        or row.kind != kind
        or row.owner_id != owner_id
        or row.expires_at <= now
        or _checksum(row.data, row.parsed) != row.sha256
    ):
        return None
    return StoredUpload(
        token=token,
        kind=kind,
        filename=row.filename,
        sha256=row.sha256,
        owner_id=owner_id,
        expires_at=row.expires_at,
        data=row.data,
        extra=dict(row.extra or {}),
        parsed=row.parsed,
    )


def discard(token: str) -> None:
    """Forget a pending upload (in the transaction that applied it, or when cancelled)."""
    if token and _TOKEN.match(token):
        db.session.execute(
            delete(PendingUpload).where(PendingUpload.token == token),
            execution_options={"synchronize_session": False},
        )
