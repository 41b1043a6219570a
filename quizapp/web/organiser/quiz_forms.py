"""The quiz form: every setting of `QuizSettings`, in the words of an organiser."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from quizapp.clock import local_to_utc, to_local
from quizapp.models import GradingPolicy, ReviewPolicy
from quizapp.services.quizzes.settings import QuizSettings
from quizapp.web.forms import FlaskForm
from quizapp.web.organiser.fields import (
    ChoiceField,
    DayField,
    IntField,
    MomentField,
    NumberField,
    RadioChoiceField,
    as_choice,
)

# Service error keys -> the form field that shows the message.
FIELD_OF = {"time_limit_seconds": "time_limit_minutes", "audience_unit": "audience"}
DRAW_ALL, DRAW_TOTAL, DRAW_PER_TOPIC, DRAW_CUSTOM = "all", "total", "per_topic", "custom"

GRADING_LABELS = {
    GradingPolicy.HIGHEST: _l("Lấy điểm cao nhất"),
    GradingPolicy.LAST: _l("Lấy điểm lần làm cuối"),
    GradingPolicy.FIRST: _l("Lấy điểm lần làm đầu"),
}
REVIEW_LABELS = {
    ReviewPolicy.SCORE_ONLY: _l("Chỉ xem điểm"),
    ReviewPolicy.CORRECT_ANSWERS: _l("Xem điểm và đáp án đúng"),
    ReviewPolicy.EXPLANATIONS: _l("Xem điểm, đáp án, giải thích và nguồn"),
    ReviewPolicy.AFTER_CLOSE: _l("Xem đầy đủ, nhưng chỉ sau khi đợt kiểm tra đóng"),
}


class QuizForm(FlaskForm):
    title = StringField(
        _l("Tên đợt kiểm tra"),
        validators=[
            DataRequired(_l("Hãy nhập tên đợt kiểm tra.")),
            Length(max=255, message=_l("Tên dài tối đa 255 ký tự.")),
        ],
    )
    description = TextAreaField(
        _l("Giới thiệu cho đoàn viên (không bắt buộc)"), validators=[Optional()]
    )
    bank_version = ChoiceField(
        _l("Bộ câu hỏi (ngân hàng và phiên bản)"),
        coerce=int,
        invalid_message=_l("Hãy chọn một phiên bản ngân hàng câu hỏi bạn được dùng."),
    )
    audience = ChoiceField(
        _l("Đơn vị dự thi (đoàn viên của đơn vị này và các đơn vị trực thuộc)"),
        coerce=int,
        invalid_message=_l("Chỉ chọn được đơn vị thuộc phạm vi của bạn."),
    )
    opens_at = MomentField(
        _l("Mở lúc (giờ Việt Nam)"), validators=[InputRequired(_l("Hãy nhập thời điểm mở."))]
    )
    closes_at = MomentField(
        _l("Đóng lúc (giờ Việt Nam)"), validators=[InputRequired(_l("Hãy nhập thời điểm đóng."))]
    )
    time_limit_minutes = IntField(
        _l("Thời gian làm bài (phút)"),
        default=30,
        validators=[
            InputRequired(_l("Hãy nhập thời gian làm bài.")),
            NumberRange(min=1, max=720, message=_l("Thời gian làm bài từ 1 đến 720 phút.")),
        ],
    )
    draw_mode = RadioChoiceField(
        _l("Câu hỏi cho mỗi lượt làm"),
        default=DRAW_ALL,
        choices=[
            as_choice(c)
            for c in (
                (DRAW_ALL, _l("Tất cả câu hỏi của bộ")),
                (DRAW_TOTAL, _l("Rút ngẫu nhiên một số câu từ cả bộ")),
                (DRAW_PER_TOPIC, _l("Rút cùng số câu từ mỗi chủ đề")),
                (DRAW_CUSTOM, _l("Số câu riêng cho từng chủ đề")),
            )
        ],
    )
    draw_total = IntField(_l("Tổng số câu"), validators=[Optional()])
    draw_per_topic = IntField(_l("Số câu mỗi chủ đề"), validators=[Optional()])
    draw_custom = TextAreaField(
        _l("Số câu từng chủ đề (mỗi dòng: tên chủ đề = số câu)"), validators=[Optional()]
    )
    shuffle_questions = BooleanField(_l("Đảo thứ tự câu hỏi"), default=True)
    shuffle_options = BooleanField(_l("Đảo thứ tự phương án"), default=True)
    attempts_allowed = IntField(
        _l("Số lượt làm bài (để trống: không giới hạn)"),
        default=1,
        validators=[
            Optional(),
            NumberRange(min=1, max=100, message=_l("Số lượt làm bài từ 1 đến 100, hoặc để trống.")),
        ],
    )
    grading_policy = ChoiceField(
        _l("Cách tính điểm khi làm nhiều lượt"),
        choices=list(GRADING_LABELS.items()),
        default=GradingPolicy.HIGHEST,
    )
    pass_mark = NumberField(
        _l("Điểm đạt (%)"), default=50, validators=[InputRequired(_l("Hãy nhập điểm đạt."))]
    )
    review_policy = ChoiceField(
        _l("Sau khi nộp bài, đoàn viên được xem"),
        choices=list(REVIEW_LABELS.items()),
        default=ReviewPolicy.EXPLANATIONS,
    )
    target_rate = NumberField(
        _l("Chỉ tiêu tỉ lệ tham gia (%)"),
        default=90,
        validators=[InputRequired(_l("Hãy nhập chỉ tiêu tham gia."))],
    )
    target_date = DayField(_l("Hạn hoàn thành chỉ tiêu (không bắt buộc)"), validators=[Optional()])
    prediction_question = TextAreaField(
        _l("Câu hỏi dự đoán (không bắt buộc, dùng để xếp hạng khi bằng điểm)"),
        validators=[Optional()],
    )
    prediction_answer = IntField(
        _l("Đáp án câu hỏi dự đoán (số nguyên, chỉ ban tổ chức thấy)"), validators=[Optional()]
    )

    def draw_rules(self) -> dict | None:
        """The draw rules the service understands; raises ValueError(field, message) on a bad line."""
        mode = self.draw_mode.data
        if mode == DRAW_TOTAL:
            return {"total": self.draw_total.data}
        if mode == DRAW_PER_TOPIC:
            return {"per_topic": self.draw_per_topic.data}
        if mode == DRAW_CUSTOM:
            rules = {}
            for number, line in enumerate((self.draw_custom.data or "").splitlines(), start=1):
                if not line.strip():
                    continue
                title, sep, count = line.rpartition("=")
                if not sep or not title.strip() or not count.strip().isdigit():
                    raise ValueError(
                        str(
                            _l(
                                "Dòng %(n)d chưa đúng dạng «tên chủ đề = số câu»: %(line)s",
                                n=number,
                                line=line.strip(),
                            )
                        )
                    )
                rules[title.strip()] = int(count.strip())
            return {"per_topic": rules}
        return None

    def draw_field(self):
        """The field where a draw-rule problem is shown."""
        return {
            DRAW_TOTAL: self.draw_total,
            DRAW_PER_TOPIC: self.draw_per_topic,
            DRAW_CUSTOM: self.draw_custom,
        }.get(self.draw_mode.data, self.draw_mode)

    def settings(self) -> QuizSettings:
        """The form's values as QuizSettings (times converted from Vietnam time to UTC)."""
        return QuizSettings(
            title=(self.title.data or "").strip(),
            description=self.description.data or "",
            opens_at=local_to_utc(self.opens_at.data) if self.opens_at.data else None,
            closes_at=local_to_utc(self.closes_at.data) if self.closes_at.data else None,
            time_limit_seconds=(self.time_limit_minutes.data or 0) * 60,
            draw_rules=self.draw_rules(),
            shuffle_questions=bool(self.shuffle_questions.data),
            shuffle_options=bool(self.shuffle_options.data),
            attempts_allowed=self.attempts_allowed.data,
            grading_policy=self.grading_policy.data,
            pass_mark=self.pass_mark.data,
            review_policy=self.review_policy.data,
            target_rate=self.target_rate.data,
            target_date=self.target_date.data,
            prediction_question=self.prediction_question.data or None,
            prediction_answer=self.prediction_answer.data,
        )

    def fill_from(self, settings: QuizSettings) -> None:
        """Show saved settings in the form (times in Vietnam time)."""
        for name in (
            "title",
            "description",
            "shuffle_questions",
            "shuffle_options",
            "attempts_allowed",
            "grading_policy",
            "pass_mark",
            "review_policy",
            "target_rate",
            "target_date",
            "prediction_question",
            "prediction_answer",
        ):
            getattr(self, name).data = getattr(settings, name)
        self.opens_at.data = to_local(settings.opens_at).replace(tzinfo=None)
        self.closes_at.data = to_local(settings.closes_at).replace(tzinfo=None)
        self.time_limit_minutes.data = settings.time_limit_seconds // 60
        rules = settings.draw_rules
        if not rules:
            self.draw_mode.data = DRAW_ALL
        elif "total" in rules:
            self.draw_mode.data, self.draw_total.data = DRAW_TOTAL, rules["total"]
        elif isinstance(rules.get("per_topic"), int):
            self.draw_mode.data, self.draw_per_topic.data = DRAW_PER_TOPIC, rules["per_topic"]
        else:
            self.draw_mode.data = DRAW_CUSTOM
            self.draw_custom.data = "\n".join(f"{t} = {n}" for t, n in rules["per_topic"].items())

    def show_errors(self, errors: dict[str, str]) -> None:
        """Put the service's field-keyed messages next to the matching inputs."""
        for key, message in errors.items():
            target = (
                self.draw_field()
                if key == "draw_rules"
                else getattr(self, FIELD_OF.get(key, key), None)
            )
            (target if target is not None else self.title).errors.append(message)


