"""Option parsing shared by the `credit` management commands."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone


def date_option(value) -> dt.date:
    """The date of a `--date YYYY-MM-DD` option, today when it is absent. Accepts a date
    too (`call_command(..., date=...)` passes values unconverted)."""
    if not value:
        return timezone.localdate()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError("日期格式应为 YYYY-MM-DD") from None
