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
        client_request_id=context.client_request_id.get(),
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
        client_request_id=context.client_request_id.get(),
    )


ACCESS_COLUMNS = (
    "at",
    "actor_user_id",
    "actor_client_id",
    "actor_label",
    "subject_id",
    "subject_label",
    "resource",
    "purpose",
    "request_id",
    "client_request_id",
)


def log_access_many(
    actor: Actor,
    subjects: list[tuple[int, str]],
    resource: str,
    purpose: str,
    at=None,
) -> int:
    """One access-log row per (subject id, subject name) read in one operation, written in
    bulk (COPY on PostgreSQL): a 10,000-subject credit check must not cost 10,000 INSERTs."""
    from django.db import connection
    from django.utils import timezone

    if not subjects:
        return 0
    at = at or timezone.now()
    request_id = actor.request_id or context.request_id.get()
    client_request_id = context.client_request_id.get()
    user_id = actor.user.pk if actor.user is not None else None
    client_id = actor.client.pk if actor.client is not None else None
    rows = [
        (
            at,
            user_id,
            client_id,
            actor.label,
            sid,
            label[:200],
            resource,
            purpose[:200],
            request_id,
            client_request_id,
        )
        for sid, label in subjects
    ]
    if connection.vendor == "postgresql" and len(rows) > 50:
        with connection.cursor() as cursor:
            sql = f"COPY {AccessLog._meta.db_table} ({', '.join(ACCESS_COLUMNS)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        return len(rows)
    AccessLog.objects.bulk_create(
        [AccessLog(**dict(zip(ACCESS_COLUMNS, row, strict=True))) for row in rows],
        batch_size=2000,
    )
    return len(rows)
