"""Forms of the console's bank pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Length, Optional, Regexp

from quizapp.web.forms import FlaskForm
from quizapp.web.organiser.fields import ChoiceField

NEW_BANK = "new"


class BankUploadForm(FlaskForm):
    file = FileField(
        _l("Tệp câu hỏi"), validators=[FileRequired(_l("Hãy chọn tệp câu hỏi để tải lên."))]
    )
    target = ChoiceField(
        _l("Nhập vào"),
        invalid_message=_l("Hãy chọn ngân hàng mới hoặc một ngân hàng của đơn vị bạn."),
    )
    slug = StringField(
        _l("Mã ngân hàng mới (không bắt buộc)"),
        validators=[
            Optional(),
            Length(max=100, message=_l("Mã ngân hàng dài tối đa 100 ký tự.")),
            Regexp(
                r"^[a-z0-9][a-z0-9-]*$",
                message=_l(
                    "Mã ngân hàng chỉ gồm chữ thường không dấu, số và dấu gạch ngang, ví dụ nghi-quyet-xii."
                ),
            ),
        ],
    )
    owner = ChoiceField(
        _l("Đơn vị sở hữu ngân hàng"),
        coerce=int,
        invalid_message=_l("Hãy chọn một đơn vị thuộc phạm vi của bạn."),
    )


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Tìm trong câu hỏi (không cần gõ dấu)"), validators=[Optional(), Length(max=200)]
    )
    topic = ChoiceField(_l("Chủ đề"), validators=[Optional()])
