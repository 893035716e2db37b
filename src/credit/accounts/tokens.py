"""API bearer tokens: `cbx_<key_id>_<secret>`; only HMAC-SHA256(key, secret) is stored.

`resolve` does the same work for an unknown key id as for a known one that is not in this
process's short-lived cache (see `_recent`), so response time tells a caller little about
which key ids are real: only that a key id it has guessed was used in the last second.
"""

from __future__ import annotations

import hmac
import secrets
import time
from datetime import datetime, timedelta
from functools import cache

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.db.models import JSONField
from django.utils import timezone

from credit.accounts import options
from credit.accounts.models import ApiClient, ApiToken, Department
from credit.core.pgcursor import server_cursor

# A hash of a secret nobody holds, compared against when the key id is unknown.
_DUMMY_HASH = "0" * 64


def hash_secret(secret: str) -> str:
    key = settings.CREDIT_TOKEN_HASH_KEY.encode()
    return hmac.digest(key, secret.encode(), "sha256").hex()  # one-shot: no HMAC object


def new_key_id() -> str:
    return secrets.token_hex(6)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def format_token(key_id: str, secret: str) -> str:
    return f"{options.TOKEN_PREFIX}_{key_id}_{secret}"


def parse_token(token: str) -> tuple[str, str] | None:
    # The key id is hex, so the first two underscores are separators; the secret may hold more.
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != options.TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def _fields(model) -> list:
    return list(model._meta.concrete_fields)


@cache
def _lookup_sql() -> str:
    columns = ", ".join(
        f"{alias}.{field.column}"
        for model, alias in ((ApiToken, "t"), (ApiClient, "c"), (Department, "d"))
        for field in _fields(model)
    )
    return (
        f"SELECT {columns} FROM {ApiToken._meta.db_table} t"
        f" JOIN {ApiClient._meta.db_table} c ON c.id = t.client_id"
        f" JOIN {Department._meta.db_table} d ON d.id = c.department_id"
        " WHERE t.key_id = %s::text"
    )


def _instance(model, values: tuple):
    fields = _fields(model)
    values = [
        orjson.loads(value) if isinstance(field, JSONField) and isinstance(value, str) else value
        for field, value in zip(fields, values, strict=True)
    ]
    return model.from_db(connection.alias, [f.attname for f in fields], values)


def _lookup(key_id: str) -> ApiToken | None:
    """The token with its client and department loaded, like select_related would give.

    Every API call pays this lookup, so on PostgreSQL it is one hand-written statement,
    bound on the server and prepared per connection (no ORM compile, no re-planning),
    read again once the process's cached row (`_recent`) has expired.
    """
    if connection.vendor != "postgresql":
        return (
            ApiToken.objects.select_related("client", "client__department")
            .filter(key_id=key_id)
            .first()
        )
    with server_cursor() as cursor:
        cursor.execute(_lookup_sql(), (key_id,))
        found = cursor.fetchone()
    if found is None:
        return None
    # The row was just read, so reusing the objects built from an identical row changes
    # nothing the caller sees (a revoked or expired token reads differently) and saves
    # building three model instances per call.
    row = _built.get(found)
    if row is None:
        n_token, n_client = len(_fields(ApiToken)), len(_fields(ApiClient))
        row = _instance(ApiToken, found[:n_token])
        client = _instance(ApiClient, found[n_token : n_token + n_client])
        client.department = _instance(Department, found[n_token + n_client :])
        row.client = client
        if len(_built) >= _BUILT_MAX:
            _built.clear()
        _built[found] = row
    return row


# Instances per exact database row; bounded, and a changed row is simply a new key.
_built: dict[tuple, ApiToken] = {}
_BUILT_MAX = 256


