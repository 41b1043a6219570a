"""The CLI's unit of work: a domain command commits once when it succeeds and rolls back when
it fails (an exception, a ClickException, a non-zero exit). Commands never call commit().

Use `command(...)` / `group(...)` instead of click's: they run the command in the app context
and in the unit of work. Long commands call `checkpoint()` to keep the work done so far (the
sweep's batches, the demo before its minute of activity); dry runs call `discard()`.
"""

from __future__ import annotations

import functools

import click
from flask.cli import AppGroup, with_appcontext

from quizapp.extensions import db

_DISCARD = "quizapp.discard"


def _end(success: bool) -> None:
    """The only place a command's transaction ends."""
    if success and not click.get_current_context().meta.pop(_DISCARD, False):
        db.session.commit()
    else:
        db.session.rollback()


def checkpoint() -> None:
    """Commit the work so far; the command goes on in a new transaction."""
    _end(True)


def discard() -> None:
    """Roll back this command's work when it ends (a dry run), even if it succeeds."""
    click.get_current_context().meta[_DISCARD] = True


def _succeeded(exit_: BaseException) -> bool:
    code = exit_.exit_code if isinstance(exit_, click.exceptions.Exit) else exit_.code
    return code in (0, None)


def unit_of_work(f):
    """Run `f` as one unit of work: commit on success, roll back on any error."""

    @functools.wraps(f)
    def run(*args, **kwargs):
        try:
            result = f(*args, **kwargs)
        except (SystemExit, click.exceptions.Exit) as exit_:
            _end(_succeeded(exit_))
            raise
        except BaseException:
            _end(False)
            raise
        _end(True)
        return result

    return run


class UnitGroup(AppGroup):
    """A Flask CLI group whose commands, and sub-groups' commands, run in the unit of work."""

    def command(self, *args, **kwargs):
        """Like AppGroup.command, inside the unit of work."""

        def decorator(f):
            return AppGroup.command(self, *args, **kwargs)(unit_of_work(f))

        return decorator

    def group(self, *args, **kwargs):
        """Like AppGroup.group; its commands run in the unit of work too."""
        kwargs.setdefault("cls", UnitGroup)
        return AppGroup.group(self, *args, **kwargs)


def command(*args, **kwargs):
    """A top-level `quizapp` command (click.command) in the app context and the unit of work."""

    def decorator(f):
        return click.command(*args, **kwargs)(with_appcontext(unit_of_work(f)))

    return decorator


def group(*args, **kwargs):
    """A top-level `quizapp` command group whose commands run in the unit of work."""
    kwargs.setdefault("cls", UnitGroup)
    return click.group(*args, **kwargs)
