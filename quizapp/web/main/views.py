"""Home, language and health endpoints."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from quizapp.extensions import csrf, db
from quizapp.web.safe import safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    """The home page: sign-in invitation, or what each of the user's roles needs."""
    if not current_user.is_authenticated:
        return render_template("main/landing.html")
    return render_template("main/home.html")


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
