"""Forms of a contest's console pages: a new contest, its rules, a round to add, a round's prizes
and its prediction answer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from quizapp.services.contests.results import MAX_ANSWER, Source
from quizapp.web.forms import FlaskForm
from quizapp.web.organiser.fields import ChoiceField, IntField

MAX_PRIZES = 1000


def _count(label, kind):
    return IntField(
        label,
        default=0,
        validators=[
            InputRequired(_l("Hãy nhập số %(kind)s (0 nếu không có).", kind=kind)),
            NumberRange(
                min=0,
                max=MAX_PRIZES,
                message=_l("Số giải mỗi loại từ 0 đến %(max)s.", max=MAX_PRIZES),
            ),
        ],
    )


class PrizeForm(FlaskForm):
    first = _count(_l("Số giải nhất"), _l("giải nhất"))
    second = _count(_l("Số giải nhì"), _l("giải nhì"))
    third = _count(_l("Số giải ba"), _l("giải ba"))
    consolation = _count(_l("Số giải khuyến khích"), _l("giải khuyến khích"))


class PredictionForm(FlaskForm):
    """Three buttons share the form: the two computed answers and the typed one (`source`)."""

    answer = IntField(
        _l("Đáp án do ban tổ chức nhập (số nguyên)"),
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_ANSWER,
                message=_l("Đáp án là số nguyên từ 0 đến %(max)s.", max=MAX_ANSWER),
            ),
        ],
    )
    source = StringField(default=Source.MANUAL)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.source.data not in {s.value for s in Source}:
            self.source.data = Source.MANUAL
        if self.source.data != Source.MANUAL:  # a computed answer: the typed box does not matter
            self.answer.errors = []
            return not self.csrf_token.errors if hasattr(self, "csrf_token") else True
        if ok and self.answer.data is None:
            self.answer.errors.append(str(_l("Hãy nhập đáp án là một số nguyên, ví dụ 1250.")))
            return False
        return ok


class RulesForm(FlaskForm):
    use_prediction = BooleanField(
        _l("Khi bằng điểm, xếp theo câu hỏi dự đoán (gần đáp án hơn xếp trên)")
    )
    use_time = BooleanField(_l("Khi vẫn bằng nhau, xếp theo thời gian làm bài (ngắn hơn xếp trên)"))
    one_prize_per_contest = BooleanField(_l("Mỗi người nhận nhiều nhất một giải trong cả cuộc thi"))


class ContestForm(RulesForm):
    """A new contest: its name, its audience and its rules."""

    title = StringField(
        _l("Tên cuộc thi"),
        validators=[
            DataRequired(_l("Hãy nhập tên cuộc thi.")),
            Length(max=255, message=_l("Tên dài tối đa 255 ký tự.")),
        ],
    )
    audience = ChoiceField(
        _l("Đơn vị dự thi (đoàn viên của đơn vị này và các đơn vị trực thuộc)"),
        coerce=int,
        invalid_message=_l("Chỉ chọn được đơn vị thuộc phạm vi của bạn."),
    )


def _quiz_id(value):
    """A quiz id from the select; its empty first choice is no quiz."""
    return None if value in (None, "") else int(value)


class RoundForm(PrizeForm):
    """A quiz to attach as the contest's next round, its name and its prizes."""

    quiz = ChoiceField(
        _l("Đợt kiểm tra làm vòng thi"),
        coerce=_quiz_id,
        invalid_message=_l("Hãy chọn một đợt kiểm tra trong danh sách."),
    )
    label = StringField(
        _l("Tên vòng"),
        validators=[Optional(), Length(max=120, message=_l("Tên vòng dài tối đa 120 ký tự."))],
    )
