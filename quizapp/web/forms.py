"""The base of every form: text fields are cleaned by the one helper (quizapp/text.py) before
validation, so a name with control or bidi characters gets a field error, not a stored spoof."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm as _FlaskForm
from wtforms import HiddenField, PasswordField, StringField, TextAreaField

from quizapp.text import UnsafeText, clean_text


def _cleaner(multiline: bool):
    def clean(value):
        try:
            return clean_text(value, multiline=multiline)
        except UnsafeText as err:
            # wtforms turns a ValueError from a filter into a field error
            raise ValueError(err.message(_("Nội dung này"))) from err

    return clean


class FlaskForm(_FlaskForm):
    """FlaskForm whose text fields (not passwords, not hidden machine data) are cleaned."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(
                field_class, (PasswordField, HiddenField)
            ):
                multiline = issubclass(field_class, TextAreaField)
                filters = list(unbound_field.kwargs.get("filters", ()))
                options["filters"] = [_cleaner(multiline), *filters]
            return unbound_field.bind(form=form, **options)
