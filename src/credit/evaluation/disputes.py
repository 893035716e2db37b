"""The dispute facet (异议标注) as the evaluation reads it.

A model may ignore facts under an open objection while it is being handled
(`EvaluationModel.disputed_facts`); the facet is the kernel's (`facts.Dispute`, opened and
closed by `facts.transitions.open_dispute` / `close_dispute`, each an outbox event that
regrades the subject).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from credit.facts.models import Dispute


def not_disputed(kind: str) -> Q:
    """The condition a fact of `kind` meets while it carries no open objection."""
    return ~Q(
        Exists(Dispute.objects.filter(kind=kind, fact_id=OuterRef("pk"), closed_at__isnull=True))
    )
