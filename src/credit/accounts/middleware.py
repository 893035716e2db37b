"""Forced password change: a user whose password must change reaches nothing else.

Applies to every page a session reaches (console and admin alike); the API authenticates
with tokens, not sessions, and is not affected.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from credit.accounts.passwords import change_required

# The change page itself, leaving, and what those pages load.
EXEMPT_PREFIXES = ("/console/password/", "/console/logout/", "/admin/logout/", "/static/")


class PasswordPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The path first: the API and static files never load the session for this.
        if (
            not request.path.startswith(EXEMPT_PREFIXES)
            and not request.path.startswith("/api/")
            and getattr(request, "user", None) is not None
            and change_required(request.user)
        ):
            target = reverse("console:password")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)
