"""What every page form accepts: text without control characters, dates the platform can
compute with.

Django's form fields take a NUL or an escape character pasted into a text box as valid
text; PostgreSQL then refuses NUL in the query (a 500) and SQLite stores it. Dates far
outside the platform's life (0001-01-01, 9999-12-31) are valid `date`s that overflow later,
when a deadline, a validity period or a time-zone conversion is computed from them.

`SafeInputMixin` puts both checks on every field of a form, so a new field is covered
without remembering to: each CharField refuses control characters (tab and line breaks
are allowed in a Textarea) with a Chinese message, replacing Django's NUL check, whose
Chinese translation reads "不允许是用空字符串" and misleads; each FileField refuses them in
the uploaded file's name; each DateField refuses dates outside `DATE_MIN`–`DATE_MAX`; a
ModelChoiceField answers a NUL with its "not a valid choice" message.
A `SearchField` drops control characters instead, since a search term is better served
than refused.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from credit.core.normalize import has_control_chars, strip_control_chars

CONTROL_CHARS_MESSAGE = "不能包含控制字符"
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)
DATE_RANGE_MESSAGE = f"日期应在 {DATE_MIN.isoformat()} 至 {DATE_MAX.isoformat()} 之间"


class RejectControlChars:
    """Validator: a text (or an uploaded file's name) without control characters."""

    def __init__(self, *, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        text = getattr(value, "name", value)  # an UploadedFile: its name
        if isinstance(text, str) and has_control_chars(text, multiline=self.multiline):
            raise forms.ValidationError(CONTROL_CHARS_MESSAGE, code="control_characters")


def reject_dates_out_of_range(value: dt.date) -> None:
    if not DATE_MIN <= value <= DATE_MAX:
        raise forms.ValidationError(DATE_RANGE_MESSAGE, code="date_out_of_range")


def guard_field(field: forms.Field) -> None:
    """Add the checks above to one form field (in place; a form's fields are its own copies)."""
    if isinstance(field, forms.CharField):
        field.validators = [
            v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        multiline = isinstance(field.widget, forms.Textarea)
        field.validators.append(RejectControlChars(multiline=multiline))
    elif isinstance(field, forms.FileField):
        field.validators = [*field.validators, RejectControlChars()]
    elif isinstance(field, forms.DateField):
        field.validators = [*field.validators, reject_dates_out_of_range]
    elif isinstance(field, forms.ModelChoiceField) and not isinstance(
        field, forms.ModelMultipleChoiceField
    ):
        # Its own NUL check says "不允许是用空字符串"; a NUL in a select is just no choice.
        def no_nul(value, field=field) -> None:
            if "\x00" in str(value):
                raise forms.ValidationError(
                    field.error_messages["invalid_choice"], code="invalid_choice"
                )

        field.validate_no_null_characters = no_nul


class SafeInputMixin:
    """Form mixin: every field of the form gets `guard_field`'s checks."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            guard_field(field)


class SearchField(forms.CharField):
    """A search term or filter text: control characters are dropped, not refused."""

    def to_python(self, value):
        return strip_control_chars(super().to_python(value))
