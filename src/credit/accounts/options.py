"""Security parameters of accounts (等保 2.0 defaults), overridable in Django settings.

Read at call time so that deployments and tests can change them with settings.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def lockout_max_failures() -> int:
    return getattr(settings, "CREDIT_LOCKOUT_MAX_FAILURES", 5)


def lockout_window() -> timedelta:
    return timedelta(minutes=getattr(settings, "CREDIT_LOCKOUT_WINDOW_MINUTES", 15))


def lockout_duration() -> timedelta:
    return timedelta(minutes=getattr(settings, "CREDIT_LOCKOUT_MINUTES", 15))


# Writing last_used_at on every API call would turn every read into a write.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
TOKEN_PREFIX = "cbx"
