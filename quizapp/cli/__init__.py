"""The `quizapp` command: the Flask CLI bound to create_app, plus the domain commands."""
from __future__ import annotations

import importlib

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

