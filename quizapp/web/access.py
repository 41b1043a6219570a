"""The access look-ups every blueprint needs, applied to the current request.

The rules live in `quizapp.policy`; this module only asks them about the signed-in user:
who is acting, their top units, their own attempts, and breadcrumbs within their scope.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort
from flask_login import current_user

from quizapp import policy
from quizapp.models import Attempt, Unit, User
from quizapp.policy import Action


def user() -> User:
    """The signed-in user as a real object (services store it; Flask-Login's proxy must not be)."""
    return current_user._get_current_object()


def top_units(action: Action) -> list[Unit]:
    """The top units of the signed-in user's scope for `action` (an admin: the tops of the tree)."""
    return policy.top_units(user(), action)


def own_attempt_or_404(attempt_id: int) -> Attempt:
    """The signed-in member's attempt; anyone else's (or a staff account's) is simply not found."""
    attempt = policy.owned_attempt(user(), attempt_id)
    if attempt is None:
        abort(404)
    return attempt


def breadcrumbs(unit: Unit | None, action: Action, url_of: Callable[[Unit], str]) -> list[dict]:
    """From the top of the user's scope for `action` down to `unit`; each but the last linked by `url_of`."""
    if unit is None:
        return []
    me = user()
    return [
        {"name": u.name, "url": url_of(u) if u is not unit else None}
        for u in [*unit.ancestors(), unit]
        if policy.can(me, action, u)
    ]
