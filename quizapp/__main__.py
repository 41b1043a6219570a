"""The `quizapp` command (and `python -m quizapp`): the Flask CLI bound to create_app.

Above the package so that `quizapp.cli` needs no import of the factory that registers it.
"""
from __future__ import annotations

from flask.cli import FlaskGroup

from quizapp import create_app


def main() -> None:
    """Entry point of the `quizapp` console script."""
    FlaskGroup(create_app=create_app, help="quizapp: kiểm tra Nghị quyết Đoàn.")()


if __name__ == "__main__":
    main()
