"""The `quizapp` command (and `python -m quizapp`): the Flask CLI bound to create_app.

Above the package so that `quizapp.cli` needs no import of the factory that registers it.
"""

from __future__ import annotations

import sys

from flask.cli import FlaskGroup

from quizapp import create_app
from quizapp.cli.demo import show_logins_when_serving


def _create_app():
    app = create_app()
    if sys.argv[1:2] == ["run"]:
        show_logins_when_serving(app)
    return app


def main() -> None:
    """Entry point of the `quizapp` console script."""
    FlaskGroup(create_app=_create_app, help="quizapp: kiểm tra Nghị quyết Đoàn.")()


if __name__ == "__main__":
    main()
