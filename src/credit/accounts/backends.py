"""Authentication backend that refuses locked user names before checking the password."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from credit.accounts import lockout


class LockoutBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and lockout.is_locked(username):
            # PermissionDenied stops Django trying other backends and fires user_login_failed.
            raise PermissionDenied(lockout.locked_message())
        return super().authenticate(request, username=username, password=password, **kwargs)
