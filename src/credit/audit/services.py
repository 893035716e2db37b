"""Writing the change log and the access log. The only code that inserts into them."""

from __future__ import annotations

from typing import Any

from credit.audit import context
from credit.audit.models import AccessLog, ChangeLog
from credit.core.actors import Actor


def log_change(
    actor: Actor,
    action: str,
    obj_type: str,
    obj_id: Any,
    before: dict | None = None,
    after: dict | None = None,
) -> ChangeLog:
    return ChangeLog.objects.create(
        actor_user=actor.user,
        actor_client=actor.client,
        actor_label=actor.label,
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        before=before,
        after=after,
        request_id=actor.request_id or context.request_id.get(),
    )


def log_access(
    actor: Actor,
    resource: str,
    purpose: str,
    subject_id: int | None = None,
    subject_label: str = "",
) -> AccessLog:
    return AccessLog.objects.create(
        actor_user=actor.user,
        actor_client=actor.client,
        actor_label=actor.label,
        subject_id=subject_id,
        subject_label=subject_label,
        resource=resource,
        purpose=purpose,
        request_id=actor.request_id or context.request_id.get(),
    )
