"""Forms of the accounts area: confirmations (POST with CSRF) and the member search."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SearchField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from quizapp.web.forms import FlaskForm


class UnitCodesForm(FlaskForm):
    """Make codes for a unit; the button chosen says whether to print slips or download CSV."""

    slips = SubmitField(_l("Tạo mã và in phiếu"))
    csv = SubmitField(_l("Tạo mã và tải tệp CSV"))


class MemberCodeForm(FlaskForm):
    """Confirm a new activation code (a password reset when the member has a password)."""

    submit = SubmitField(_l("Tạo mã kích hoạt"))


class SlipsCsvForm(FlaskForm):
    """The slips shown on the page, posted back to download them as CSV. Its own field name: the
    slips page answers the unit form's POST, whose button is called `slips`."""

    payload = HiddenField(validators=[DataRequired(), Length(max=2_000_000)])


class MemberSearchForm(FlaskForm):
    """Find a member in the unit's subtree by code, phone or name."""

    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(
        _l("Tìm đoàn viên (mã, số điện thoại hoặc họ tên)"),
        validators=[Optional(), Length(max=100)],
    )
