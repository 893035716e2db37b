"""The credit check's own WSGI entry: `POST /api/v1/checks` from a department system.

A check by an approval or bidding system is the platform's hottest call, and Django's
request cycle (ten middlewares, URL resolution, django-ninja's auth and parameter
machinery) cost about twice the check itself. This entry sits in front of Django in
`credit.wsgi` and answers that one call with the same parts the ninja route uses —
`apiauth.bearer_identity` for the token, the route's own `CheckIn` schema for the body,
`run_check` for the check, its store and its access-log entry — and the same
response headers the middleware would add.

It answers only what it can answer exactly as Django would; everything else goes to
Django untouched: other paths and methods, session callers, a host not allowed, a body
that is not JSON or too large, a token or scope that fails (Django words the 401/403),
and a body the schema refuses (Django words the 422). tests/checks/test_check_entry.py
sends the same requests both ways and compares the answers.
"""

from __future__ import annotations

import io
import logging
import time
from functools import lru_cache
from http import HTTPStatus

import orjson
from django.conf import settings
from django.core import signals
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections
from django.http.request import split_domain_port, validate_host
from pydantic import ValidationError

from credit.accounts.apiauth import bearer_identity
from credit.audit import context as audit_context
from credit.checks.api import SCOPE, CheckIn
from credit.checks.store import check_answer
from credit.core.errors import ServiceError

PATH = "/api/v1/checks"
logger = logging.getLogger("django.request")


_OK = "200 OK"


def _status_line(status: int) -> str:
    return _OK if status == 200 else f"{status} {HTTPStatus(status).phrase}"


@lru_cache(maxsize=1)
def _security_headers() -> tuple[tuple[str, str], ...]:
    """What SecurityMiddleware and XFrameOptionsMiddleware add to an API answer; read
    again after a setting changes."""
    headers = []
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        policy = settings.SECURE_REFERRER_POLICY
        if not isinstance(policy, str):
            policy = ",".join(policy)
        headers.append(("Referrer-Policy", policy))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    headers.append(("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY").upper()))
    return tuple(headers)


def _hsts_header() -> list[tuple[str, str]]:
    if not settings.SECURE_HSTS_SECONDS:
        return []
    value = f"max-age={settings.SECURE_HSTS_SECONDS}"
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        value += "; includeSubDomains"
    if settings.SECURE_HSTS_PRELOAD:
        value += "; preload"
    return [("Strict-Transport-Security", value)]


def _is_secure(environ) -> bool:
    """As `HttpRequest.is_secure`, including a TLS-terminating proxy's header."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


@lru_cache(maxsize=64)
def _host_allowed(host: str) -> bool:
    """As `HttpRequest.get_host` decides; remembered per host (bounded) until settings change."""
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


def _forget_settings(**kwargs) -> None:
    _host_allowed.cache_clear()
    _security_headers.cache_clear()


setting_changed.connect(_forget_settings, weak=False)


class CheckEntry:
    """WSGI middleware: the lean credit check, and Django for everything else."""

    def __init__(self, django_app):
        self.django_app = django_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.django_app(environ, start_response)
        if settings.CREDIT_RATE_LIMIT_TOKEN_PER_MINUTE > 0:
            return self.django_app(environ, start_response)  # the middleware counts tokens
        secure = _is_secure(environ)
        if settings.SECURE_SSL_REDIRECT and not secure:
            return self.django_app(environ, start_response)  # Django redirects to https
        token = self._bearer_token(environ)
        length = self._content_length(environ) if token is not None else None
        if length is None:
            return self.django_app(environ, start_response)
        db = connections[DEFAULT_DB_ALIAS]
        if settings.DEBUG or _obsolete(db):
            # What request_started does (forget logged queries, drop a connection past
            # CONN_MAX_AGE); the signal costs a tenth of the check, so only when needed.
            signals.request_started.send(sender=self.__class__, environ=environ)
        answer = None
        try:
            answer = self._answer(environ, token, length)
        finally:
            # What request_finished would do after this request (this entry uses no cache).
            if answer is None or answer[0] >= 500 or db.errors_occurred or _obsolete(db):
                signals.request_finished.send(sender=self.__class__)
        if answer is None:
            return self.django_app(environ, start_response)
        status, payload, request_id = answer
        headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(len(payload))),
            *_security_headers(),
            *(_hsts_header() if secure else ()),
            # As LocaleMiddleware marks every answer.
            ("Content-Language", settings.LANGUAGE_CODE),
            ("Vary", "Accept-Language"),
            ("X-Request-ID", request_id),
        ]
        start_response(_status_line(status), headers)
        return [payload]

    @staticmethod
    def _bearer_token(environ) -> str | None:
        # As ninja's HttpBearer reads the header.
        parts = environ.get("HTTP_AUTHORIZATION", "").split(" ")
        if parts[0].lower() != "bearer":
            return None
        if not _host_allowed(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")):
            return None  # Django answers 400 for a host it does not serve
        return " ".join(parts[1:])

    @staticmethod
    def _content_length(environ) -> int | None:
        """The length of a JSON body this entry may read, else None (Django's request)."""
        content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length <= 0 or (limit is not None and length > limit):
            return None
        return length

    def _answer(self, environ, token: str, length: int) -> tuple[int, bytes, str] | None:
        """(status, JSON, request id) for a request this entry owns; None hands it back.
        The token is checked before the body is read, as the ninja route does."""
        # As RequestIdMiddleware: our own id; the caller's only as 客户端请求号.
        request_id = audit_context.new_request_id()
        client_id = audit_context.clean_client_request_id(environ.get("HTTP_X_REQUEST_ID", ""))
        context_token = audit_context.request_id.set(request_id)
        client_token = audit_context.client_request_id.set(client_id)
        try:
            identity = bearer_identity(token, request_id)
            if identity is None or SCOPE not in identity[2]:
                return None
            body = environ["wsgi.input"].read(length)
            # Django gets the body back if the request turns out to be its own.
            environ["wsgi.input"] = io.BytesIO(body)
            try:
                request = CheckIn.model_validate_json(body)
            except ValidationError:
                return None
            try:
                answer = check_answer(
                    identity[1],
                    request.scenario,
                    [subject.model_dump() for subject in request.subjects],
                    purpose=request.purpose,
                )
            except ServiceError as exc:
                error = {"code": exc.code, "message": exc.message}
                return exc.status, orjson.dumps(error), request_id
            return 200, orjson.dumps(answer, option=orjson.OPT_NON_STR_KEYS), request_id
        except Exception:
            logger.exception(
                "Internal Server Error: %s", PATH, extra={"status_code": 500, "request": None}
            )
            signals.got_request_exception.send(sender=self.__class__, request=None)
            error = {"code": "server_error", "message": "服务器内部错误，请稍后重试"}
            return 500, orjson.dumps(error), request_id
        finally:
            audit_context.client_request_id.reset(client_token)
            audit_context.request_id.reset(context_token)


def _obsolete(db) -> bool:
    return db.close_at is not None and time.monotonic() >= db.close_at
