"""Reads of batches, already limited to what the caller may see."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from credit.accounts import permissions
from credit.collection import liveness
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


def _waiting_since() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.CREDIT_WORKER_WAIT_WARNING_SECONDS)


def worker_notice(batch: Batch) -> str:
    """What the department is told when its batch waits although no background worker runs
    (the worker died and nothing restarted it): a received batch is not silently stuck."""
    if batch.state != "received" or batch.received_at > _waiting_since():
        return ""
    if liveness.live_workers():
        return ""
    minutes = max(1, int((timezone.now() - batch.received_at).total_seconds() // 60))
    return (
        f"后台处理进程未在运行：本批次已等待约 {minutes} 分钟仍未开始处理。"
        "进程恢复后将自动处理，无需重新上传；如长时间未恢复请联系信用办。"
    )


def waiting_without_worker(batches: QuerySet[Batch]) -> int:
    """How many of these batches wait beyond the warning time while no worker runs."""
    if liveness.live_workers():
        return 0
    return batches.filter(state="received", received_at__lte=_waiting_since()).count()
