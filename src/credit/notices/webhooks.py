"""Pushing notices to a client's webhook: signed, in order, retried with backoff.

Each recipient's notices go out one at a time in `seq` order; the next waits while the
current one fails (it is retried after 30 s, 1, 2, 4 … minutes, at most 6 hours), so a
receiver never sees them reordered and never misses one. A crash after a POST and before
the bookkeeping sends that notice again: receivers drop duplicates by notice id.

Signature: `X-Credit-Timestamp` (Unix seconds) and `X-Credit-Signature: sha256=<hex>`,
HMAC-SHA256 with the key given at registration over `<timestamp>.<body bytes>`.

SSRF guard (`check_url`): only http and https; no user/password in the URL; and the host
must either be on `CREDIT_NOTICE_WEBHOOK_ALLOWED_HOSTS` (names, `*.suffix`, or networks in
CIDR form) or resolve only to public addresses (no loopback, private, link-local,
reserved or multicast ones). Checked on registration and again before every POST (the
name may resolve differently later); redirects are never followed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import logging
import socket
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from credit.core.errors import ServiceError
from credit.core.fieldcrypto import decrypt_id
from credit.notices.models import DeliveryAttempt, Notice, Recipient

log = logging.getLogger(__name__)

FIRST_RETRY = dt.timedelta(seconds=30)
LAST_RETRY = dt.timedelta(hours=6)
LEASE = dt.timedelta(minutes=5)
# Notices one deliverer sends to one recipient before letting the others have a turn.
BURST = 100
# Recipients whose pushes share one bookkeeping transaction.
GROUP = 50


def _timeout() -> float:
    return max(float(getattr(settings, "CREDIT_NOTICE_WEBHOOK_TIMEOUT", 5)), 1.0)


def _allowed() -> list[str]:
    return list(getattr(settings, "CREDIT_NOTICE_WEBHOOK_ALLOWED_HOSTS", []))


def backoff(failures: int) -> dt.timedelta:
    return min(FIRST_RETRY * (2 ** max(failures - 1, 0)), LAST_RETRY)


# --- the address -------------------------------------------------------------------------


def _bad(message: str) -> ServiceError:
    return ServiceError("bad_webhook_url", f"回调地址不可用：{message}", status=400)


def _on_allow_list(host: str, addresses: list[ipaddress._BaseAddress]) -> bool:
    for entry in _allowed():
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry.startswith("*.") and (host == entry[2:] or host.endswith(entry[1:])):
            return True
        if entry == host:
            return True
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            continue
        if addresses and all(a in network for a in addresses):
            return True
    return False


def _resolve(host: str, port: int) -> list[ipaddress._BaseAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        raise _bad("主机名无法解析") from None
    return sorted({ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}, key=str)


def check_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of an acceptable push address; else a Chinese refusal."""
    if len(url) > 500:
        raise _bad("长度不能超过 500 个字符")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _bad("格式不正确") from None
    if parts.scheme not in ("http", "https"):
        raise _bad("只支持 http 或 https 地址")
    if parts.username or parts.password:
        raise _bad("地址中不能包含用户名或密码")
    host = (parts.hostname or "").lower()
    if not host:
        raise _bad("缺少主机名")
    if any(ord(ch) < 33 for ch in url):
        raise _bad("不能包含空白或控制字符")
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = _resolve(host, port)
    if not _on_allow_list(host, addresses):
        for address in addresses:
            if not address.is_global or address.is_multicast:
                raise _bad(
                    "不能指向内网、本机或保留地址（如确需使用，请由信用办加入回调地址白名单）"
                )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return parts.scheme, host, port, path


# --- one POST ---------------------------------------------------------------------------


