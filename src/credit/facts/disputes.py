"""The reader of the dispute facet (异议标注): which facts carry an open objection.

Every place that shows or sends a fact (portal record page and profile, public API, credit
check answers) asks here, by kind and ids, instead of looking at objections itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from credit.facts.models import Dispute


def disputed(kind: str, ids: Iterable) -> set[int]:
    """The ids among `ids` of facts of `kind` under an open dispute."""
    wanted = {int(getattr(i, "pk", i)) for i in ids if i is not None}
    if not wanted:
        return set()
    return set(
        Dispute.objects.filter(kind=kind, fact_id__in=wanted, closed_at__isnull=True).values_list(
            "fact_id", flat=True
        )
    )


def disputed_of_subjects(kind: str, subject_ids: Iterable) -> set[int]:
    """The ids of facts of `kind` about `subject_ids` under an open dispute (one indexed
    query; for answers that hold facts without their ids, such as credit checks)."""
    wanted = {int(i) for i in subject_ids if i is not None}
    if not wanted:
        return set()
    return set(
        Dispute.objects.filter(
            kind=kind, subject_id__in=wanted, closed_at__isnull=True
        ).values_list("fact_id", flat=True)
    )


def is_disputed(kind: str, fact_id: int) -> bool:
    return bool(disputed(kind, [fact_id]))


def annotate(queryset, kind: str, name: str = "disputed"):
    """The queryset with a boolean `name` per fact (for list pages read in one query)."""
    return queryset.annotate(
        **{
            name: Exists(
                Dispute.objects.filter(kind=kind, fact_id=OuterRef("pk"), closed_at__isnull=True)
            )
        }
    )
