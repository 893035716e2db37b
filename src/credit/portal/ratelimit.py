"""Per-client rate limit of the public search and profile pages and the public API.

A fixed one-minute window per client address and bucket, counted in Django's cache
(Redis when CREDIT_REDIS_URL is set, so the limit holds across server workers; the
per-process memory cache otherwise, where each worker counts on its own). The client is
REMOTE_ADDR: behind a reverse proxy, the proxy must set it (granian/nginx real-IP), since
trusting a client-supplied X-Forwarded-For would let anyone escape the limit.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def client_key(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def check(request, bucket: str = "portal") -> Verdict:
    """Count one request of this client; refuse it when the minute's allowance is used."""
    limit = int(settings.CREDIT_RATE_LIMIT_PER_MINUTE)
    if limit <= 0:
        return Verdict(True)
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"rl:{bucket}:{client_key(request)}:{window}"
    # add() is atomic and a no-op when the key exists; incr() is atomic on Redis and locmem.
    cache.add(key, 0, WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS + 5)
        count = 1
    if count <= limit:
        return Verdict(True)
    return Verdict(False, max(1, int((window + 1) * WINDOW_SECONDS - now) + 1))


def too_many_requests(request, verdict: Verdict):
    response = render(
        request,
        "portal/429.html",
        {"retry_after": verdict.retry_after, "limit": settings.CREDIT_RATE_LIMIT_PER_MINUTE},
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


def rate_limited(bucket: str = "portal"):
    """View decorator: a Chinese 429 page with Retry-After once the client exceeds its limit."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            verdict = check(request, bucket)
            if not verdict.allowed:
                return too_many_requests(request, verdict)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
