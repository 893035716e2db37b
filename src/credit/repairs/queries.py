"""Reads of repair applications: a department's queue, the credit office's, overdue ones."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from credit.core.actors import Actor
from credit.core.deadlines import Clock
from credit.repairs import permissions as perms
from credit.repairs.models import RepairApplication, State

ACCESS_RESOURCE = "repairs.application"


def queue(actor: Actor) -> QuerySet[RepairApplication]:
    """The applications `actor` may see: its department's, or every one for the credit
    office and auditors."""
    rows = RepairApplication.objects.select_related("subject", "department", "record", "list_entry")
    if not perms.can_use_queue(actor):
        return rows.none()
    if perms.sees_every_queue(actor):
        return rows
    return rows.filter(department_id=actor.department_id)


def overdue(day: dt.date | None = None) -> Q:
    """Applications whose current step's clock is breached on `day` (not yet accepted by
    the 受理 due date, or accepted and not decided by the 决定 due date)."""
    day = day or timezone.localdate()
    return (Q(state=State.SUBMITTED) & Clock.breached_q("accept_due", day)) | (
        Q(state=State.ACCEPTED) & Clock.breached_q("decide_due", day)
    )


def current_due(app: RepairApplication) -> dt.date | None:
    if app.state == State.SUBMITTED:
        return app.accept_due
    if app.state == State.ACCEPTED:
        return app.decide_due
    return None


def is_overdue(app: RepairApplication, day: dt.date | None = None) -> bool:
    due = current_due(app)
    return due is not None and Clock(due).breached(day or timezone.localdate())


def by_tracking_number(actor: Actor, number: str) -> RepairApplication | None:
    return queue(actor).filter(tracking_number=(number or "").strip()).first()
