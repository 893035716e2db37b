"""Login form that tells a locked-out user why, in Chinese."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from credit.accounts import lockout
from credit.core.forms import SafeInputMixin


class _LockoutMixin:
    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            until = lockout.locked_until(username)
            if until is not None:
                raise forms.ValidationError(lockout.locked_message(until), code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            # The failure just recorded may be the one that locks the account.
            until = lockout.locked_until(username) if username else None
            if until is not None:
                raise forms.ValidationError(lockout.locked_message(until), code="locked") from None
            raise


class LoginForm(SafeInputMixin, _LockoutMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "用户名或密码不正确",
        "inactive": "该账号已停用",
    }


class AdminLoginForm(SafeInputMixin, _LockoutMixin, AdminAuthenticationForm):
    pass
