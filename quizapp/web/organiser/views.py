"""The console's blueprint, its guard and its entry page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from quizapp import policy
from quizapp.policy import Area
from quizapp.web import links

bp = Blueprint("organiser", __name__, url_prefix="/org")


@bp.before_request
@login_required
def guard():
    """Every console page needs a signed-in user with some console right; details are checked per view."""
    if not policy.may_open(current_user, Area.CONSOLE):
        abort(403)


@bp.get("/")
def index():
    """The console's entry page: one card per area the user may work in."""
    return render_template("organiser/index.html", site_url_missing=links.site_url_missing())
