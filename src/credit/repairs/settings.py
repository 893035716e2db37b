"""Configurable periods of credit repair (domain.md §5), from Django settings."""

from __future__ import annotations

from django.conf import settings


def accept_workdays() -> int:
    return int(getattr(settings, "CREDIT_REPAIR_ACCEPT_WORKDAYS", 3))


def decide_workdays() -> int:
    return int(getattr(settings, "CREDIT_REPAIR_DECIDE_WORKDAYS", 5))


def extension_workdays() -> int:
    return int(getattr(settings, "CREDIT_REPAIR_EXTENSION_WORKDAYS", 5))


def bar_months() -> int:
    """Months after a revoked repair during which the same fact may not be applied for."""
    return int(getattr(settings, "CREDIT_REPAIR_BAR_MONTHS", 12))
