"""The one write path for a fact's state.

Every change of who may see a fact (publication, end of window, withdrawal, a list entry's
steps, and the dispute/repair/correction states to come) is written through `apply()`: the
state, its history row, the change-log row and the outbox event, in one transaction. The
kernel does not import the apps owning the facts, so the app passes its own state and
history writers; what the kernel guarantees is that the four are stored together or not at
all, and that no state change leaves without an event.

Set-based imports call `imported()` once per batch with the subjects touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from credit.audit import services as audit
from credit.core.actors import Actor
from credit.facts import events
from credit.facts.models import Dispute, FactEvent

Action = FactEvent.Action


@dataclass(frozen=True)
class ChangeLog:
    """The change-log row of a transition (`audit.log_change` arguments)."""

    action: str
    target_type: str
    target_id: Any
    before: dict | None = None
    after: dict | None = field(default=None)


def apply(
    actor: Actor,
    kind: str,
    action: str,
    *,
    fact_ids: Iterable,
    subject_ids: Iterable,
    state: Callable[[], Any] | None = None,
    history: Callable[[], Any] | None = None,
    log: ChangeLog | None = None,
    request_id: str = "",
) -> Any:
    """Write a state change of facts of `kind` and everything that goes with it.

    `state()` writes the new state (None when the caller has just saved it in the same
    transaction), `history()` the history rows, `log` the change-log row (None when a
    summary row is written for a whole job). Returns what `state()` returned.
    """
    with transaction.atomic():
        result = state() if state is not None else None
        if history is not None:
            history()
        if log is not None:
            audit.log_change(
                actor,
                log.action,
                log.target_type,
                log.target_id,
                before=log.before,
                after=log.after,
            )
        events.emit(
            kind,
            action,
            fact_ids=fact_ids,
            subject_ids=subject_ids,
            actor=actor,
            request_id=request_id,
        )
    return result


def imported(
    actor: Actor, kind: str, batch_ref: str, subject_ids: Iterable, request_id: str = ""
) -> FactEvent | None:
    """The one event of a set-based import (inside its load transaction); none when the
    batch touched no subject."""
    subject_ids = list(subject_ids)
    if not subject_ids:
        return None
    return events.emit(
        kind,
        Action.IMPORTED,
        subject_ids=subject_ids,
        batch_ref=batch_ref,
        actor=actor,
        request_id=request_id,
    )


def open_dispute(
    actor: Actor, kind: str, fact_id: int, subject_id: int | None, reference: str, note: str = ""
):
    """Mark a fact disputed (异议标注) while the objection `reference` is accepted and open."""

    def state():
        return Dispute.objects.create(
            kind=kind, fact_id=fact_id, subject_id=subject_id, reference=reference
        )

    return apply(
        actor,
        kind,
        Action.DISPUTED,
        fact_ids=[fact_id],
        subject_ids=[subject_id],
        state=state,
        log=ChangeLog(
            "fact_disputed",
            "Dispute",
            reference,
            after={"kind": kind, "fact": fact_id, "note": note},
        ),
    )


def close_dispute(
    actor: Actor, kind: str, fact_id: int, subject_id: int | None, reference: str, reason: str
) -> int:
    """Take the objection `reference`'s marker off the fact (the objection is closed).
    Returns the rows closed (0 when it was not open: closing twice changes nothing)."""
    open_rows = Dispute.objects.filter(
        kind=kind, fact_id=fact_id, reference=reference, closed_at__isnull=True
    )
    if not open_rows.exists():
        return 0
    return apply(
        actor,
        kind,
        Action.UNDISPUTED,
        fact_ids=[fact_id],
        subject_ids=[subject_id],
        state=lambda: open_rows.update(closed_at=timezone.now(), closed_reason=reason[:200]),
        log=ChangeLog(
            "fact_undisputed",
            "Dispute",
            reference,
            before={"disputed": True},
            after={"disputed": False, "reason": reason},
        ),
    )
