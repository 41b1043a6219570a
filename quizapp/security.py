"""Sessions, CSRF, rate limits and response headers."""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Request, current_app, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, select
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from quizapp.extensions import csrf, db, limiter, login_manager
from quizapp.models import Member, User
from quizapp.models.people import parse_session_token

# Ids, page numbers and other integers from outside fit a signed 64-bit column or are not ids at
# all: beyond that, SQLite raises OverflowError and PostgreSQL "out of range" (a 500 before).
INT64_MAX = 2**63 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in routes: a number past 64 bits matches no route, so the answer is 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT64_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class BoundedArgs(ImmutableMultiDict):
    """Query and form values: `get(name, type=int)` outside 64 bits is the default, like any
    other unreadable number."""

    def get(self, key, default=None, type=None):  # noqa: A002
        value = super().get(key, default=default, type=type)
        if type is int and isinstance(value, int) and not -INT64_MAX - 1 <= value <= INT64_MAX:
            return default
        return value


class BoundedRequest(Request):
    """The app's request: bounded integers from query strings and forms."""

    parameter_storage_class = BoundedArgs


def init_app(app) -> None:
    """Bind Flask-Login, CSRF protection and Flask-Limiter; set security headers."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.request_class = BoundedRequest
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"  # "strong" would log out on a network switch
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        )
        if request.endpoint and not request.endpoint.endswith("static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the user for the session or remember cookie. Refused: a session version the account has
    moved past (signed out, password changed or reset), a token older than the remember duration,
    and a disabled or deactivated account."""
    parsed = parse_session_token(user_id)
    if parsed is None:
        return None
    uid, version, issued = parsed
    if time.time() - issued > _remember_seconds():
        return None
    user = db.session.get(User, uid)
    if user is None or user.session_version != version or not user.is_active:
        return None
    user._session_token = user_id
    g.quizapp_loaded_user = (user, user.member_id)
    return user


def signed_in_member_id() -> int | None:
    """The signed-in user's member id, as the user loader found it: after the request's commit has
    expired the user, reading it again would cost a transaction and three queries."""
    user = current_user._get_current_object()
    loaded = g.get("quizapp_loaded_user")
    if loaded is not None and loaded[0] is user:
        return loaded[1]
    return user.member.id if user.is_authenticated and user.member else None


def _remember_seconds() -> float:
    duration = current_app.config["REMEMBER_COOKIE_DURATION"]
    return duration.total_seconds() if isinstance(duration, timedelta) else float(duration)


# `load_user`'s rule in one Core read: the session's version, an enabled account, an active member.
_MEMBER_OF_SESSION = (
    select(User.member_id)
    .join(Member, Member.id == User.member_id)
    .where(
        User.id == bindparam("uid"),
        User.session_version == bindparam("version"),
        User.is_enabled.is_(True),
        Member.active.is_(True),
    )
)


def session_member_id() -> int | None:
    """The signed-in member's id by `load_user`'s rule, in one Core read and no ORM object.

    For the autosave, which needs nothing else of the user. None when the session names no
    user, a stale, expired or signed-out one, or an account without an active roster row: the
    caller then asks Flask-Login (`current_user`), which also reads the remember-me cookie.
    """
    raw = session.get("_user_id")
    parsed = parse_session_token(raw) if raw else None
    if parsed is None:
        return None
    uid, version, issued = parsed
    if time.time() - issued > _remember_seconds():
        return None
    return (
        db.session.connection()
        .execute(_MEMBER_OF_SESSION, {"uid": uid, "version": version})
        .scalar()
    )
