"""The 异议标注 on portal pages: which shown rows carry an open objection.

Asked of the kernel (`facts.disputed`) for the rows a page already holds, so the hot
profile statement stays as it is and pays one small query more.
"""

from __future__ import annotations

from collections.abc import Iterable

from credit import facts
from credit.facts.models import Dispute
from credit.portal.opaque import record_pk


def record_tokens(rows: Iterable) -> set[str]:
    """The tokens of the shown record rows whose record is disputed."""
    by_pk = {}
    for row in rows:
        pk = record_pk(row.token)
        if pk is not None:
            by_pk[pk] = row.token
    return {by_pk[pk] for pk in facts.disputed(facts.RECORD, by_pk)}


def entry_keys(subject_id: int) -> set[tuple[str, str]]:
    """(list code, decision number) of the subject's disputed list entries."""
    ids = Dispute.objects.filter(
        kind=facts.LIST_ENTRY, subject_id=subject_id, closed_at__isnull=True
    ).values_list("fact_id", flat=True)
    if not ids:
        return set()
    model = facts.kind(facts.LIST_ENTRY).model
    return {
        (code, number)
        for code, number in model._default_manager.filter(pk__in=list(ids)).values_list(
            "list_type__code", "decision_number"
        )
    }


def profile_rows(profile) -> list:
    rows = [*profile.licences, *profile.penalties]
    for section in profile.sections:
        for dataset in section.datasets:
            rows.extend(dataset.rows)
    return rows
