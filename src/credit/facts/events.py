"""The outbox: events of committed fact changes, handed to subscribers after commit.

Writers call `emit()` inside their own transaction (through `facts.transitions`), so an
event is stored exactly when the change is committed; a rollback takes the event with it.
On commit a background task runs `deliver_pending()`; the same function is a daily job
(`core.jobs`), so an event whose task was lost (a crash between commit and enqueue, a
queue outage) is still delivered.

Apps register subscribers in `AppConfig.ready()`:

    events.subscribe("portal.cache", forget_subjects, "清除门户缓存")

A subscriber is `func(event)`; it must be idempotent (an event may reach it twice after a
crash between its work and the bookkeeping). Each (event, subscriber) hand-over is a
`FactDelivery` row: a failure is recorded with its error and retried with backoff, never
dropped, and never keeps the other subscribers from the event.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from credit.facts.models import FactDelivery, FactEvent

log = logging.getLogger(__name__)

# Backoff after the n-th failed attempt: 1, 2, 4, … minutes, at most 6 hours.
FIRST_RETRY = dt.timedelta(minutes=1)
LAST_RETRY = dt.timedelta(hours=6)
BATCH = 500


@dataclass(frozen=True)
class Subscriber:
    name: str
    func: Callable[[FactEvent], Any]
    label_zh: str


_lock = threading.Lock()
_subscribers: dict[str, Subscriber] = {}


def subscribe(name: str, func: Callable[[FactEvent], Any], label_zh: str) -> Subscriber:
    """Register (or replace: `ready()` may run twice) the subscriber `name`."""
    if not label_zh:
        raise ValueError(f"subscriber {name} needs a Chinese label")
    subscriber = Subscriber(name, func, label_zh)
    with _lock:
        _subscribers[name] = subscriber
    return subscriber


def unsubscribe(name: str) -> None:
    with _lock:
        _subscribers.pop(name, None)


def subscribers() -> list[Subscriber]:
    return list(_subscribers.values())


def label_of(name: str) -> str:
    subscriber = _subscribers.get(name)
    return subscriber.label_zh if subscriber else name


def _ids(values: Iterable) -> list:
    return sorted({getattr(v, "pk", v) for v in values if v is not None})


def emit(
    kind: str,
    action: str,
    *,
    fact_ids: Iterable = (),
    subject_ids: Iterable = (),
    batch_ref: str = "",
    actor=None,
    request_id: str = "",
) -> FactEvent:
    """Store the event of a change being written; only inside the writer's transaction."""
    if not connection.in_atomic_block:
        # Outside a transaction the change and its event could be stored one without the
        # other: that is exactly what the outbox is there to prevent.
        raise RuntimeError("facts.events.emit() must be called inside the writer's transaction")
    event = FactEvent.objects.create(
        kind=kind,
        action=action,
        fact_ids=_ids(fact_ids),
        subject_ids=_ids(subject_ids),
        batch_ref=str(batch_ref or ""),
        actor_label=getattr(actor, "label", "") or "",
        request_id=request_id or getattr(actor, "request_id", "") or "",
    )
    _enqueue_on_commit()
    return event


# The connection's list of on-commit callbacks in which `_enqueue` was last registered.
_REGISTERED_IN = "_credit_facts_enqueue_in"


def _enqueue_on_commit() -> None:
    """Register the delivery task once per transaction, however many events it writes.

    Django replaces `run_on_commit` with a new list whenever it drops callbacks (commit,
    rollback, rollback of a savepoint), and only appends to it otherwise. So while the list
    is the one `_enqueue` was registered in, it is still there: one identity check per
    emit. A new list means a new transaction (register again) or a rolled-back savepoint,
    which may or may not have taken the callback with it (look once)."""
    pending = connection.run_on_commit
    if getattr(connection, _REGISTERED_IN, None) is pending:
        return
    if not any(entry[1] is _enqueue for entry in pending):
        transaction.on_commit(_enqueue)
    setattr(connection, _REGISTERED_IN, connection.run_on_commit)


def _enqueue() -> None:
    from credit.facts.tasks import deliver_pending_task

    try:
        deliver_pending_task.enqueue()
    except Exception:
        # The events are stored; the daily job (and the next commit's task) delivers them.
        log.exception("could not queue the delivery of fact events")


def backoff(attempts: int) -> dt.timedelta:
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LAST_RETRY)


def deliver_pending(now: dt.datetime | None = None, limit: int = BATCH) -> dict[str, int]:
    """Hand every undelivered event to every subscriber whose turn has come.

    Returns counts (events looked at, deliveries done, deliveries failed). Safe to run
    twice at once: on PostgreSQL a delivery being worked on is skipped by the other run.
    """
    now = now or timezone.now()
    current = subscribers()
    counts = {"events": 0, "delivered": 0, "failed": 0}
    last_id = 0
    while True:
        pending = list(
            FactEvent.objects.filter(delivered_at__isnull=True, id__gt=last_id).order_by("id")[
                :limit
            ]
        )
        if not pending:
            return counts
        for event in pending:
            last_id = event.id
            counts["events"] += 1
            # Every subscriber gets its turn: a list, not all()'s short circuit, so one
            # failing never keeps the event from the ones after it.
            outcomes = [_deliver(event, subscriber, now, counts) for subscriber in current]
            if all(outcomes):
                FactEvent.objects.filter(pk=event.pk).update(delivered_at=now)


def _deliver(event: FactEvent, subscriber: Subscriber, now: dt.datetime, counts) -> bool:
    """One hand-over; True when this subscriber has the event (now or before)."""
    delivery, _ = FactDelivery.objects.get_or_create(event=event, subscriber=subscriber.name)
    if delivery.state == FactDelivery.State.DONE:
        return True
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        return False
    with transaction.atomic():
        locked = (
            FactDelivery.objects.select_for_update(skip_locked=True).filter(pk=delivery.pk).first()
        )
        if locked is None:  # another deliverer is on it
            return False
        if locked.state == FactDelivery.State.DONE:
            return True
        locked.attempts += 1
        try:
            # A savepoint: a failing subscriber's partial writes go, the bookkeeping stays.
            with transaction.atomic():
                subscriber.func(event)
        except Exception as exc:
            log.exception("subscriber %s failed on fact event %s", subscriber.name, event.pk)
            locked.state = FactDelivery.State.FAILED
            locked.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            locked.next_attempt_at = now + backoff(locked.attempts)
            locked.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])
            counts["failed"] += 1
            return False
        locked.state = FactDelivery.State.DONE
        locked.delivered_at = timezone.now()
        locked.next_attempt_at = None
        locked.save(update_fields=["state", "attempts", "delivered_at", "next_attempt_at"])
        counts["delivered"] += 1
        return True


def retry_now(delivery_ids: Iterable[int]) -> int:
    """Make failed deliveries due at once and deliver; returns how many are now delivered."""
    ids = list(delivery_ids)
    FactDelivery.objects.filter(pk__in=ids).exclude(state=FactDelivery.State.DONE).update(
        next_attempt_at=None
    )
    deliver_pending()
    return FactDelivery.objects.filter(pk__in=ids, state=FactDelivery.State.DONE).count()
