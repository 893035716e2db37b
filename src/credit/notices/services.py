"""Writes of the notices app: notices for a fact event, webhook registration.

`notify(event)` is the facts outbox subscriber (registered in `apps.py`). For each fact the
event names it finds every recipient that received the fact (`receipts`), and writes one
notice per (recipient, fact), numbered in the recipient's own sequence. The whole of it is
a handful of statements whatever the number of checks and recipients.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from credit.audit import services as audit
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.core.fieldcrypto import encrypt_id
from credit.facts import LIST_ENTRY, RECORD
from credit.facts.models import FactEvent
from credit.lists.models import ListEntry
from credit.notices import permissions, receipts, webhooks
from credit.notices.models import Notice, Recipient
from credit.records.models import Record

Action = FactEvent.Action

# The changes a receiver must hear of (issue 13): the fact stops being usable, changes, or
# gets (or loses) its dispute marker. Publication and new entries are not revocations.
NOTICE_ACTIONS = {
    Action.WITHDRAWN: "撤回",
    Action.WINDOW_ENDED: "公示期满，停止公示和共享",
    Action.REMOVED: "移出名单",
    Action.CORRECTED: "更正",
    Action.REPAIRED: "信用修复",
    Action.DISPUTED: "被提出异议（异议标注）",
    Action.UNDISPUTED: "异议处理完毕（撤销异议标注）",
}


@dataclass(frozen=True)
class Fact:
    kind: str
    id: int
    subject_id: int
    subject_public_id: str
    subject_name: str
    dataset: str
    dataset_name: str
    document_number: str
    created_at: dt.datetime
    # The days a credit check could show the fact: a record until its publication ended
    # (the sharing rule), a list entry within its period.
    shown_from: dt.date | None
    shown_until: dt.date | None


def _facts(event: FactEvent) -> list[Fact]:
    ids = event.fact_ids or []
    if not ids:
        return []
    if event.kind == RECORD:
        rows = Record.objects.filter(pk__in=ids).values_list(
            "pk",
            "subject_id",
            "subject__public_id",
            "subject__name",
            "dataset__code",
            "dataset__name",
            "doc_number",
            "created_at",
            "public_from",
            "public_until",
        )
    elif event.kind == LIST_ENTRY:
        rows = ListEntry.objects.filter(pk__in=ids).values_list(
            "pk",
            "subject_id",
            "subject__public_id",
            "subject__name",
            "list_type__code",
            "list_type__name",
            "decision_number",
            "created_at",
            "period_start",
            "period_end",
        )
    else:
        return []
    facts = [Fact(event.kind, *row) for row in rows]
    if event.kind == RECORD:
        # Pending and never-published records are shared (and checked) before their
        # window opens: only the end of publication limits what a check showed.
        facts = [dataclasses.replace(f, shown_from=None) for f in facts]
    return facts


def change_text(action: str, at: dt.datetime, kind: str = RECORD) -> str:
    """ "该记录已于 2026-12-20 撤回": what a receiver is told, and what a check page shows."""
    what = "该名单条目" if kind == LIST_ENTRY else "该记录"
    day = timezone.localdate(at).isoformat()
    return f"{what}已于 {day} {NOTICE_ACTIONS.get(action, FactEvent.Action(action).label)}"


def notify(event: FactEvent) -> int:
    """The outbox subscriber: one notice per (recipient that received a fact, fact).

    Idempotent: notices already written for this event are not written again. Returns the
    number of notices written.
    """
    if event.action not in NOTICE_ACTIONS:
        return 0
    facts = _facts(event)
    if not facts:
        return 0
    by_subject = receipts.receipts_of(
        {f.subject_id for f in facts}, lists=event.kind == LIST_ENTRY, until=event.at
    )
    wanted: list[tuple[receipts.Key, Fact, list[int], str]] = []
    for fact in facts:
        for key, got in by_subject.get(fact.subject_id, {}).items():
            # A check or read before the fact existed did not receive it.
            check_ids = got.check_ids_showing(fact.created_at, fact.shown_from, fact.shown_until)
            shared = got.shared_since(fact.created_at)
            if not check_ids and not shared:
                continue
            via = (
                Notice.Via.BOTH
                if check_ids and shared
                else Notice.Via.CHECK
                if check_ids
                else Notice.Via.SHARING
            )
            wanted.append((key, fact, check_ids, via))
    if not wanted:
        return 0
    with transaction.atomic():
        ids = receipts.recipients_for({key for key, *_ in wanted})
        done = set(
            Notice.objects.filter(event=event).values_list("recipient_id", "fact_kind", "fact_id")
        )
        wanted = [w for w in wanted if (ids[w[0]], w[1].kind, w[1].id) not in done]
        if not wanted:
            return 0
        # Lock the recipients in id order (no deadlock between two writers) and number the
        # notices after each one's last; the lock holds until commit, so numbers commit in
        # order for each recipient.
        recipients = {
            r.pk: r
            for r in Recipient.objects.select_for_update()
            .filter(pk__in={ids[w[0]] for w in wanted})
            .order_by("pk")
            .only("pk", "last_seq", "webhook_url")
        }
        before = {pk: r.last_seq for pk, r in recipients.items()}
        now = timezone.now()
        label = NOTICE_ACTIONS[event.action]
        notices = []
        for key, fact, check_ids, via in sorted(wanted, key=lambda w: (ids[w[0]], w[1].id)):
            recipient = recipients[ids[key]]
            recipient.last_seq += 1
            notices.append(
                Notice(
                    recipient_id=recipient.pk,
                    seq=recipient.last_seq,
                    created_at=now,
                    event_id=event.pk,
                    action=event.action,
                    action_label=label[:40],
                    changed_at=event.at,
                    fact_kind=fact.kind,
                    fact_id=fact.id,
                    dataset=fact.dataset,
                    dataset_name=fact.dataset_name[:200],
                    document_number=fact.document_number[:200],
                    subject_id=fact.subject_id,
                    subject_public_id=fact.subject_public_id,
                    subject_name=fact.subject_name[:200],
                    change=change_text(event.action, event.at, fact.kind),
                    via=via,
                    check_ids=check_ids,
                )
            )
        # One UPDATE per distinct count (almost always one: a notice each), not a CASE per row.
        raised: dict[int, list[int]] = defaultdict(list)
        for recipient in recipients.values():
            raised[recipient.last_seq - before[recipient.pk]].append(recipient.pk)
        for step, pks in raised.items():
            Recipient.objects.filter(pk__in=pks).update(last_seq=F("last_seq") + step)
        Notice.objects.bulk_create(notices, batch_size=1000)
        pushed = [r.pk for r in recipients.values() if r.webhook_url]
        if pushed:
            webhooks.push_on_commit(pushed)
    return len(notices)


# --- webhook registration -----------------------------------------------------------------


def _recipient_of_client(actor: Actor) -> Recipient:
    if actor.client is None:
        raise ServiceError("client_only", "只有接口调用系统可以登记回调地址", status=400)
    key = ("client", actor.client.pk)
    return Recipient.objects.get(pk=receipts.recipients_for({key})[key])


def set_webhook(actor: Actor, url: str, recipient: Recipient | None = None) -> str:
    """Register (or, with an empty url, cancel) the push address of the calling client, or
    of `recipient` for the credit office (admin). Returns the new signing key, shown once;
    "" when cancelled."""
    if recipient is None:
        recipient = _recipient_of_client(actor)
    elif not permissions.can_manage_notices(actor):
        raise PermissionDenied("只有信用办管理员可以为其他系统登记回调地址")
    if not permissions.can_register_webhook(actor):
        raise PermissionDenied("无权登记回调地址")
    url = (url or "").strip()
    if url:
        webhooks.check_url(url)
    secret = secrets.token_urlsafe(32) if url else ""
    with transaction.atomic():
        recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
        before = {"webhook_url": recipient.webhook_url}
        recipient.webhook_url = url
        recipient.webhook_secret = encrypt_id(secret) if secret else ""
        recipient.webhook_since = timezone.now() if url else None
        # Notices written before the registration are pulled, not pushed: a new address
        # would otherwise receive the whole history at once.
        if url and not before["webhook_url"]:
            recipient.delivered_seq = recipient.last_seq
        recipient.failures = 0
        recipient.next_attempt_at = None
        recipient.save(
            update_fields=[
                "webhook_url",
                "webhook_secret",
                "webhook_since",
                "delivered_seq",
                "failures",
                "next_attempt_at",
            ]
        )
        audit.log_change(
            actor,
            "notice_webhook.set" if url else "notice_webhook.cancel",
            "Recipient",
            recipient.pk,
            before=before,
            after={"webhook_url": url},
        )
    return secret


def recipient_for_reader(actor: Actor) -> Recipient | None:
    """The notice stream the pull API reads for the caller (its client, else its
    department); None for a caller with neither."""
    key = receipts.key_of_actor(actor)
    if key is None:
        return None
    return Recipient.objects.get(pk=receipts.recipients_for({key})[key])
