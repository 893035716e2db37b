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


class PasswordChangeForm(SafeInputMixin, forms.Form):
    """The console's own password change: Chinese labels; the rules run in the service."""

    old_password = forms.CharField(
        label="当前密码", strip=False, widget=forms.PasswordInput(render_value=False)
    )
    new_password1 = forms.CharField(label="新密码", strip=False, widget=forms.PasswordInput)
    new_password2 = forms.CharField(label="确认新密码", strip=False, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data
