"""Reads of commitments, already limited to what the caller may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from credit import facts
from credit.audit import services as audit
from credit.commitments import ingest, permissions
from credit.commitments.models import Commitment, Fulfilment
from credit.core.actors import Actor
from credit.core.deadlines import Clock
from credit.core.errors import NotFound
from credit.records.models import Record

RESOURCE = "commitments.queue"

# The verification clock of a commitment on a day (console and API filter alike).
DUE_STATES = (
    ("overdue", "逾期未核查"),
    ("due", "待核查"),
    ("no_due", "无核查期限"),
    ("verified", "已核查"),
)
DUE_LABELS = dict(DUE_STATES)


def of_actor(actor: Actor) -> QuerySet[Commitment]:
    """The commitments `actor` may see: its department's, or every one for the credit
    office and auditors."""
    if not permissions.can_list_commitments(actor):
        return Commitment.objects.none()
    found = Commitment.objects.select_related("subject", "department", "record")
    if permissions.sees_every_department(actor):
        return found
    return found.filter(department_id=actor.department_id)


def due_condition(state: str, today: dt.date) -> Q:
    pending = Q(state=Fulfilment.PENDING)
    if state == "overdue":
        return pending & Clock.breached_q("due_on", today)
    if state == "due":
        return pending & Q(due_on__gte=today)
    if state == "no_due":
        return pending & Q(due_on__isnull=True)
    if state == "verified":
        return ~pending
    return Q()


def overdue(actor: Actor, today: dt.date) -> QuerySet[Commitment]:
    """Commitments due for verification and not verified: the due day itself is still in
    time (core.deadlines.Clock)."""
    return of_actor(actor).filter(due_condition("overdue", today)).order_by("due_on", "id")


def due_state(commitment: Commitment, today: dt.date) -> str:
    if commitment.state != Fulfilment.PENDING:
        return "verified"
    if commitment.due_on is None:
        return "no_due"
    return "overdue" if Clock(commitment.due_on).breached(today) else "due"


def one(actor: Actor, commitment_id) -> Commitment:
    """One commitment `actor` may see; another department's does not exist for it."""
    if not isinstance(commitment_id, int) or not 0 < commitment_id < 2**63:
        raise NotFound("信用承诺不存在")
    found = of_actor(actor).filter(pk=commitment_id).first()
    if found is None:
        raise NotFound("信用承诺不存在")
    return found


def log_read(actor: Actor, commitments, purpose: str) -> int:
    """Access-log the subjects of commitments read that the public may not see today."""
    commitments = list(commitments)
    record_ids = [c.record_id for c in commitments if c.record_id]
    public = set(
        facts.readable(facts.RECORD, facts.Audience.PUBLIC)
        .filter(pk__in=record_ids)
        .values_list("pk", flat=True)
    )
    subjects = {c.subject_id: c.subject.name for c in commitments if c.record_id not in public}
    return audit.log_access_many(actor, sorted(subjects.items()), RESOURCE, purpose)


def public_records(day: dt.date | None = None) -> QuerySet[Record]:
    """Commitment records the public sees today (the kernel's rule: 是否公开 and window)."""
    return facts.readable(facts.RECORD, facts.Audience.PUBLIC, day=day).filter(
        dataset__code=ingest.DATASET_CODE
    )