def body_of(notice: Notice) -> dict:
    """A notice as the pull API and the webhook send it."""
    return {
        "id": str(notice.uid),
        "cursor": notice.seq,
        "time": notice.created_at.isoformat(),
        "kind": notice.action,
        "kind_label": notice.action_label,
        "changed_at": notice.changed_at.isoformat(),
        "fact": {
            "type": notice.fact_kind,
            "dataset": notice.dataset,
            "dataset_name": notice.dataset_name,
            "document_number": notice.document_number,
            "subject_id": notice.subject_public_id,
            "subject_name": notice.subject_name,
        },
        "change": notice.change,
        "via": notice.via,
        "check_ids": notice.check_ids,
    }


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def _post(url: str, secret: str, notice: Notice) -> tuple[int | None, str]:
    """(status code, error) of one POST; never raises for the receiver's failures."""
    try:
        scheme, host, port, path = check_url(url)
    except ServiceError as exc:
        return None, exc.message
    body = orjson.dumps(body_of(notice))
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "credit-benxi-notices/1",
        "X-Credit-Notice-Id": str(notice.uid),
        "X-Credit-Timestamp": timestamp,
        "X-Credit-Signature": sign(secret, timestamp, body),
    }
    conn_class = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    conn = conn_class(host, port, timeout=_timeout())
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(65536)
        return response.status, "" if 200 <= response.status < 300 else response.reason[:200]
    except (OSError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    finally:
        conn.close()


# --- delivering a recipient's queue -------------------------------------------------------


def _take(recipient_ids: list[int], now: dt.datetime) -> list[Recipient]:
    """Lease the recipients that have notices due and no other deliverer (one short
    transaction, so no row lock is kept over HTTP and new notices are written meanwhile)."""
    due = (
        ~Q(webhook_url="")
        & Q(delivered_seq__lt=F("last_seq"))
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    )
    with transaction.atomic():
        taken = list(
            Recipient.objects.select_for_update(skip_locked=True)
            .filter(due, pk__in=recipient_ids)
            .order_by("pk")
        )
        if taken:
            Recipient.objects.filter(pk__in=[r.pk for r in taken]).update(lease_until=now + LEASE)
    return taken


def deliver(recipient_id: int, now: dt.datetime | None = None) -> dict[str, int]:
    """Send one recipient's due notices in order (see `deliver_many`)."""
    return deliver_many([recipient_id], now)


def deliver_many(recipient_ids: list[int], now: dt.datetime | None = None) -> dict[str, int]:
    """Send each recipient's due notices in order, stopping a recipient at its first
    failure. The POSTs' log rows and every recipient's progress are written in one
    transaction at the end, which also gives the leases back: two commits for the whole
    group, not two per notice (a commit costs ~10 ms on a busy disk). A crash before that
    commit sends the group's notices again, which receivers drop by notice id."""
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0}
    taken = _take(list(recipient_ids), now)
    if not taken:
        return counts
    attempts: list[DeliveryAttempt] = []
    again: list[int] = []
    retries: list[tuple[int, dt.datetime]] = []
    try:
        for recipient in taken:
            secret = decrypt_id(recipient.webhook_secret)
            pending = list(
                Notice.objects.filter(
                    recipient_id=recipient.pk, seq__gt=recipient.delivered_seq
                ).order_by("seq")[:BURST]
            )
            failed = False
            for notice in pending:
                started = time.perf_counter()
                status, error = _post(recipient.webhook_url, secret, notice)
                ok = status is not None and 200 <= status < 300
                attempts.append(
                    DeliveryAttempt(
                        recipient_id=recipient.pk,
                        notice=notice,
                        at=timezone.now(),
                        url=recipient.webhook_url[:500],
                        ok=ok,
                        status_code=status,
                        error=error[:500],
                        elapsed_ms=int((time.perf_counter() - started) * 1000),
                    )
                )
                if not ok:
                    recipient.failures += 1
                    recipient.next_attempt_at = now + backoff(recipient.failures)
                    retries.append((recipient.pk, recipient.next_attempt_at))
                    counts["failed"] += 1
                    failed = True
                    break
                recipient.delivered_seq = notice.seq
                recipient.failures = 0
                recipient.next_attempt_at = None
                counts["sent"] += 1
            if len(pending) == BURST and not failed:
                again.append(recipient.pk)
    finally:
        with transaction.atomic():
            DeliveryAttempt.objects.bulk_create(attempts, batch_size=1000)
            for recipient in taken:
                Recipient.objects.filter(pk=recipient.pk).update(
                    delivered_seq=recipient.delivered_seq,
                    failures=recipient.failures,
                    next_attempt_at=recipient.next_attempt_at,
                    lease_until=None,
                )
    for recipient_id, when in retries:
        _schedule_retry(recipient_id, when)
    if again:
        push_on_commit(again)
    return counts


def due_recipients(now: dt.datetime) -> list[int]:
    return list(
        Recipient.objects.exclude(webhook_url="")
        .filter(delivered_seq__lt=F("last_seq"))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _workers() -> int:
    return max(int(getattr(settings, "CREDIT_NOTICE_PUSH_WORKERS", 4)), 1)


def deliver_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Every recipient with notices waiting whose retry time has come (the periodic job).

    Recipients are independent (order is kept per recipient, by its lease): groups of
    them are pushed by a few threads at once, since a push mostly waits on the receiver.
    """
    now = now or timezone.now()
    due = due_recipients(now)
    counts = {"recipients": len(due), "sent": 0, "failed": 0}
    groups = [due[i : i + GROUP] for i in range(0, len(due), GROUP)]
    if _workers() > 1 and len(groups) > 1 and not connection.in_atomic_block:
        with ThreadPoolExecutor(max_workers=_workers()) as pool:
            results = list(pool.map(lambda ids: _deliver_in_thread(ids, now), groups))
    else:
        results = [deliver_many(ids, now) for ids in groups]
    for got in results:
        counts["sent"] += got["sent"]
        counts["failed"] += got["failed"]
    return counts


def _deliver_in_thread(recipient_ids: list[int], now: dt.datetime) -> dict[str, int]:
    try:
        return deliver_many(recipient_ids, now)
    finally:
        # Each thread has its own connection; close it, or it outlives the pool.
        connection.close()


def push_on_commit(recipient_ids: Iterable[int]) -> None:
    """Queue the push of these recipients' new notices once the notices are committed."""
    ids = sorted(set(recipient_ids))

    def enqueue() -> None:
        from credit.notices.tasks import push_task

        try:
            push_task.enqueue(ids)
        except Exception:
            # The notices are stored; the periodic job sends them.
            log.exception("could not queue the push of notices")

    transaction.on_commit(enqueue)


def _schedule_retry(recipient_id: int, when: dt.datetime | None) -> None:
    """Queue the retry for its time where the task backend can defer; elsewhere the
    periodic job (`notices.deliver_due`) picks it up."""
    from credit.notices.tasks import push_task

    if when is None or not push_task.get_backend().supports_defer:
        return
    try:
        push_task.using(run_after=when).enqueue([recipient_id])
    except Exception:
        log.exception("could not queue the retry of notices")
