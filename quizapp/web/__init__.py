"""Blueprints, one package per audience, and the error pages."""

from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, StatementError

from quizapp import policy
from quizapp.services.uploads import TooManyPending
from quizapp.web.accounts import bp as accounts_bp
from quizapp.web.auth import bp as auth_bp
from quizapp.web.help import bp as help_bp
from quizapp.web.main import bp as main_bp
from quizapp.web.member import bp as member_bp
from quizapp.web.organiser import bp as organiser_bp
from quizapp.web.reports import bp as reports_bp
from quizapp.web.results import bp as results_bp


def register_blueprints(app) -> None:
    """Register every audience's blueprint."""
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(member_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(organiser_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(help_bp)
    app.register_blueprint(results_bp)
    register_template_helpers(app)


def register_template_helpers(app) -> None:
    """Expose the policy to templates, so menus show only what the user may do."""

    @app.context_processor
    def inject_policy():
        return {
            "can": policy.can,
            "can_anywhere": policy.can_anywhere,
            "may_open": policy.may_open,
            "Action": policy.Action,
        }


def register_errors(app) -> None:
    """Vietnamese error pages (the request's unit of work has already rolled back)."""

    @app.errorhandler(400)
    def bad_request(_e):
        return render_template("errors/400.html"), 400

    @app.errorhandler(CSRFError)
    def csrf_failed(_e):
        # Usually a page left open past the token's lifetime or cookies blocked: say how to recover.
        return render_template("errors/400.html", csrf=True), 400

    @app.errorhandler(403)
    def forbidden(_e):
        return render_template("errors/403.html"), 403

    @app.errorhandler(404)
    def not_found(_e):
        return render_template("errors/404.html"), 404

    @app.errorhandler(413)
    def too_large(_e):
        return render_template("errors/413.html"), 413

    @app.errorhandler(TooManyPending)
    def too_many_uploads(e):
        return render_template(
            "errors/too_many_uploads.html", limit=e.limit, expires_at=e.expires_at
        ), 429

    @app.errorhandler(429)
    def too_many(e):
        return render_template("errors/429.html", retry_after=getattr(e, "retry_after", None)), 429

    @app.errorhandler(OverflowError)
    @app.errorhandler(RecursionError)
    @app.errorhandler(DataError)
    def unreadable_input(e):
        """Numbers past 64 bits in a JSON body or form (SQLite: OverflowError; PostgreSQL: out of
        range) and nesting too deep to read (JSON or YAML): the request is bad, not the server."""
        if request.is_json:
            return jsonify(
                error="unreadable",
                message=_("Dữ liệu gửi lên có số quá lớn hoặc lồng nhau quá sâu."),
            ), 400
        return render_template("errors/400.html", unreadable=True), 400

    @app.errorhandler(StatementError)
    def statement_error(e):
        if isinstance(getattr(e, "orig", None), OverflowError):
            return unreadable_input(e)
        raise e

    @app.errorhandler(500)
    def server_error(_e):
        return render_template("errors/500.html"), 500
