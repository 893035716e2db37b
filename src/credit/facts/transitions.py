"""The one write path for a fact's state.

Every change of who may see a fact (publication, end of window, withdrawal, a list entry's
steps, and the dispute/repair/correction states to come) is written through `apply()`: the
state, its history row, the change-log row and the outbox event, in one transaction. The
kernel does not import the apps owning the facts, so the app passes its own state and
history writers; what the kernel guarantees is that the four are stored together or not at
all, and that no state change leaves without an event.

Set-based work (an import, a daily job, a recomputation) runs inside `batch()`: each
change is still written through `apply()` with its history and change log, but the events
become one per kind (and action) at the end of the batch, naming the subjects touched, not
one per row. Imports that write rows in bulk call `imported()` with the subjects instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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


@dataclass
class Batch:
    """The changes of one set-based job, gathered into one event per (kind, action)."""

    actor: Actor
    batch_ref: str
    action: str | None
    request_id: str
    name_facts: bool
    # (kind, action) → (fact ids, subject ids), in the order the kinds were first touched.
    touched: dict[tuple[str, str], tuple[set, set]] = field(default_factory=dict)

    def touch(self, kind: str, action: str, fact_ids: Iterable = (), subject_ids: Iterable = ()):
        facts, subjects = self.touched.setdefault((kind, self.action or action), (set(), set()))
        if self.name_facts:
            facts.update(getattr(v, "pk", v) for v in fact_ids)
        subjects.update(getattr(v, "pk", v) for v in subject_ids)

    def _emit(self) -> list[FactEvent]:
        return [
            events.emit(
                kind,
                action,
                fact_ids=facts,
                subject_ids=subjects,
                batch_ref=self.batch_ref,
                actor=self.actor,
                request_id=self.request_id,
            )
            for (kind, action), (facts, subjects) in self.touched.items()
            if subjects or facts
        ]


_batch: ContextVar[Batch | None] = ContextVar("facts_transitions_batch", default=None)


@contextmanager
def batch(
    actor: Actor,
    batch_ref: str,
    *,
    action: str | None = None,
    request_id: str = "",
    name_facts: bool = True,
) -> Iterator[Batch]:
    """One transaction in which every `apply()` and `imported()` adds to one event per
    (kind, action), written when the block ends, instead of an event each.

    `action` replaces the changes' own actions (an import's entries are entered and
    published: the batch says `imported`); `name_facts=False` names the subjects only, for
    jobs that may touch every fact. A batch inside a batch joins the outer one, so a job
    can call code that opens its own. A subject named by a change whose savepoint was rolled
    back stays named: telling a subscriber too much is harmless (subscribers are idempotent),
    too little is not.
    """
    outer = _batch.get()
    if outer is not None:
        yield outer
        return
    current = Batch(actor, str(batch_ref or ""), action, request_id, name_facts)
    token = _batch.set(current)
    try:
        with transaction.atomic():
            yield current
            current._emit()
    finally:
        _batch.reset(token)


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
    batch_ref: str = "",
    own_event: bool = False,
) -> Any:
    """Write a state change of facts of `kind` and everything that goes with it.

    `state()` writes the new state (None when the caller has just saved it in the same
    transaction), `history()` the history rows, `log` the change-log row (None when a
    summary row is written for a whole job). Inside a `batch()` the event joins the batch's,
    unless `own_event`: then it is written now, naming its facts, in the same transaction.
    Returns what `state()` returned.
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
        collecting = None if own_event else _batch.get()
        if collecting is not None:
            collecting.touch(kind, action, fact_ids, subject_ids)
        else:
            events.emit(
                kind,
                action,
                fact_ids=fact_ids,
                subject_ids=subject_ids,
                batch_ref=batch_ref,
                actor=actor,
                request_id=request_id,
            )
    return result


def imported(
    actor: Actor, kind: str, batch_ref: str, subject_ids: Iterable, request_id: str = ""
) -> FactEvent | None:
    """The one event of a set-based import (inside its load transaction); none when the
    batch touched no subject. Inside a `batch()` the subjects join its event instead."""
    subject_ids = list(subject_ids)
    if not subject_ids:
        return None
    collecting = _batch.get()
    if collecting is not None:
        collecting.touch(kind, Action.IMPORTED, subject_ids=subject_ids)
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
