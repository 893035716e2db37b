"""The input checks every page form shares (credit.core.forms) and their text helpers."""

from __future__ import annotations

import pytest
from django import forms

from credit.core.forms import (
    CONTROL_CHARS_MESSAGE,
    DATE_RANGE_MESSAGE,
    SafeInputMixin,
    SearchField,
)
from credit.core.normalize import as_int, has_control_chars, strip_control_chars


class SampleForm(SafeInputMixin, forms.Form):
    name = forms.CharField(max_length=50)
    reasons = forms.CharField(widget=forms.Textarea, required=False)
    day = forms.DateField(required=False)
    q = SearchField(required=False)
    file = forms.FileField(required=False)


def _errors(**data) -> dict:
    form = SampleForm({"name": "本溪钢铁有限公司", **data})
    form.is_valid()
    return form.errors


@pytest.mark.parametrize("value", ["\x00", "本溪\x00钢铁", "a\x1bb", "a\tb", "a\nb", "\x7f"])
def test_single_line_text_refuses_control_characters_in_chinese(value):
    # Only our message: Django's own NUL message ("不允许是用空字符串") is replaced.
    assert _errors(name=value)["name"] == [CONTROL_CHARS_MESSAGE]


def test_multi_line_text_keeps_tabs_and_line_breaks():
    assert _errors(reasons="第一行\r\n第二行\t附注") == {}
    assert _errors(reasons="第一行\x00")["reasons"] == [CONTROL_CHARS_MESSAGE]


def test_search_field_drops_control_characters():
    form = SampleForm({"name": "x", "q": "本溪\x00钢\x1b铁"})
    assert form.is_valid() and form.cleaned_data["q"] == "本溪钢铁"


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31", "2100-01-01", "9999-12-31"])
def test_dates_outside_the_platforms_life_are_refused(value):
    assert _errors(day=value)["day"] == [DATE_RANGE_MESSAGE]


def test_uploaded_file_name_with_control_characters_is_refused():
    from django.core.files.uploadedfile import SimpleUploadedFile

    form = SampleForm({"name": "x"}, {"file": SimpleUploadedFile("a\x00b.csv", b"x")})
    assert not form.is_valid() and form.errors["file"] == [CONTROL_CHARS_MESSAGE]


def test_fields_of_one_form_do_not_leak_into_the_class():
    SampleForm()
    assert len(SampleForm.base_fields["name"].validators) == 2  # max length, Django's NUL


def test_text_helpers():
    assert has_control_chars("a\x00") and not has_control_chars("a\nb", multiline=True)
    assert strip_control_chars("a\x00b\x1f\x7fc") == "abc"
    assert as_int("42") == 42 and as_int("0") == 0
    for text in ("", None, "-1", "²", "١٢", "abc", "9" * 19, "9" * 10_000, " 1"):
        assert as_int(text) is None
