"""Who may handle credit repair applications (谁认定、谁修复)."""

from __future__ import annotations

from credit.accounts import permissions as accounts
from credit.applications.permissions import is_credit_office
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied


def can_use_queue(actor: Actor) -> bool:
    """The repair queue: department staff and systems (their own), the credit office and
    auditors (every department's; auditors read only)."""
    if accounts.is_auditor(actor):
        return True
    return actor.is_credit_admin or actor.department_id is not None


def sees_every_queue(actor: Actor) -> bool:
    return accounts.sees_every_department(actor)


def can_read_application(actor: Actor, application) -> bool:
    if not can_use_queue(actor):
        return False
    return sees_every_queue(actor) or actor.department_id == application.department_id


def can_decide(actor: Actor, application) -> bool:
    """Accept, reject, extend, decide and revoke: the deciding department and the credit
    office; never an auditor."""
    return accounts.can_act_on_list(actor, application.department_id)


def require_decide(actor: Actor, application) -> None:
    if accounts.is_auditor(actor):
        raise PermissionDenied("审计员不能办理信用修复")
    if not can_decide(actor, application):
        raise PermissionDenied("只能办理本单位认定信息的信用修复申请")


def can_download_notice(actor: Actor, fact) -> bool:
    """The 信用修复告知书 of a fact: its deciding department and the credit office."""
    return accounts.can_act_on_list(actor, fact.department_id)


def can_enter_window(actor: Actor) -> bool:
    """Enter an application received on paper at the service window: the credit office
    (it runs the single window); never an auditor or another department."""
    return is_credit_office(actor)
