"""Who may change the catalog: one predicate for the admin pages, the service and commands."""

from __future__ import annotations

from credit.accounts.permissions import is_auditor
from credit.core.actors import Actor


def can_define_datasets(actor: Actor) -> bool:
    """Define a new dataset, change one (a new version) or load definition files: the
    credit office's administrators and the system (commands); never an auditor, never a
    department's operator (a definition decides how every department's file is checked)."""
    return bool(actor.is_credit_admin) and not is_auditor(actor)
