"""WTForms fields whose "not a number / not a date / not a choice" messages are Vietnamese.

WTForms ships no Vietnamese catalogue, so its built-in messages would reach a
cadre in English; these subclasses replace them with our own lazy strings.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DateTimeLocalField, FloatField, IntegerField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from quizapp.formatting import TIME_FORMATS
from quizapp.numbers import read_number


class _Message:
    invalid_message = _l("Giá trị không hợp lệ.")

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str):
            text = valuelist[0].strip()
            # Numbers are read as the grading reads answers: "87,5" and "87.5" alike, "1.500" = 1500.
            reading = read_number(text) if self._numeric else None
            valuelist = [reading.canonical if reading is not None else text]
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            self.data = None
            raise ValueError(str(self.invalid_message)) from exc


class IntField(_Message, IntegerField):
    invalid_message = _l("Hãy nhập một số nguyên, ví dụ 30.")
    _numeric = False


class NumberField(_Message, FloatField):
    invalid_message = _l("Hãy nhập một số, ví dụ 50 hoặc 87,5.")
    _numeric = True


class DayField(_Message, DateField):
    invalid_message = _l("Hãy nhập ngày theo dạng năm-tháng-ngày, ví dụ 2024-03-26.")
    _numeric = False


class MomentField(_Message, DateTimeLocalField):
    invalid_message = _l("Hãy nhập ngày và giờ, ví dụ 2024-03-26 07:30.")
    _numeric = False

    def __init__(self, *args, **kwargs):
        # Browsers send "2024-03-26T07:30"; people typing by hand often use a space.
        kwargs.setdefault("format", list(TIME_FORMATS))
        super().__init__(*args, **kwargs)


def as_choice(item) -> SelectChoice:
    """(value, label[, render_kw]) as the SelectChoice WTForms now expects."""
    if isinstance(item, SelectChoice):
        return item
    value, label, *rest = item
    return SelectChoice(value, label, rest[0] if rest else {})


class ChoiceField(SelectField):
    """A select whose refusal of an unknown value says why, in Vietnamese.

    Choices may be given as tuples; they are kept as SelectChoice objects.
    """

    def __init__(self, *args, invalid_message=None, choices=None, **kwargs):
        super().__init__(*args, choices=[as_choice(c) for c in choices or []], **kwargs)
        self.invalid_message = invalid_message or _l("Hãy chọn một mục trong danh sách.")

    def __setattr__(self, name, value):
        if name == "choices" and isinstance(value, list):
            value = [as_choice(c) for c in value]
        super().__setattr__(name, value)

    @property
    def values(self) -> list:
        """The values that may be chosen."""
        return [c.value for c in self.choices]

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            self.data = None
            raise ValueError(str(self.invalid_message)) from exc

    def pre_validate(self, form):
        if self.data is None or self.data not in self.values:
            raise ValidationError(str(self.invalid_message))


class RadioChoiceField(RadioField):
    """Radio buttons whose refusal of an unknown value is in Vietnamese."""

    def pre_validate(self, form):
        if self.data not in {c.value for c in self.choices}:
            raise ValidationError(str(_l("Hãy chọn một mục trong danh sách.")))
