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


def for_profile(profile, subject_id: int) -> tuple[set[str], set[tuple[str, str]]]:
    """(disputed record tokens, disputed entry keys) of a profile page: one query on the
    open disputes of the subject; a second only when one of them is a list entry."""
    rows = list(
        Dispute.objects.filter(subject_id=subject_id, closed_at__isnull=True).values_list(
            "kind", "fact_id"
        )
    )
    if not rows:
        return set(), set()
    records = {fact_id for kind, fact_id in rows if kind == facts.RECORD}
    tokens = {r.token for r in profile_rows(profile) if record_pk(r.token) in records}
    entries = {fact_id for kind, fact_id in rows if kind == facts.LIST_ENTRY}
    return tokens, (_entry_keys(entries) if entries else set())


def _entry_keys(ids) -> set[tuple[str, str]]:
    model = facts.kind(facts.LIST_ENTRY).model
    return set(
        model._default_manager.filter(pk__in=list(ids)).values_list(
            "list_type__code", "decision_number"
        )
    )


def profile_rows(profile) -> list:
    rows = [*profile.licences, *profile.penalties]
    for section in profile.sections:
        for dataset in section.datasets:
            rows.extend(dataset.rows)
    return rows
