"""`{% fixed_url %}`: the layout's argument-less links reversed once per process. Every
name a template gives it must resolve (a typo fails the page as `{% url %}` would, not
quietly into href=""), and an `optional` one gives "" without being remembered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse

import credit
from credit.core.templatetags import fixed_urls

TEMPLATES = Path(credit.__file__).parent


def _names() -> set[str]:
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        found.update(re.findall(r'{% fixed_url "([^"]+)"', path.read_text(encoding="utf-8")))
    return found


def test_every_name_in_the_templates_resolves_to_what_reverse_gives():
    names = _names()
    assert {"portal:home", "portal:privacy", "reports:verify"} <= names
    for name in names:
        rendered = Template('{% load fixed_urls %}{% fixed_url "' + name + '" %}').render(
            Context({})
        )
        assert rendered == reverse(name), name


def test_an_unknown_name_fails_unless_optional_and_is_not_cached():
    with pytest.raises(NoReverseMatch):
        fixed_urls.fixed_url("portal:no_such_page")
    assert fixed_urls.fixed_url("portal:no_such_page", optional=True) == ""
    assert not [key for key in fixed_urls._reversed if key[2] == "portal:no_such_page"]
