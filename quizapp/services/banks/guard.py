"""Stored versions are immutable: any attempt to change one fails before it reaches the database."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from quizapp.models import BankVersion, Question, Topic

IMMUTABLE = (BankVersion, Topic, Question)


class ImmutableVersionError(RuntimeError):
    """Raised when code tries to modify a stored bank version, topic or question."""


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_versions(session, flush_context, instances) -> None:
    for obj in session.dirty:
        if isinstance(obj, IMMUTABLE) and session.is_modified(obj, include_collections=False):
            raise ImmutableVersionError(
                f"{type(obj).__name__} {obj.id} belongs to a stored bank version and cannot change; "
                "import a new version instead"
            )
