"""Forms of the console's people and roster pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from quizapp.models import Role
from quizapp.web.forms import FlaskForm
from quizapp.web.organiser.fields import ChoiceField, DayField

ROLE_LABELS = {
    Role.ORGANISER: _l("Ban tổ chức (quản lý ngân hàng, đợt kiểm tra, danh sách, phân quyền)"),
    Role.SECRETARY: _l("Bí thư (xem báo cáo, cấp mã kích hoạt, đặt lại mật khẩu)"),
}


class GrantForm(FlaskForm):
    login = StringField(
        _l("Tên đăng nhập của người được giao"),
        validators=[DataRequired(_l("Hãy nhập tên đăng nhập (mã đoàn viên hoặc tên tài khoản)."))],
    )
    role = ChoiceField(
        _l("Vai trò"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()]
    )
    unit = ChoiceField(
        _l("Trên đơn vị"),
        coerce=int,
        invalid_message=_l("Hãy chọn một đơn vị thuộc phạm vi của bạn."),
    )


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token is what a confirming POST needs."""

    confirm = HiddenField(default="1")


class MemberSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Tìm theo tên, mã đoàn viên hoặc số điện thoại"),
        validators=[Optional(), Length(max=100)],
    )
    inactive = BooleanField(_l("Gồm cả đoàn viên đã ngừng kích hoạt"))


GENDER_CHOICES = [("", _l("Không rõ")), ("nam", _l("Nam")), ("nu", _l("Nữ")), ("khac", _l("Khác"))]


class MemberForm(FlaskForm):
    full_name = StringField(
        _l("Họ và tên"), validators=[DataRequired(_l("Hãy nhập họ và tên.")), Length(max=255)]
    )
    birth_date = DayField(_l("Ngày sinh"), validators=[Optional()])
    gender = ChoiceField(_l("Giới tính"), choices=GENDER_CHOICES)
    ethnicity = StringField(_l("Dân tộc"), validators=[Optional(), Length(max=64)])
    phone = StringField(
        _l("Số điện thoại"),
        validators=[
            Optional(),
            Length(max=32),
            Regexp(
                r"^\+?[0-9 .]{8,20}$",
                message=_l(
                    "Số điện thoại chỉ gồm chữ số (có thể có dấu + ở đầu), ví dụ 0912345678."
                ),
            ),
        ],
    )
    email = StringField(
        _l("Email"),
        validators=[
            Optional(),
            Length(max=255),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message=_l("Email không hợp lệ, ví dụ ten@example.com."),
            ),
        ],
    )
    is_cadre = BooleanField(_l("Là cán bộ đoàn"))


class MoveForm(FlaskForm):
    chapter = ChoiceField(
        _l("Chuyển tới chi đoàn"),
        coerce=int,
        invalid_message=_l("Hãy chọn một chi đoàn thuộc phạm vi của bạn."),
    )
