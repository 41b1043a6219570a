"""One unit of work per request: a request's writes are committed together, before its
response leaves the server, or none of them are.

The view (and the services it calls) only flush. When the view returns, `QuizApp.dispatch_request`
commits once; the response it built is sent only if that commit succeeded, so an answer the
client sees acknowledged is durable. When the view raises (an abort, a bug, a lost database)
or the commit fails, everything is rolled back, the session cookie is put back as it was (no
"saved" message, no sign-in for work that was not saved), and the error handlers answer:
503 for a database that is briefly unavailable (`resilience`), 409 for a conflicting write,
500 otherwise. Views never call `commit()` or `rollback()`.

SQLite has one writer at a time. A transaction that will write begins with BEGIN IMMEDIATE
(`database.py`), so writers queue on the busy timeout instead of failing when a read lock
cannot be upgraded. Which requests take that write lock is decided here, once per request:
every POST (and other unsafe method), and the GET views marked `@writes` (those that
finalise overdue attempts on the way). Every other request reads in a plain BEGIN and never
blocks or waits for a writer. Once the unit of work has ended, whatever the request still
reads (an error page, a template filter) does so without the write lock. A write attempted
in a read-only request is a bug: it fails loudly in tests and debug, and is logged otherwise.
"""

from __future__ import annotations

import logging

from flask import (
    Flask,
    current_app,
    has_request_context,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask import session as flask_session
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quizapp.database import READ_ONLY
from quizapp.extensions import db
from quizapp.web.resilience import wants_json

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

log = logging.getLogger("quizapp")


class UndeclaredWrite(RuntimeError):
    """A request that did not declare it writes tried to write (see `writes`)."""


def writes(view):
    """Mark a GET view that may write (it finalises overdue attempts): it takes the write lock."""
    view.writes = True
    return view


def request_writes(app: Flask) -> bool:
    """True when the current request's unit of work may write (and so takes the write lock)."""
    if request.method not in SAFE_METHODS:
        return True
    view = app.view_functions.get(request.endpoint) if request.endpoint else None
    return bool(getattr(view, "writes", False))


SESSION_BEFORE = "quizapp.session_before"  # request.environ: the session cookie as it came in


def _undo() -> None:
    """Roll back the database and put the session cookie back as it was before the request."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone; the pool replaces it
        db.session.remove()
    saved = request.environ.get(SESSION_BEFORE)
    current = flask_session._get_current_object()
    if saved is not None and getattr(current, "modified", False):
        current.clear()
        current.update(saved)


def _end_unit_of_work() -> None:
    # What the request reads from here on (error pages, hooks) takes no write lock.
    request.environ[READ_ONLY] = True


class QuizApp(Flask):
    """Flask with one unit of work per request: the only place in the web app that commits."""

    def full_dispatch_request(self):
        """Decide, before anything touches the database, whether this request may write."""
        request.environ[READ_ONLY] = not request_writes(self)
        # dict.copy reads the cookie's contents without marking the session as accessed.
        request.environ[SESSION_BEFORE] = dict.copy(flask_session._get_current_object())
        return super().full_dispatch_request()

    def dispatch_request(self):
        """Run the view, then commit: its response is sent only once what it wrote is durable."""
        rv = super().dispatch_request()
        db.session.commit()
        _end_unit_of_work()
        return rv

    def handle_user_exception(self, e):
        """Any error in a guard, the view or the commit: roll everything back, then answer it."""
        _undo()
        _end_unit_of_work()
        return super().handle_user_exception(e)


def _read_only_request() -> bool:
    return has_request_context() and bool(request.environ.get(READ_ONLY))


def _undeclared(what: str) -> None:
    message = (
        f"{request.method} {request.path} wrote ({what}) outside a writing unit of work: "
        "mark the view @writes or move the write to a POST"
    )
    if current_app.testing or current_app.debug:
        raise UndeclaredWrite(message)
    log.warning(message, extra={"fields": {"event": "undeclared_write", "path": request.path}})


@event.listens_for(Session, "before_flush")
def _refuse_undeclared_flush(session, flush_context, instances) -> None:
    if _read_only_request() and (
        session.new or session.deleted or any(session.is_modified(o) for o in session.dirty)
    ):
        _undeclared("a flush of changed objects")


@event.listens_for(Session, "do_orm_execute")
def _refuse_undeclared_statement(state) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and _read_only_request():
        _undeclared("an INSERT, UPDATE or DELETE statement")


def conflict(err: IntegrityError):
    """A write that collided with another one at the same moment: nothing was saved, try again."""
    log.warning(
        "conflicting write: %s",
        str(err.orig).splitlines()[0][:200] if err.orig else err,
        extra={"fields": {"event": "write_conflict", "path": request.path}},
    )
    message = _(
        "Dữ liệu vừa được người khác thay đổi cùng lúc nên thao tác của bạn chưa được lưu. "
        "Hãy tải lại trang rồi thử lại."
    )
    if wants_json():
        return make_response(
            jsonify({"ok": False, "error": "conflict", "retry": True, "message": message}), 409
        )
    return make_response(render_template("errors/409.html", message=message), 409)


def init_app(app: Flask) -> None:
    """Answer a write that conflicted with another (at flush or at commit) with 409, not 500."""
    app.register_error_handler(IntegrityError, conflict)
