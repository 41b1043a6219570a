"""The CLI's unit of work: a command's writes are kept when it succeeds, all undone when it fails."""

import click
from sqlalchemy import select

from quizapp.cli.unit import checkpoint, command, discard
from quizapp.extensions import db
from quizapp.models import Unit


def _codes() -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(Unit.code)))


def _add(code: str) -> None:
    db.session.add(Unit(name=f"Chi đoàn {code}", kind="chapter", code=code))
    db.session.flush()


def _register(app, name, body):
    app.cli.add_command(command(name)(body))


def test_a_command_that_succeeds_keeps_its_writes(app, runner):
    _register(app, "add-one", lambda: _add("A1"))
    assert runner.invoke(args=["add-one"]).exit_code == 0
    db.session.rollback()  # what was committed survives the test session's own rollback
    assert _codes() == ["A1"]


def test_a_command_that_fails_leaves_nothing_behind(app, runner):
    def fails():
        _add("B1")
        raise click.ClickException("hỏng")

    _register(app, "add-fail", fails)
    result = runner.invoke(args=["add-fail"])
    assert result.exit_code == 1 and "hỏng" in result.output
    assert _codes() == []


def test_a_non_zero_exit_rolls_back_and_a_checkpoint_keeps_the_work_before_it(app, runner):
    def partly():
        _add("C1")
        checkpoint()
        _add("C2")
        raise SystemExit(1)

    _register(app, "add-partly", partly)
    assert runner.invoke(args=["add-partly"]).exit_code == 1
    assert _codes() == ["C1"]


def test_a_discarded_run_writes_nothing_even_when_it_succeeds(app, runner):
    def dry():
        _add("D1")
        discard()

    _register(app, "add-dry", dry)
    assert runner.invoke(args=["add-dry"]).exit_code == 0
    assert _codes() == []
