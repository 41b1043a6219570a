"""Sign in and out, activate an account with a code, change the password."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from quizapp.clock import now_utc
from quizapp.extensions import db, limiter
from quizapp.services import accounts
from quizapp.web.auth.forms import ActivateForm, ChangePasswordForm, LoginForm
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
    """Rate-limit key for the account being tried: one phone number counts once however it is
    written (0912…, +84912…, 84912…)."""
    login = accounts.normalise_login(request.form.get("login", "")).lower()
    digits = login.removeprefix("+")
    if digits.isdigit() and digits.startswith("84") and len(digits) >= 11:
        login = "0" + digits[2:]
    return "login:" + login


def _login_limits():
    return current_app.config["RATELIMIT_LOGIN_PER_ACCOUNT"]


def _address_limits():
    return current_app.config["RATELIMIT_LOGIN_PER_ADDRESS"]


def _only_posts() -> bool:
    return request.method != "POST"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limits, key_func=_login_key, exempt_when=_only_posts, per_method=False,
               deduct_when=counts_against_limits)
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
            flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out of this device."""
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    response = redirect(url_for("main.home"))
    # The phone forgets the member's kept quiz pages, offline answers and service worker.
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


@bp.route("/activate", methods=["GET", "POST"])
@limiter.limit(_login_limits, key_func=_login_key, exempt_when=_only_posts, per_method=False,
               deduct_when=counts_against_limits)
@limiter.limit(_address_limits, exempt_when=_only_posts, deduct_when=counts_against_limits)
@password_check_gate
def activate():
    """First access: a one-time code from the secretary lets the member choose a password."""
    form = ActivateForm()
    if form.validate_on_submit():
        try:
            user = accounts.redeem_activation_code(form.login.data, form.code.data, form.password.data, now_utc())
        except accounts.AccountError as err:
            db.session.rollback()
            flash(ACTIVATION_ERRORS[str(err)](), "error")
        else:
            db.session.commit()
            login_user(user, remember=True)
            flash(_("Tài khoản đã được kích hoạt. Từ nay hãy đăng nhập bằng mật khẩu vừa chọn."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/activate.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password; other devices are signed out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()  # the real object: login_user must not store the proxy
        if accounts.authenticate(user.login, form.current.data, now_utc()) is None:
            form.current.errors.append(_("Mật khẩu hiện tại không đúng."))
        else:
            accounts.set_password(user, form.password.data)
            db.session.commit()
            login_user(user, remember=True)
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
