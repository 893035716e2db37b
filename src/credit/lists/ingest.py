"""Entering list decisions that arrive through the collection pipeline (dataset list_decision).

Called by the pipeline inside the batch's load transaction, right after the records upsert,
so a batch stores its records and their list entries together or not at all (a validate-only
run rolls both back). Each decision is entered once: `services.enter_decided` is idempotent
by (list type, decision number), so re-importing a file changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from credit.audit.services import log_change
from credit.catalog import queries as catalog
from credit.core.errors import ServiceError
from credit.lists import services
from credit.lists.models import ListType, Source
from credit.records.models import Record

DATASET_CODE = "list_decision"
# Columns without a core role, by exchange code in definitions/list_decision.yaml.
BASIS_CODE = "MD_RDYJ"
FACTS_CODE = "MD_RDSS"


def _list_types() -> dict[str, ListType]:
    """Active list types by code and by Chinese name: files may carry either."""
    found: dict[str, ListType] = {}
    for list_type in ListType.objects.filter(active=True):
        found[list_type.code] = list_type
        found[list_type.name] = list_type
    return found


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def entries_from_batch(batch) -> dict:
    """Create decided and published entries for the list decisions this batch wrote.

    Returns counts and the rows skipped with their reason; a row is skipped (its record
    stays stored) when its list type is unknown or the batch's department may not enter
    decisions of that list.
    """
    from credit.collection.pipeline import batch_actor

    actor = batch_actor(batch)
    roles = {f.role: f.code for f in catalog.fields_of(batch.dataset_version) if f.role}
    list_types = _list_types()
    published_on = timezone.localtime(batch.received_at).date()
    created = existing = 0
    skipped: list[dict] = []
    records = Record.objects.filter(batch=batch).select_related("subject").order_by("batch_row")
    for record in records:
        data = record.data
        label = (data.get(roles["list_type"]) or "").strip()
        list_type = list_types.get(label)
        if list_type is None:
            skipped.append({"row": record.batch_row, "message": f"未知的名单类型“{label}”"})
            continue
        try:
            _, made = services.enter_decided(
                actor,
                list_type,
                record.subject,
                record.doc_number,
                record.decision_date,
                data.get(FACTS_CODE, ""),
                data.get(BASIS_CODE, ""),
                _date(data.get(roles.get("valid_to", ""))),
                published_on=published_on,
                authority_name=record.authority_name,
                authority_uscc=record.authority_uscc,
                department_id=batch.department_id,
                source=Source.IMPORT,
                source_record_id=record.pk,
            )
        except ServiceError as exc:
            skipped.append({"row": record.batch_row, "message": exc.message})
            continue
        if made:
            created += 1
        else:
            existing += 1
    summary = {"created": created, "existing": existing, "skipped": skipped}
    log_change(actor, "list_entry.import", "Batch", batch.public_id, after=summary)
    return summary
