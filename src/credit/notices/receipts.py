"""Who received which facts: derived from stored credit checks, plus sharing receipts.

Credit checks are not copied: a check's hits are already stored per subject
(`measures.CheckSubject`, written only where a record or a list entry was found), and its
client or department is on the check. One query per event finds every check of the
subjects it touches, however many. Sharing reads leave one `SharingReceipt` row per
(recipient, subject), upserted by the sharing read path (`records.signals.records_shared`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from credit.checks.models import CheckSubject
from credit.core.actors import Actor
from credit.notices.models import Recipient, SharingReceipt

# Recipient keys: ("client", id) or ("department", id).
Key = tuple[str, int]


def key_of_actor(actor: Actor) -> Key | None:
    """The recipient an actor's reads count for: its client, else its department."""
    if actor.client is not None:
        return ("client", actor.client.pk)
    if actor.department_id is not None:
        return ("department", actor.department_id)
    return None


def recipients_for(keys: set[Key]) -> dict[Key, int]:
    """Recipient ids for keys, creating missing rows (set-based: two statements)."""
    if not keys:
        return {}
    clients = {i for kind, i in keys if kind == "client"}
    departments = {i for kind, i in keys if kind == "department"}
    Recipient.objects.bulk_create(
        [Recipient(client_id=i) for i in clients]
        + [Recipient(department_id=i) for i in departments],
        ignore_conflicts=True,
    )
    found: dict[Key, int] = {}
    for pk, client_id, department_id in Recipient.objects.filter(
        Q(client_id__in=clients) | Q(department_id__in=departments)
    ).values_list("pk", "client_id", "department_id"):
        found[("client", client_id) if client_id else ("department", department_id)] = pk
    return found


def record_sharing_read(actor: Actor, subject_id: int, at: dt.datetime | None = None) -> None:
    """Remember that the actor's system or department received the subject's shared records
    (one upsert; receivers of the `records_shared` signal)."""
    key = key_of_actor(actor)
    if key is None:
        return
    recipient_id = recipients_for({key})[key]
    at = at or timezone.now()
    SharingReceipt.objects.bulk_create(
        [SharingReceipt(recipient_id=recipient_id, subject_id=subject_id, first_at=at, last_at=at)],
        update_conflicts=True,
        unique_fields=["recipient", "subject"],
        update_fields=["last_at"],
    )


@dataclass
class Receipt:
    """What one recipient received of one subject: checks (id, time) and sharing reads."""

    checks: list[tuple[int, dt.datetime]] = field(default_factory=list)
    shared_last_at: dt.datetime | None = None

    def check_ids_showing(
        self, since: dt.datetime | None, first_day: dt.date | None, last_day: dt.date | None
    ) -> list[int]:
        """The checks that could have shown a fact stored at `since` and shown to checks
        from `first_day` to `last_day` (None: open)."""
        out = []
        for check_id, at in self.checks:
            if since is not None and at < since:
                continue
            day = timezone.localdate(at)
            if (first_day and day < first_day) or (last_day and day > last_day):
                continue
            out.append(check_id)
        return sorted(out)

    def shared_since(self, since: dt.datetime | None) -> bool:
        return self.shared_last_at is not None and (since is None or self.shared_last_at >= since)


def receipts_of(subject_ids, *, lists: bool, until: dt.datetime) -> dict[int, dict[Key, Receipt]]:
    """Per subject, per recipient: what was received up to `until`.

    `lists` picks the checks that showed list entries rather than negative records.
    """
    subject_ids = list(subject_ids)
    out: dict[int, dict[Key, Receipt]] = defaultdict(lambda: defaultdict(Receipt))
    if not subject_ids:
        return out
    found = Q(black_count__gt=0) | Q(red_count__gt=0) if lists else Q(record_count__gt=0)
    rows = (
        CheckSubject.objects.filter(found, subject_id__in=subject_ids)
        .filter(check_run__created_at__lte=until)
        .values_list(
            "subject_id",
            "check_run_id",
            "check_run__created_at",
            "check_run__client_id",
            "check_run__department_id",
        )
    )
    for subject_id, check_id, at, client_id, department_id in rows.iterator(chunk_size=5000):
        if client_id:
            key: Key = ("client", client_id)
        elif department_id:
            key = ("department", department_id)
        else:
            continue
        out[subject_id][key].checks.append((check_id, at))
    shared = SharingReceipt.objects.filter(subject_id__in=subject_ids, first_at__lte=until)
    for subject_id, last_at, client_id, department_id in shared.values_list(
        "subject_id", "last_at", "recipient__client_id", "recipient__department_id"
    ):
        key = ("client", client_id) if client_id else ("department", department_id)
        out[subject_id][key].shared_last_at = last_at
    return out
