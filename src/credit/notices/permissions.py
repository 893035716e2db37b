"""Who may read notices and register push addresses (named predicates)."""

from __future__ import annotations

from credit.accounts import permissions as accounts
from credit.core.actors import Actor


def can_read_notices(actor: Actor) -> bool:
    """A system or a department's staff reads the notices of its own stream; an auditor
    writes nothing and receives nothing (audit pages show the access log instead)."""
    if accounts.is_auditor(actor):
        return False
    return actor.client is not None or actor.department_id is not None


def can_register_webhook(actor: Actor) -> bool:
    """A system registers its own push address; the credit office any system's."""
    if accounts.is_auditor(actor):
        return False
    return actor.client is not None or actor.is_credit_admin


def can_manage_notices(actor: Actor) -> bool:
    """Configure other systems' push addresses (the admin): the credit office only."""
    return actor.is_credit_admin and not accounts.is_auditor(actor)
