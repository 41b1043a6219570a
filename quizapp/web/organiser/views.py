"""The console's blueprint, its guard and its entry page."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from quizapp import policy
from quizapp.policy import Action
from quizapp.web import links
from quizapp.web.organiser.common import optional_url

bp = Blueprint("organiser", __name__, url_prefix="/org")

# What opens the console: organisers hold every action, secretaries manage accounts.
CONSOLE_ACTIONS = (Action.MANAGE_BANKS, Action.MANAGE_QUIZZES, Action.MANAGE_ROSTER,
                   Action.MANAGE_ACCOUNTS, Action.MANAGE_GRANTS, Action.VIEW_AUDIT)


def may_use_console(user) -> bool:
    """True when the user may do at least one console action somewhere."""
    return any(policy.can_anywhere(user, a) for a in CONSOLE_ACTIONS)


@bp.before_request
@login_required
def guard():
    """Every console page needs a signed-in user with some console right; details are checked per view."""
    if not may_use_console(current_user):
        abort(403)


@bp.app_context_processor
def console_helpers():
    """`may_use_console` and `optional_url` for the home page and the menu."""
    return {"may_use_console": may_use_console, "optional_url": optional_url}


@bp.get("/")
def index():
    """The console's entry page: one card per area the user may work in."""
    return render_template("organiser/index.html", site_url_missing=links.site_url_missing())
