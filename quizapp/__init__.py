"""quizapp: timed quizzes and participation reports for Youth Union members."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

# The clone (tests and tools read its question_banks/); an installed package does not use it.
ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config → extensions → blueprints → cli → errors."""
    app = Flask(__name__, instance_relative_config=True)  # templates/ and static/ beside this file
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
    return app
