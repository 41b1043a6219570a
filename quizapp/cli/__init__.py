"""The `quizapp` command: the Flask CLI bound to create_app, plus the domain commands."""
from __future__ import annotations

import importlib
import sys

from flask.cli import FlaskGroup

from quizapp.cli.demo import show_logins_when_serving

# Each module exposes register(app) and adds its commands; same services as the web.
COMMAND_MODULES = [
    "quizapp.cli.people",
    "quizapp.cli.banks",
    "quizapp.cli.roster",
    "quizapp.cli.demo",
    "quizapp.cli.ops",
    "quizapp.cli.reports",
    "quizapp.cli.quizzes",
]


def register_cli(app) -> None:
    """Attach every command module's commands to the app's CLI."""
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


def _create_app():
    from quizapp import create_app

    app = create_app()
    if sys.argv[1:2] == ["run"]:
        show_logins_when_serving(app)
    return app


def main() -> None:
    """Entry point of the `quizapp` console script."""
    FlaskGroup(create_app=_create_app, help="quizapp: kiểm tra Nghị quyết Đoàn.")()
