"""Home, language and health endpoints."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from quizapp import policy
from quizapp.clock import now_utc
from quizapp.extensions import csrf, db
from quizapp.policy import Action, Area
from quizapp.services import org
from quizapp.services.attempts import views as attempt_views
from quizapp.services.contests import results
from quizapp.services.reports import overview
from quizapp.web.access import top_units, user
from quizapp.web.safe import safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    """The home page: sign-in invitation, or what each of the user's roles needs."""
    if not current_user.is_authenticated:
        return render_template("main/landing.html", published=results.latest_published())
    return render_template(
        "main/home.html", published=results.latest_published(), **home_sections(user())
    )


def home_sections(me) -> dict:
    """Everything the home page shows, built here (read only: no attempt is finalised on the way).

    cards: the member's quizzes; report_units: where their reports start; participation:
    for each of those units, the quizzes open now with rate, gap and not-yet-taken-part, from
    the report read models; unit_tree: their units two levels deep with member counts."""
    now = now_utc()
    sections = {
        "cards": attempt_views.quiz_cards(me.member, now) if policy.may_take_quizzes(me) else None,
        "report_units": [],
        "participation": [],
        "unit_tree": [],
        "may_accounts": policy.may_open(me, Area.ACCOUNTS),
    }
    if policy.may_open(me, Area.REPORTS):
        units = top_units(Action.VIEW_REPORTS)
        sections["report_units"] = units
        sections["participation"] = [
            (unit, [q for q in overview.overview(unit, now) if q.state == "open"]) for unit in units
        ]
    elif sections["may_accounts"]:
        units = top_units(Action.MANAGE_ACCOUNTS)
    else:
        return sections
    # One subtree: two levels below it; several (a national admin): one level, to stay short.
    sections["unit_tree"] = org.unit_tree(units, levels=2 if len(units) == 1 else 1)
    return sections


@bp.post("/lang/<code>")
def set_language(code: str):
    """Switch the interface language and go back to where the user was."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"))


@bp.get("/healthz")
@csrf.exempt
def health():
    """For the load balancer: 200 when the database answers; 503 (from `resilience`) when not."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.get("/favicon.ico")
def favicon():
    """Browsers and bookmarks that ask for the classic address get the site's icon."""
    return current_app.send_static_file("favicon.svg")