# key id -> (active token row, monotonic time until which it may be reused). Reading the
# token, its client and department cost as much database and Python time as the credit
# check it authorises, so an active row is reused for a moment in this process
# (CREDIT_TOKEN_CACHE_SECONDS, default 1 s). The secret is compared and the expiry checked on every
# call; revoking or disabling through the platform (services or admin) forgets the row here at once, and in
# other server processes within the cache time. Only active rows are kept: a refused
# token is read again on every call, and a new token works at once.
_recent: dict[str, tuple[ApiToken, float]] = {}
_RECENT_MAX = 1024


def _cached_lookup(key_id: str) -> ApiToken | None:
    ttl = settings.CREDIT_TOKEN_CACHE_SECONDS
    if ttl > 0:
        hit = _recent.get(key_id)
        if hit is not None and hit[1] > time.monotonic():
            return hit[0]
    row = _lookup(key_id)
    if ttl > 0 and row is not None and row.is_active and row.client.is_active:
        if len(_recent) >= _RECENT_MAX:
            _recent.clear()
        _recent[key_id] = (row, time.monotonic() + ttl)
    return row


def forget_saved(sender, instance, **kwargs) -> None:
    """post_save of an ApiClient or ApiToken: its cached rows are stale. Forgotten now and
    again after the save commits, so that no request re-reads and caches the row still
    committed in between."""

    def forget() -> None:
        if isinstance(instance, ApiToken):
            _recent.pop(instance.key_id, None)
            return
        for key_id, (row, _until) in list(_recent.items()):
            if row.client_id == instance.pk:
                _recent.pop(key_id, None)

    forget()
    transaction.on_commit(forget, using=kwargs.get("using"))


# Why a token that proved its secret was refused. Only said to a caller holding the secret:
# it then learns nothing about key ids, and a calling system learns it must ask for a new one.
EXPIRED = "expired"


def check(token: str, now: datetime | None = None) -> tuple[ApiToken | None, str]:
    """(the active token that `token` proves, ""), or (None, why): why is EXPIRED for a
    token whose secret matched but whose lifetime has ended, else ""."""
    now = now or timezone.now()
    parsed = parse_token(token)
    key_id, secret = parsed if parsed else ("", token)
    row = _cached_lookup(key_id) if key_id else None
    expected = row.secret_hash if row is not None else _DUMMY_HASH
    matches = hmac.compare_digest(hash_secret(secret), expected)
    if row is None or not matches:
        return None, ""
    if not row.is_active or not row.client.is_active:
        return None, ""
    if row.expires_at is not None and row.expires_at <= now:
        return None, EXPIRED
    return row, ""


def resolve(token: str, now: datetime | None = None) -> ApiToken | None:
    """The active token (with its active client) that `token` proves, else None."""
    return check(token, now)[0]


def default_expiry(now: datetime | None = None) -> datetime | None:
    """When a token issued now expires: CREDIT_API_TOKEN_DAYS later (0: never)."""
    days = settings.CREDIT_API_TOKEN_DAYS
    if days <= 0:
        return None
    return (now or timezone.now()) + timedelta(days=days)


def touch(row: ApiToken, now: datetime | None = None) -> None:
    """Record use, at most once per interval, without a read-modify-write race."""
    now = now or timezone.now()
    if row.last_used_at is not None and now - row.last_used_at < options.TOKEN_TOUCH_INTERVAL:
        return
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    row.last_used_at = now


def expiring(now: datetime | None = None, days: int | None = None):
    """Usable-looking tokens that expire within `days` (default CREDIT_API_TOKEN_WARN_DAYS),
    soonest first; ones already past their expiry stay listed until revoked, as the system
    using them has stopped working and needs a new token."""
    now = now or timezone.now()
    days = settings.CREDIT_API_TOKEN_WARN_DAYS if days is None else days
    return (
        ApiToken.objects.filter(
            is_active=True,
            client__is_active=True,
            expires_at__isnull=False,
            expires_at__lte=now + timedelta(days=days),
        )
        .select_related("client", "client__department")
        .order_by("expires_at", "pk")
    )
