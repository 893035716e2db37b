"""Rate limit of every anonymous request, shared by all server workers.

One middleware decides for every request that reaches Django (static files are answered
by WhiteNoise before it; the credit check's own WSGI entry serves token holders only):

- a signed-in staff member (session) is not limited: the console audits what they do and
  the login lockout guards the way in;
- a request to the API carrying a bearer token, outside /api/v1/public/, counts against
  that token (CREDIT_RATE_LIMIT_TOKEN_PER_MINUTE; 0: no limit) — a calling system's
  volume is agreed with the credit office, and a forged token is refused by the API;
- every other request is anonymous and counts against its client address, in the bucket
  "api" (JSON 429) under /api/ and "portal" (Chinese HTML 429) elsewhere:
  CREDIT_RATE_LIMIT_PER_MINUTE (0: no limit).

A fixed one-minute window per key. The counts live in Redis when CREDIT_REDIS_URL is set
(INCR + EXPIRE in one round trip), else in the database table core_ratecounter (one
atomic INSERT … ON CONFLICT DO UPDATE … RETURNING per request, on SQLite and PostgreSQL
alike): either way one count across processes and hosts. The per-process memory cache
used before let every worker admit the whole limit again.

The client is REMOTE_ADDR: behind a reverse proxy, the proxy must set it (granian/nginx
real-IP), since trusting a client-supplied X-Forwarded-For would let anyone escape the limit.
When the store fails (Redis down, database connection lost), the request is let through
and the failure logged: the limit protects the site, it must not become the outage.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from dataclasses import dataclass
from functools import lru_cache

import redis
from django.conf import settings
from django.core.signals import setting_changed
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
# One request in this many also deletes counters of windows that have passed.
_SWEEP_ONE_IN = 500
PUBLIC_API_PREFIX = "/api/v1/public/"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0
    limit: int = 0


@dataclass(frozen=True)
class Bucket:
    key: str
    limit: int
    json: bool


class DatabaseStore:
    """Counts in core_ratecounter: one row per key, reset when a new window starts."""

    # A late request of the previous window (another worker's clock) counts in the
    # current window instead of resetting it.
    SQL = (
        "INSERT INTO core_ratecounter (key, window_start, hits) VALUES (%s, %s, 1) "
        "ON CONFLICT (key) DO UPDATE SET "
        "hits = CASE WHEN excluded.window_start > core_ratecounter.window_start THEN 1 "
        "ELSE core_ratecounter.hits + 1 END, "
        "window_start = CASE WHEN excluded.window_start > core_ratecounter.window_start "
        "THEN excluded.window_start ELSE core_ratecounter.window_start END "
        "RETURNING hits"
    )

    def hit(self, key: str, window: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(self.SQL, [key, window])
            (hits,) = cursor.fetchone()
            if random.randrange(_SWEEP_ONE_IN) == 0:
                cursor.execute("DELETE FROM core_ratecounter WHERE window_start < %s", [window])
        return hits


class RedisStore:
    """Counts in Redis under `prefix`; keys expire one window after their own ends."""

    def __init__(self, url: str, prefix: str):
        self.client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self.prefix = prefix

    def hit(self, key: str, window: int) -> int:
        name = f"{self.prefix}{key}:{window}"
        pipe = self.client.pipeline(transaction=False)
        pipe.incr(name)
        pipe.expire(name, 2 * WINDOW_SECONDS)
        hits, _ = pipe.execute()
        return int(hits)


@lru_cache(maxsize=4)
def _redis_store(url: str, prefix: str) -> RedisStore:
    return RedisStore(url, prefix)


def store() -> DatabaseStore | RedisStore:
    url = getattr(settings, "CREDIT_REDIS_URL", "")
    if url:
        return _redis_store(url, settings.CREDIT_RATE_LIMIT_KEY_PREFIX)
    return DatabaseStore()


def _forget(**kwargs) -> None:
    _redis_store.cache_clear()


setting_changed.connect(_forget, weak=False)


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def bucket_for(request) -> Bucket | None:
    """Which count this request goes to, or None when it is not limited."""
    path = request.path_info
    if path.startswith(settings.STATIC_URL):
        return None
    is_api = path.startswith("/api/")
    if is_api and not path.startswith(PUBLIC_API_PREFIX):
        auth = request.headers.get("Authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            digest = hashlib.sha256(token.strip().encode()).hexdigest()[:32]
            return Bucket(f"token:{digest}", int(settings.CREDIT_RATE_LIMIT_TOKEN_PER_MINUTE), True)
    elif not is_api and settings.SESSION_COOKIE_NAME in request.COOKIES:
        # Only a request with a session cookie can be signed in; asking the others would
        # touch the session and mark every anonymous page "Vary: Cookie" (uncacheable).
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
    name = "api" if is_api else "portal"
    return Bucket(
        f"{name}:{client_address(request)}", int(settings.CREDIT_RATE_LIMIT_PER_MINUTE), is_api
    )


# The clock the windows are counted by (a test fixes it: requests may straddle a minute).
_clock = time.time


def check(key: str, limit: int, now: float | None = None) -> Verdict:
    """Count one request under `key`; refuse it once the window's `limit` is used."""
    if limit <= 0:
        return Verdict(True)
    now = _clock() if now is None else now
    window = int(now // WINDOW_SECONDS)
    try:
        hits = store().hit(key, window)
    except (DatabaseError, RedisError) as exc:
        logger.warning("rate limit store unavailable, request let through: %s", exc)
        return Verdict(True)
    if hits <= limit:
        return Verdict(True)
    return Verdict(False, max(1, int((window + 1) * WINDOW_SECONDS - now) + 1), limit)


def too_many_requests(request, verdict: Verdict, *, as_json: bool):
    message = f"访问过于频繁，请在 {verdict.retry_after} 秒后重试"
    if as_json:
        response = JsonResponse(
            {"code": "rate_limited", "message": message},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = render(
            request,
            "portal/429.html",
            {"retry_after": verdict.retry_after, "limit": verdict.limit},
            status=429,
        )
    response["Retry-After"] = str(verdict.retry_after)
    return response


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bucket = bucket_for(request)
        if bucket is not None:
            verdict = check(bucket.key, bucket.limit)
            if not verdict.allowed:
                return too_many_requests(request, verdict, as_json=bucket.json)
        return self.get_response(request)
