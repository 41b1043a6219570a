"""Sign in and out, activate an account with a code, change the password."""

from __future__ import annotations

import math
import time

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from quizapp.clock import now_utc
from quizapp.extensions import limiter
from quizapp.services import accounts
from quizapp.web import access
from quizapp.web.auth.forms import ActivateForm, ChangePasswordForm, LoginForm, password_message
from quizapp.web.safe import safe_next
from quizapp.web.throttle import counts_against_limits, password_check_gate

bp = Blueprint("auth", __name__, url_prefix="/auth")

ACTIVATION_ERRORS = {
    "bad_code": lambda: _("Mã kích hoạt hoặc tên đăng nhập không đúng, hoặc mã đã được dùng."),
    "expired": lambda: _("Mã kích hoạt đã hết hạn. Hãy xin bí thư chi đoàn một mã mới."),
    "inactive": lambda: _("Tài khoản đang bị khóa. Hãy liên hệ bí thư chi đoàn."),
    "too_short": lambda: _("Mật khẩu quá ngắn."),
}


def _login_key() -> str:
    """Rate-limit key for the account being tried, whichever login names it: the member code and
    the phone number of one account share one count. An unknown login counts by its normalised
    spelling (one phone number counts once however it is written: 0912…, +84912…, 84912…)."""
    raw = request.form.get("login", "")
    user = accounts.find_user(raw[:100])
    if user is not None:
        return f"account:{user.id}"
    login = accounts.normalise_login(raw).lower()
    digits = login.removeprefix("+")
    if digits.isdigit() and digits.startswith("84") and len(digits) >= 11:
        login = "0" + digits[2:]
    return "login:" + login


def _signed_in_key() -> str:
    """Rate-limit key for checks of the signed-in account's own password."""
    return (
        f"account:{current_user.get_id().split(':', 1)[0]}"
        if current_user.is_authenticated
        else "anonymous"
    )


def _start_session(user, remember: bool) -> None:
    """Sign in with a new session id (and so a new remember token) and a new CSRF secret: a
    token seen before sign-in (on a shared computer, in a fixated cookie) is worth nothing after."""
    session.pop("csrf_token", None)
    user._session_token = None
    login_user(user, remember=remember)


def _login_limits():
    return current_app.config["RATELIMIT_LOGIN_PER_ACCOUNT"]


def _address_limits():
    return current_app.config["RATELIMIT_LOGIN_PER_ADDRESS"]


def _only_posts() -> bool:
    return request.method != "POST"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_limits,
    key_func=_login_key,
    exempt_when=_only_posts,
    per_method=False,
    deduct_when=counts_against_limits,
)
@limiter.limit(_address_limits, exempt_when=_only_posts, deduct_when=counts_against_limits)
@password_check_gate
def login():
    """Sign in with member code or phone number and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.login.data, form.password.data, now_utc())
        if user is None:
            # On the field, so the error summary links to it and the input is marked invalid.
            form.password.errors.append(_("Tên đăng nhập hoặc mật khẩu không đúng."))
        else:
            _start_session(user, form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out: the account's session id and remember token stop working on the server too, so a
    copied cookie signs nobody in (other devices of the account sign in again)."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object())
    logout_user()
    session.pop("csrf_token", None)
    flash(_("Bạn đã đăng xuất."), "info")
    response = redirect(url_for("main.home"))
    # The phone forgets the member's kept quiz pages, offline answers and service worker.
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


@bp.route("/activate", methods=["GET", "POST"])
@limiter.limit(
    _login_limits,
    key_func=_login_key,
    exempt_when=_only_posts,
    per_method=False,
    deduct_when=counts_against_limits,
)
@limiter.limit(_address_limits, exempt_when=_only_posts, deduct_when=counts_against_limits)
@password_check_gate
def activate():
    """First access: a one-time code from the secretary lets the member choose a password."""
    form = ActivateForm()
    if request.method == "GET":
        # The slip's QR link fills in the login and the code (nginx and our logs keep the path only).
        form.login.data = request.args.get("login", "")[:64]
        form.code.data = request.args.get("code", "")[:32]
    if form.validate_on_submit():
        try:
            user = accounts.redeem_activation_code(
                form.login.data, form.code.data, form.password.data, now_utc()
            )
        except accounts.AccountError as err:
            reason = str(err)
            if reason in ACTIVATION_ERRORS:
                form.code.errors.append(ACTIVATION_ERRORS[reason]())
            else:
                form.password.errors.append(password_message(reason))
        else:
            _start_session(user, True)
            flash(
                _("Tài khoản đã được kích hoạt. Từ nay hãy đăng nhập bằng mật khẩu vừa chọn."),
                "success",
            )
            return redirect(url_for("main.home"))
    return render_template("auth/activate.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit(
    _login_limits,
    key_func=_signed_in_key,
    exempt_when=_only_posts,
    per_method=False,
    deduct_when=counts_against_limits,
)
@limiter.limit(_address_limits, exempt_when=_only_posts, deduct_when=counts_against_limits)
@password_check_gate
def change_password():
    """Change the password; other devices are signed out. The current-password check counts
    against the same limits as sign-in, so a borrowed session cannot guess the password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = access.user()  # the real object: login_user must not store the proxy
        if accounts.authenticate(user.login, form.current.data, now_utc()) is None:
            form.current.errors.append(_("Mật khẩu hiện tại không đúng."))
            return render_template("auth/change_password.html", form=form)
        try:
            accounts.set_password(user, form.password.data)
        except accounts.AccountError as err:
            form.password.errors.append(password_message(str(err)))
        else:
            _start_session(user, True)
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)


@bp.errorhandler(429)
def locked_out(_err):
    """Too many wrong passwords: say what happened, how long to wait (from the limiter), and who can help."""
    seconds = None
    current = limiter.current_limit
    if current is not None:
        seconds = max(1, math.ceil(current.reset_at - time.time()))
    page = render_template(
        "auth/locked.html",
        seconds=seconds,
        minutes=max(1, round(seconds / 60)) if seconds else None,
        activation=request.endpoint == "auth.activate",
    )
    response = make_response(page, 429)
    if seconds:
        response.headers["Retry-After"] = str(seconds)
    return response