class AllowanceForm(FlaskForm):
    extra_minutes = IntField(
        _l("Cộng thêm thời gian (phút)"),
        default=0,
        validators=[
            InputRequired(_l("Hãy nhập số phút (0 nếu không cộng).")),
            NumberRange(min=0, max=720, message=_l("Số phút cộng thêm từ 0 đến 720.")),
        ],
    )
    extra_attempts = IntField(
        _l("Cho thêm lượt làm bài"),
        default=0,
        validators=[
            InputRequired(_l("Hãy nhập số lượt (0 nếu không cho thêm).")),
            NumberRange(min=0, max=20, message=_l("Số lượt cho thêm từ 0 đến 20.")),
        ],
    )


class ReopenForm(FlaskForm):
    minutes = IntField(
        _l("Cho làm tiếp thêm (phút)"),
        default=10,
        validators=[
            InputRequired(_l("Hãy nhập số phút.")),
            NumberRange(min=1, max=720, message=_l("Số phút từ 1 đến 720.")),
        ],
    )


class DuplicateForm(FlaskForm):
    title = StringField(
        _l("Tên đợt kiểm tra mới"),
        validators=[
            DataRequired(_l("Hãy nhập tên đợt kiểm tra.")),
            Length(max=255, message=_l("Tên dài tối đa 255 ký tự.")),
        ],
    )


class MemberLookupForm(FlaskForm):
    class Meta:
        csrf = False

    code = StringField(_l("Mã đoàn viên"), validators=[DataRequired(_l("Hãy nhập mã đoàn viên."))])
