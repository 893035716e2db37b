"""Regrade the subjects a fact event names (new records, repair, correction, list change)."""

from __future__ import annotations

from credit.core.actors import Actor
from credit.evaluation import services


def regrade(event) -> dict[str, int] | None:
    if not event.subject_ids:
        return None
    return services.evaluate(
        event.subject_ids, actor=Actor.system("信用评价（事件）", request_id=f"event:{event.pk}")
    )
