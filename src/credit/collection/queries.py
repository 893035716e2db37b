"""Reads of batches, already limited to what the caller may see."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from credit.accounts import permissions
from credit.collection.models import Batch, BatchError
from credit.core.actors import Actor
from credit.core.errors import NotFound


def batches_for(actor: Actor) -> QuerySet[Batch]:
    qs = Batch.objects.select_related("dataset", "department", "created_by", "created_by_client")
    if not permissions.can_read_batches(actor):
        return qs.none()
    if actor.is_credit_admin:
        return qs
    return qs.filter(department_id=actor.department_id)


def get_batch(actor: Actor, public_id) -> Batch:
    """A batch the actor may see; another department's batch looks like a missing one."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise NotFound("批次不存在") from exc
    batch = batches_for(actor).filter(public_id=key).first()
    if batch is None:
        raise NotFound("批次不存在或无权查看")
    return batch


def batch_errors(batch: Batch, limit: int | None = 200) -> list[BatchError]:
    qs = BatchError.objects.filter(batch=batch).order_by("row", "id")
    return list(qs[:limit] if limit else qs)


ACTIVE_STATES = ("received", "validating", "loading")
