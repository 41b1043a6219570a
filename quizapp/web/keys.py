"""The answer-key guard shared by bank, quiz-preview and item-analysis pages."""

from __future__ import annotations

from flask import abort, make_response, render_template
from flask_login import current_user

from quizapp import policy
from quizapp.clock import now_utc


def require_key_visible(version_id: int) -> None:
    """Stop with a page saying why and until when, if a quiz over this version is open to the user."""
    until = policy.key_hidden_until(current_user._get_current_object(), version_id, now_utc())
    if until is not None:
        abort(make_response(render_template("errors/key_hidden.html", until=until), 403))


def key_visible(version_id: int) -> bool:
    """True when the user may see this version's keys now."""
    return (
        policy.key_hidden_until(current_user._get_current_object(), version_id, now_utc()) is None
    )
