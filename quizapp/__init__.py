"""quizapp: timed quizzes and participation reports for Youth Union members."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config → extensions → blueprints → cli → errors."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    from quizapp.config import load_config

    load_config(app, test_config)

    from quizapp import database, i18n, logging, markup, security
    from quizapp.cli import register_cli
    from quizapp.web import register_blueprints, register_errors, resilience

    logging.init_app(app)
    database.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    markup.init_app(app)
    register_blueprints(app)
    register_cli(app)
    register_errors(app)
    resilience.init_app(app)
    _compress(app)
    return app


def _compress(app: Flask) -> None:
    """Compress text responses (pages, CSS, JS, JSON): thin mobile connections pay per byte."""
    from quizapp.extensions import compress

    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
        "application/manifest+json", "image/svg+xml", "text/plain"])
    compress.init_app(app)
