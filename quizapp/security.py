"""Sessions, CSRF, rate limits and response headers."""
from __future__ import annotations

from flask import request, session
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from quizapp.extensions import csrf, db, limiter, login_manager
from quizapp.models import User


def init_app(app) -> None:
    """Bind Flask-Login, CSRF protection and Flask-Limiter; set security headers."""
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


def _session_id(user_id) -> tuple[int, int] | None:
    try:
        uid, version = (int(x) for x in str(user_id).split(":"))
    except ValueError:
        return None
    return uid, version


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the user for the session; a stale session version means logged out."""
    ids = _session_id(user_id)
    if ids is None:
        return None
    uid, version = ids
    user = db.session.get(User, uid)
    if user is None or user.session_version != version:
        return None
    return user


_MEMBER_OF_SESSION = select(User.member_id).where(
    User.id == bindparam("uid"), User.session_version == bindparam("version"))


def session_member_id() -> int | None:
    """The signed-in member's id by `load_user`'s rule, in one Core read and no ORM object.

    For the autosave, which needs nothing else of the user. None when the session names no
    user, a stale one or an account without a roster row: the caller then asks Flask-Login
    (`current_user`), which also reads the remember-me cookie.
    """
    ids = _session_id(session.get("_user_id")) if session.get("_user_id") else None
    if ids is None:
        return None
    return db.session.connection().execute(_MEMBER_OF_SESSION, {"uid": ids[0], "version": ids[1]}).scalar()
