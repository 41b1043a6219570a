"""A database that is briefly unreachable or locked gives a retryable 503, never a 500.

PostgreSQL restarting, a connection cut by the network or by pg_terminate_backend, a lock
wait that ran out, SQLite's "database is locked" after its busy timeout: in each case the
transaction was rolled back, nothing was acknowledged, and the same request sent again a
moment later succeeds (answer saves are idempotent by sequence number). So the client is
told exactly that: 503 with Retry-After, JSON for the quiz page's autosave (which retries
by itself), a Vietnamese page for everything else.
"""

from __future__ import annotations

import logging

from flask import current_app, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from sqlalchemy import exc as sa_exc

RETRY_AFTER_SECONDS = 3
# OperationalError: connection lost, server restarting, lock timeout, "database is locked",
# serialization failure, deadlock. InterfaceError: connection already closed. TimeoutError:
# no pooled connection free in time.
RETRYABLE = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
)

log = logging.getLogger("quizapp")


def wants_json() -> bool:
    """True for the quiz page's JSON calls (and any client that asks for JSON)."""
    if request.is_json or "/api/" in request.path:
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def database_unavailable(err: Exception):
    """Log one line and tell the client to retry in a few seconds (the unit of work rolled back)."""
    log.warning(
        "database unavailable: %s",
        str(err).splitlines()[0][:200],
        extra={
            "fields": {
                "event": "db_unavailable",
                "error": type(getattr(err, "orig", err)).__name__,
                "path": request.path,
            }
        },
    )
    message = _(
        "Máy chủ tạm thời không lưu được, vui lòng thử lại sau %(n)s giây. "
        "Các câu trả lời đã lưu trước đó không bị mất.",
        n=RETRY_AFTER_SECONDS,
    )
    if wants_json():
        response = make_response(
            jsonify({"ok": False, "error": "unavailable", "retry": True, "message": message}), 503
        )
    else:
        if "_login_user" not in g:
            # The failure came before the signed-in user was loaded: loading it now would wait
            # for the same lock and turn this page into a 500. Show it as to a visitor.
            g._login_user = current_app.login_manager.anonymous_user()
        response = make_response(render_template("errors/unavailable.html", message=message), 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_app(app) -> None:
    """Register the 503 answer for every retryable database error."""
    for error in RETRYABLE:
        app.register_error_handler(error, database_unavailable)
