"""The `quizapp` command: the Flask CLI bound to create_app, plus the domain commands.

Each module of this package defines its commands at module level with quizapp.cli.unit's
`command`/`group` (app context + one unit of work) and lists them in COMMANDS.
"""

from __future__ import annotations

from quizapp.cli import banks, contests, demo, ops, people, quizzes, reports, roster

COMMAND_MODULES = (people, banks, roster, demo, ops, reports, quizzes, contests)


def register_cli(app) -> None:
    """Add every module's commands and groups to the app's CLI, like any Flask CLI group."""
    for module in COMMAND_MODULES:
        for cmd in module.COMMANDS:
            app.cli.add_command(cmd)
