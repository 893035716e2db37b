from django import template

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
