"""Who may read the audit trail.

The rule lives here, below accounts, because accounts writes to the change log (audit sits
below it); `accounts.permissions.can_browse_audit` is this same function. It reads only
the user's own attributes, so audit needs nothing from accounts.
"""

from __future__ import annotations


def can_browse_audit(user) -> bool:
    """等保 separation: only auditors and the credit office read the audit trail."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or user.is_credit_admin or user.is_auditor)
