"""Account lockout (等保 2.0): after N failed logins within a window the name is locked.

Failures are recorded from Django's `user_login_failed` signal, so every login path that
goes through `django.contrib.auth.authenticate` counts. Enforcement happens in
`LockoutBackend` (any login path) and in `LoginForm` (which can show the Chinese reason).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from credit.accounts import options
from credit.accounts.models import LoginAttempt


def locked_message(until: datetime | None = None) -> str:
    minutes = int(options.lockout_duration().total_seconds() // 60)
    if until is not None:
        local = timezone.localtime(until).strftime("%H:%M")
        return f"登录失败次数过多，账号已锁定 {minutes} 分钟，请于 {local} 后再试"
    return f"登录失败次数过多，账号已锁定 {minutes} 分钟，请稍后再试"


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def locked_until(username: str, now: datetime | None = None) -> datetime | None:
    """When the lock on `username` ends, or None if it is not locked."""
    now = now or timezone.now()
    until = (
        LoginAttempt.objects.filter(username=username, locked_until__gt=now)
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )
    return until


def is_locked(username: str, now: datetime | None = None) -> bool:
    return locked_until(username, now) is not None


@transaction.atomic
def record_failure(username: str, request=None, now: datetime | None = None) -> LoginAttempt:
    now = now or timezone.now()
    username = (username or "")[:150]
    if is_locked(username, now):
        return LoginAttempt.objects.create(
            username=username, at=now, during_lock=True, ip_address=_client_ip(request)
        )
    attempt = LoginAttempt.objects.create(username=username, at=now, ip_address=_client_ip(request))
    last_success = (
        LoginAttempt.objects.filter(username=username, succeeded=True)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    # A lock that has run out starts a fresh count.
    last_lock = (
        LoginAttempt.objects.filter(username=username, locked_until__isnull=False)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    since = now - options.lockout_window()
    failures = LoginAttempt.objects.filter(
        username=username, succeeded=False, during_lock=False, at__gte=since
    )
    for boundary in (last_success, last_lock):
        if boundary is not None:
            failures = failures.filter(at__gt=boundary)
    if failures.count() >= options.lockout_max_failures():
        attempt.locked_until = now + options.lockout_duration()
        attempt.save(update_fields=["locked_until"])
    return attempt


def record_success(username: str, request=None, now: datetime | None = None) -> LoginAttempt:
    return LoginAttempt.objects.create(
        username=(username or "")[:150],
        at=now or timezone.now(),
        succeeded=True,
        ip_address=_client_ip(request),
    )


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = credentials.get("username")
    if username:
        record_failure(username, request)


def on_logged_in(sender, request, user, **kwargs) -> None:
    record_success(user.get_username(), request)
