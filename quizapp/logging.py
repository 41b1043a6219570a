"""Structured logs: one JSON line per event on stderr, with the request id and duration."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import g, has_request_context, request, session
from flask.logging import default_handler

LOGGER_NAME = "quizapp"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_HANDLER_MARK = "_quizapp_json"
# werkzeug's development server logs each request as `ADDR - - [DATE] "GET / HTTP/1.1" 200 -`.
_WERKZEUG_REQUEST_LINE = re.compile(r"^\S+ - - \[")


class DropServerRequestLines(logging.Filter):
    """The development server's own line per request: ours already says it, with more fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not _WERKZEUG_REQUEST_LINE.match(str(record.msg))


class JsonLineFormatter(logging.Formatter):
    """Render a record as one JSON object on one line (what log shippers read best)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if has_request_context():
            entry["rid"] = getattr(g, "request_id", None)
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _handler() -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    setattr(handler, _HANDLER_MARK, True)
    return handler


def configure(level: str = "INFO") -> logging.Logger:
    """Give the quizapp logger one JSON handler on stderr (idempotent across app instances)."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.removeHandler(default_handler)
    if not any(getattr(h, _HANDLER_MARK, False) for h in logger.handlers):
        logger.addHandler(_handler())
    logger.setLevel(level)
    # gunicorn has its own error log; our lines must not be printed twice through root.
    logger.propagate = False
    return logger


def _incoming_request_id() -> str:
    """Keep the proxy's id (nginx $request_id) so one request can be followed across tiers."""
    given = request.headers.get("X-Request-ID", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex[:16]


def init_app(app) -> None:
    """Log every request as one line: method, path, status, duration, user and request id."""
    logger = configure(app.config.get("LOG_LEVEL", "INFO"))
    log_requests = app.config.get("LOG_REQUESTS", True)
    server_log = logging.getLogger("werkzeug")
    if log_requests and not any(isinstance(f, DropServerRequestLines) for f in server_log.filters):
        server_log.addFilter(DropServerRequestLines())

    @app.before_request
    def start_timer():
        g.request_id = _incoming_request_id()
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        response.headers.setdefault("X-Request-ID", getattr(g, "request_id", ""))
        if not log_requests or request.endpoint == "static":
            return response
        started = getattr(g, "request_started", None)
        fields = {
            "event": "request",
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "ip": request.remote_addr,
        }
        user_id = _user_id()
        if user_id is not None:
            fields["user"] = user_id
        logger.info(
            "%s %s %s", request.method, request.path, response.status_code, extra={"fields": fields}
        )
        return response


def _user_id():
    """The signed-in user's id from the session: never touches the database (it may be down)."""
    raw = session.get("_user_id")
    if not raw:
        return None
    try:
        return int(str(raw).split(":", 1)[0])
    except ValueError:
        return None
