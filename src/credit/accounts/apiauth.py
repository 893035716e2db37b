"""Who is calling the API: a department system with a bearer token, or a staff session.

Both set `request.actor` (a `credit.core.actors.Actor`) and `request.scopes`; handlers
check scopes with `require_scope`. Every authentication failure looks the same to the
caller, so it cannot learn which key ids exist or why a token was refused — except an
expired token whose secret matched: its holder already has it, and is told to get a new one.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from credit.accounts import tokens
from credit.accounts.models import ApiToken
from credit.accounts.permissions import ROLE_SCOPES, scopes_of_user
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied

UNAUTHORIZED_BODY = {"code": "unauthorized", "message": "身份认证失败"}
# Same code as every refusal (callers that test the code keep working); said only to a
# caller whose secret matched, so it reveals nothing to someone guessing tokens.
EXPIRED_BODY = {"code": "unauthorized", "message": "身份认证失败：令牌已过期，请联系信用办重新签发"}

__all__ = ["ROLE_SCOPES", "api_auth", "require_scope"]


def _request_id(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


def bearer_identity(token: str, request_id: str = "") -> tuple[ApiToken, Actor, frozenset] | None:
    """(token row, actor, scopes) for a valid bearer token, its use recorded; else None.

    Shared by the ninja auth class and the credit check's own WSGI entry
    (`credit.checks.check_entry`), so both accept and refuse exactly the same tokens.
    """
    row = tokens.resolve(token)
    if row is None:
        return None
    return _identity(row, request_id)


def _identity(row: ApiToken, request_id: str) -> tuple[ApiToken, Actor, frozenset]:
    tokens.touch(row)
    return row, Actor.for_client(row.client, request_id), frozenset(row.client.scopes)


def unauthorized_body(request: HttpRequest) -> dict:
    """The 401 answer: why only when a token proved its secret but has expired."""
    if getattr(request, "auth_refusal", "") == tokens.EXPIRED:
        return EXPIRED_BODY
    return UNAUTHORIZED_BODY


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cbx_<key_id>_<secret>`."""

    def authenticate(self, request: HttpRequest, token: str):
        row, why = tokens.check(token)
        if row is None:
            # Read by the API's 401 handler to say why.
            request.auth_refusal = why
            return None
        row, actor, scopes = _identity(row, _request_id(request))
        request.api_client = row.client
        request.api_token = row
        request.actor = actor
        request.scopes = scopes
        return row.client


class StaffSessionAuth(SessionAuth):
    """A logged-in staff user (cookie session, CSRF-checked for unsafe methods)."""

    def __call__(self, request: HttpRequest):
        # Without a session cookie there is nobody to authenticate and nothing to forge:
        # a system whose bearer token failed must get the API's 401, not a CSRF 403.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        request.api_client = None
        request.actor = Actor.for_user(user, _request_id(request))
        request.scopes = scopes_of_user(user)
        return user


token_auth = TokenAuth()
django_session_auth = StaffSessionAuth()
api_auth = [token_auth, django_session_auth]


def has_scope(request: HttpRequest, scope: str) -> bool:
    return scope in getattr(request, "scopes", frozenset())


def require_scope(request: HttpRequest, scope: str) -> None:
    if not has_scope(request, scope):
        raise PermissionDenied(f"该接口需要权限：{scope}", code="scope_required")
