"""quizapp: timed quizzes and participation reports for Youth Union members."""

from __future__ import annotations

from flask import Flask

from quizapp import database, i18n, logging, markup, security
from quizapp.cli import register_cli
from quizapp.config import ROOT, load_config
from quizapp.extensions import compress
from quizapp.web import links, register_blueprints, register_errors, resilience, transaction
from quizapp.web.transaction import QuizApp

__all__ = ["ROOT", "create_app"]


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config → extensions → blueprints → cli → errors."""
    # QuizApp: Flask with one unit of work per request (commit or roll back in one place);
    # templates/ and static/ live beside this file.
    app = QuizApp(__name__, instance_relative_config=True)
    load_config(app, test_config)

    logging.init_app(app)
    database.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    links.init_app(app)
    markup.init_app(app)
    register_blueprints(app)
    register_cli(app)
    register_errors(app)
    resilience.init_app(app)
    transaction.init_app(app)
    _compress(app)
    return app


def _compress(app: Flask) -> None:
    """Compress text responses (pages, CSS, JS, JSON): thin mobile connections pay per byte."""
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/manifest+json",
            "image/svg+xml",
            "text/plain",
        ],
    )
    compress.init_app(app)
