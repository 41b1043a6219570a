"""Sessions, CSRF, rate limits and response headers."""
from __future__ import annotations

import time
from datetime import timedelta

from flask import current_app, request
from flask_babel import lazy_gettext as _l

from quizapp.extensions import csrf, db, limiter, login_manager
from quizapp.models import User
from quizapp.models.people import parse_session_token


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
    return user


def _remember_seconds() -> float:
    duration = current_app.config["REMEMBER_COOKIE_DURATION"]
    return duration.total_seconds() if isinstance(duration, timedelta) else float(duration)
