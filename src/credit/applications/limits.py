"""The per-address limit on submitting applications (objections, repairs, special reports),
shared by the portal forms and the public API: stricter than the portal's read limit."""

from __future__ import annotations

from django.conf import settings

from credit.core import ratelimit


def refused(request, *, as_json: bool):
    """The 429 answer when this address has submitted too often, or None when allowed."""
    verdict = ratelimit.check(
        f"application-submit:{ratelimit.client_address(request)}",
        int(settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE),
    )
    if verdict.allowed:
        return None
    return ratelimit.too_many_requests(request, verdict, as_json=as_json)
