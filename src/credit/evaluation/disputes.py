"""HOOK for the dispute facet (异议标注) of the objections work (issue 13).

A model may ignore facts under an open objection (`EvaluationModel.disputed_facts`). The
facet lives in the kernel (`credit.facts.disputes`, table `facts.Dispute`) once the
objections branch is merged; until then no fact is disputed and this returns no
condition. After the merge the hook finds the model and starts excluding by itself.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Exists, OuterRef, Q


def dispute_model():
    try:
        return apps.get_model("facts", "Dispute")
    except LookupError:
        return None


def not_disputed(kind: str) -> Q | None:
    """The condition a fact of `kind` meets while it carries no open objection, or None
    when the platform has no dispute facet yet."""
    model = dispute_model()
    if model is None:
        return None
    return ~Q(
        Exists(model.objects.filter(kind=kind, fact_id=OuterRef("pk"), closed_at__isnull=True))
    )
