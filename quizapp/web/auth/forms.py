"""Forms for signing in and choosing a password."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from quizapp.services.accounts import MIN_PASSWORD_LENGTH
from quizapp.web.forms import FlaskForm

# Phone keyboards capitalise or lowercase the first letter and suggest words: none of that helps a
# member code (the server matches logins without case anyway).
LOGIN_FIELD = {
    "autocapitalize": "characters",
    "autocomplete": "username",
    "spellcheck": "false",
    "autocorrect": "off",
}


class LoginForm(FlaskForm):
    login = StringField(
        _l("Mã đoàn viên hoặc số điện thoại"),
        validators=[DataRequired(_l("Hãy nhập mã đoàn viên hoặc số điện thoại."))],
        render_kw=LOGIN_FIELD,
    )
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Hãy nhập mật khẩu."))])
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên thiết bị này"), default=True)


class NewPasswordMixin:
    password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[
            DataRequired(_l("Hãy nhập mật khẩu mới.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("Mật khẩu cần ít nhất %(min)d ký tự.", min=MIN_PASSWORD_LENGTH),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[
            DataRequired(_l("Hãy nhập lại mật khẩu.")),
            EqualTo("password", _l("Hai mật khẩu không khớp nhau.")),
        ],
    )


class ActivateForm(NewPasswordMixin, FlaskForm):
    login = StringField(
        _l("Mã đoàn viên hoặc số điện thoại"),
        validators=[DataRequired(_l("Hãy nhập mã đoàn viên hoặc số điện thoại."))],
        render_kw=LOGIN_FIELD,
    )
    code = StringField(
        _l("Mã kích hoạt (trên phiếu bí thư phát)"),
        validators=[DataRequired(_l("Hãy nhập mã kích hoạt."))],
    )


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordField(
        _l("Mật khẩu hiện tại"), validators=[DataRequired(_l("Hãy nhập mật khẩu hiện tại."))]
    )


PASSWORD_MESSAGES = {
    "too_short": lambda: _("Mật khẩu cần ít nhất %(min)d ký tự.", min=MIN_PASSWORD_LENGTH),
    "control": lambda: _("Mật khẩu có ký tự điều khiển không gõ được. Hãy chọn mật khẩu khác."),
    "repeated": lambda: _(
        "Mật khẩu chỉ lặp lại một ký tự hoặc một nhóm ký tự, rất dễ đoán. "
        "Hãy chọn mật khẩu khác, ví dụ vài từ ghép với chữ số."
    ),
    "sequence": lambda: _(
        "Mật khẩu là một dãy liền nhau (như 12345678 hoặc abcdefgh), rất dễ đoán. "
        "Hãy chọn mật khẩu khác."
    ),
    "personal": lambda: _(
        "Mật khẩu không được chứa mã đoàn viên, tên đăng nhập hay số điện thoại của bạn. "
        "Hãy chọn mật khẩu khác."
    ),
    "common": lambda: _(
        "Mật khẩu này nằm trong danh sách mật khẩu phổ biến mà kẻ gian thử đầu tiên. "
        "Hãy chọn mật khẩu khác, ví dụ vài từ ghép với chữ số."
    ),
}


def password_message(reason: str) -> str:
    """The sentence for a refused new password (a reason from accounts.check_new_password)."""
    return PASSWORD_MESSAGES.get(reason, PASSWORD_MESSAGES["common"])()
