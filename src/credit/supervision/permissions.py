"""Who may draw and read 双随机 samples.

A department draws for itself (its operators and its systems), the credit office for any
department; the auditor reads every draw and draws nothing; a department reads its own
draws only.
"""

from __future__ import annotations

from credit.accounts.permissions import is_auditor
from credit.core.actors import Actor

DRAW_OWN_ONLY = "只能为本单位抽取抽查对象"


def can_draw(actor: Actor, department=None) -> bool:
    """Draw for `department` (None: for some department at all)."""
    if is_auditor(actor):
        return False
    if actor.is_credit_admin:
        return True
    if actor.department_id is None:
        return False
    return department is None or getattr(department, "pk", department) == actor.department_id


def can_read_draws(actor: Actor) -> bool:
    """See the list of draws at all (each one filtered by `can_read_draw`)."""
    return is_auditor(actor) or actor.is_credit_admin or actor.department_id is not None


def sees_every_department(actor: Actor) -> bool:
    return is_auditor(actor) or actor.is_credit_admin


def can_read_draw(actor: Actor, draw) -> bool:
    if sees_every_department(actor):
        return True
    return actor.department_id is not None and draw.department_id == actor.department_id
