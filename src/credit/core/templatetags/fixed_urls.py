"""`{% fixed_url "portal:home" %}`: the address of a URL name without arguments, reversed
once per process (per script prefix and URLconf) instead of on every page.

Every public page's layout links the same handful of pages; through `{% url %}` that is a
`reverse()` per link per request, a measurable part of the busiest page's cost. A name
that does not resolve fails as `{% url %}` does, unless the link is `optional` (the footer's,
in a URLconf without the portal, as some tests run): then it gives "". Failures are not
cached.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

register = template.Library()
_reversed: dict[tuple[str, str, str], str] = {}


@register.simple_tag
def fixed_url(name: str, optional: bool = False) -> str:
    key = (get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF), name)
    try:
        return _reversed[key]
    except KeyError:
        pass
    try:
        url = reverse(name)
    except NoReverseMatch:
        if optional:
            return ""
        raise
    _reversed[key] = url
    return url
