"""Forms for signing in and choosing a password."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from quizapp.services.accounts import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    login = StringField(_l("Mã đoàn viên hoặc số điện thoại"), validators=[DataRequired(_l("Hãy nhập mã đoàn viên hoặc số điện thoại."))])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Hãy nhập mật khẩu."))])
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên thiết bị này"), default=True)


class NewPasswordMixin:
    password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[DataRequired(_l("Hãy nhập mật khẩu mới.")),
                    Length(min=MIN_PASSWORD_LENGTH, max=200, message=_l("Mật khẩu cần ít nhất %(min)d ký tự.", min=MIN_PASSWORD_LENGTH))],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[DataRequired(_l("Hãy nhập lại mật khẩu.")), EqualTo("password", _l("Hai mật khẩu không khớp nhau."))],
    )


class ActivateForm(NewPasswordMixin, FlaskForm):
    login = StringField(_l("Mã đoàn viên hoặc số điện thoại"), validators=[DataRequired(_l("Hãy nhập mã đoàn viên hoặc số điện thoại."))])
    code = StringField(_l("Mã kích hoạt (trên phiếu bí thư phát)"), validators=[DataRequired(_l("Hãy nhập mã kích hoạt."))])


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(_l("Hãy nhập mật khẩu hiện tại."))])
