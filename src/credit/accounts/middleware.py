"""Forced password change: a user whose password must change reaches nothing else.

Applies to every staff page (console, admin, catalog); the API authenticates with
tokens, not sessions, and the public portal has no accounts: neither is affected.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from credit.accounts.passwords import change_required

# Pages behind a staff login. The public portal is never checked: reading request.user
# there would load the session and make anonymous answers uncacheable (Vary: Cookie).
STAFF_PREFIXES = ("/console/", "/admin/", "/catalog/")
# The change page itself, and leaving.
EXEMPT_PREFIXES = ("/console/password/", "/console/logout/", "/admin/logout/")


class PasswordPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if (
            path.startswith(STAFF_PREFIXES)
            and not path.startswith(EXEMPT_PREFIXES)
            and getattr(request, "user", None) is not None
            and change_required(request.user)
        ):
            target = reverse("console:password")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)
