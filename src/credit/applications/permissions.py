"""Who may do what with applications: named predicates used by pages, API and services."""

from __future__ import annotations

from credit.accounts import permissions
from credit.accounts.models import Department
from credit.core.actors import Actor


def is_credit_office(actor: Actor) -> bool:
    """The credit office's staff (its department, or a credit admin), never an auditor."""
    if permissions.is_auditor(actor):
        return False
    if actor.is_credit_admin:
        return True
    return (
        actor.department_id is not None
        and Department.objects.filter(pk=actor.department_id, is_credit_office=True).exists()
    )


def can_enter_at_window(actor: Actor) -> bool:
    """Enter an application received at the service window: the credit office."""
    return actor.user is not None and is_credit_office(actor)


def can_read_application(actor: Actor, application) -> bool:
    """The credit office, the auditor (read only), and the department that decides it."""
    if permissions.is_auditor(actor) or is_credit_office(actor):
        return True
    return (
        actor.department_id is not None
        and application.department_id is not None
        and actor.department_id == application.department_id
    )


def can_read_materials(actor: Actor, application) -> bool:
    """Materials are read by the deciding department, the credit office and the auditor
    (each read access-logged); never by the public."""
    return (actor.user is not None or actor.client is not None) and can_read_application(
        actor, application
    )
