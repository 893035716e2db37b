"""Number and identifier formatting for the credit check pages.

django.contrib.humanize is not installed (and `intcomma` follows the active locale), so
the thousands separator is written here: Chinese statistics tables use the comma too.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

from credit.core.masking import mask_text_ids

register = template.Library()


@register.filter
def thousands(value) -> str:
    """5030 → "5,030"; anything not an integer is shown as it is."""
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return f"{value:,}"


@register.filter
def feedback_percent(row: dict) -> str:
    """The feedback rate of a statistics row (given / expected) as a percentage with one
    decimal, computed from the counts (the row's `feedback_rate` is already rounded to four
    places, and rounding twice can be off by 0.1). "—" when there is nothing to give
    feedback on; "<0.1%" when some feedback was given but the rate rounds to 0.0%."""
    given = row.get("feedback_given") or 0
    expected = row.get("measures_expected") or 0
    if not expected:
        return "—"
    value = Decimal(given * 100) / Decimal(expected)
    shown = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if shown == 0 and given:
        return "<0.1%"
    return f"{shown}%"


@register.filter
def mask_ids(text) -> str:
    """Free text with every ID-number-looking run masked (an ID typed into the code field)."""
    return mask_text_ids(text or "")
