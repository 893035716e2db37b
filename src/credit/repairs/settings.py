"""Configurable periods of credit repair (domain.md §5): CREDIT_REPAIR_* (config.py)."""

from __future__ import annotations

from django.conf import settings


def accept_workdays() -> int:
    return settings.CREDIT_REPAIR_ACCEPT_WORKDAYS


def decide_workdays() -> int:
    return settings.CREDIT_REPAIR_DECIDE_WORKDAYS


def extension_workdays() -> int:
    return settings.CREDIT_REPAIR_EXTENSION_WORKDAYS


def bar_months() -> int:
    """Months after a revoked repair during which the same fact may not be applied for."""
    return settings.CREDIT_REPAIR_BAR_MONTHS
