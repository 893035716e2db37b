import re

from django import template
from django.urls import NoReverseMatch, reverse

from credit.audit import labels

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return labels.action(code)


@register.filter
def object_label(code: str) -> str:
    return labels.object_type(code)


@register.filter
def resource_label(code: str) -> str:
    return labels.resource(code)


@register.filter
def field_label(code: str) -> str:
    return labels.FIELDS.get(code, code)


@register.filter
def value_label(value):
    return labels.VALUES.get(value, value) if isinstance(value, str) else value


# A credit check's access-log purpose ends with its number: "信用核查（招标投标）#12",
# "查看核查结果（#12）".
_CHECK_NUMBER = re.compile(r"#(\d{1,18})）?$")


@register.filter
def check_url(entry) -> str:
    """The result page of the credit check an access-log entry belongs to, else ''."""
    if entry.resource != "measures.check":
        return ""
    found = _CHECK_NUMBER.search(entry.purpose or "")
    if found is None:
        return ""
    try:
        return reverse("checks:detail", args=[int(found.group(1))])
    except NoReverseMatch:
        return ""
