"""Response headers a deployment needs that Django's SecurityMiddleware does not set.

Permissions-Policy turns off browser features no page uses (camera, location, payment…),
so injected script could not use them either. The Server header replaces the web server's
banner: granian always sends `server: granian` and has no option to omit it, but when the
application sends its own Server header granian sends that one instead.
"""

from __future__ import annotations

from django.conf import settings


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CREDIT_PERMISSIONS_POLICY
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        response.headers["Server"] = settings.CREDIT_SERVER_HEADER
        return response
