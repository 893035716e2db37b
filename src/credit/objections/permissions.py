"""Who may handle objections: named predicates for pages, API and services alike."""

from __future__ import annotations

from credit.accounts import permissions
from credit.applications.permissions import is_credit_office
from credit.core.actors import Actor


def can_use_queue(actor: Actor) -> bool:
    """Open the objection queue: the credit office (all), a department (its 协查 items),
    the auditor (read only)."""
    return actor.department_id is not None or actor.is_credit_admin or permissions.is_auditor(actor)


def can_accept(actor: Actor) -> bool:
    """受理 / 不予受理 and the platform self-check: the credit office."""
    return is_credit_office(actor)


def can_verify(actor: Actor, objection) -> bool:
    """协查: the department that provided the fact (or the credit office on its behalf)."""
    if permissions.is_auditor(actor):
        return False
    return actor.department_id == objection.department_id or is_credit_office(actor)


def can_read(actor: Actor, objection) -> bool:
    if permissions.is_auditor(actor) or is_credit_office(actor):
        return True
    return actor.department_id is not None and actor.department_id == objection.department_id
