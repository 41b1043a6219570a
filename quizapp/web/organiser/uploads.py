"""Uploaded files kept between a preview and its confirmation.

The file lives in instance/uploads/<token>.bin with a JSON sidecar (owner, kind,
original name, SHA-256, expiry). The browser only ever holds the random token;
a confirmation is refused unless the token is well-formed, belongs to the same
user and kind, has not expired and the bytes still match their checksum.
"""
from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app

TTL = timedelta(hours=2)
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


def upload_dir() -> Path:
    """Where pending uploads live (config ORGANISER_UPLOAD_DIR, default instance/uploads)."""
    folder = Path(current_app.config.get("ORGANISER_UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _paths(token: str) -> tuple[Path, Path]:
    folder = upload_dir()
    return folder / f"{token}.bin", folder / f"{token}.json"


def purge_expired(now: datetime) -> None:
    """Delete pending uploads whose time is up."""
    for meta_path in upload_dir().glob("*.json"):
        try:
            meta = json.loads(meta_path.read_text())
            expired = datetime.fromisoformat(meta["expires_at"]) <= now
        except (OSError, ValueError, KeyError):
            expired = True
        if expired:
            meta_path.unlink(missing_ok=True)
            meta_path.with_suffix(".bin").unlink(missing_ok=True)


def save(kind: str, filename: str, data: bytes, owner_id: int, now: datetime, extra: dict | None = None) -> str:
    """Keep the bytes for later confirmation; returns the token to put in the confirmation form."""
    purge_expired(now)
    token = secrets.token_urlsafe(32)
    data_path, meta_path = _paths(token)
    data_path.write_bytes(data)
    meta_path.write_text(json.dumps({
        "kind": kind, "filename": filename, "sha256": hashlib.sha256(data).hexdigest(),
        "owner_id": owner_id, "expires_at": (now + TTL).isoformat(), "extra": extra or {},
    }, ensure_ascii=False))
    return token


def load(token: str, kind: str, owner_id: int, now: datetime) -> StoredUpload | None:
    """The pending upload for this token, or None when it is unknown, someone else's, expired or altered."""
    if not token or not _TOKEN.match(token):
        return None
    data_path, meta_path = _paths(token)
    try:
        meta = json.loads(meta_path.read_text())
        data = data_path.read_bytes()
    except (OSError, ValueError):
        return None
    expires_at = datetime.fromisoformat(meta["expires_at"])
    if (meta.get("kind") != kind or meta.get("owner_id") != owner_id or expires_at <= now
            or hashlib.sha256(data).hexdigest() != meta.get("sha256")):
        return None
    return StoredUpload(token=token, kind=kind, filename=meta["filename"], sha256=meta["sha256"],
                        owner_id=owner_id, expires_at=expires_at, data=data, extra=meta.get("extra") or {})


def discard(token: str) -> None:
    """Forget a pending upload (after it was applied or cancelled)."""
    if token and _TOKEN.match(token):
        for path in _paths(token):
            path.unlink(missing_ok=True)
