from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory, override_settings
from django.utils import timezone

from credit.accounts import lockout
from credit.accounts.forms import LoginForm

BACKENDS = ["credit.accounts.backends.LockoutBackend"]


def fail(username: str, times: int) -> None:
    for _ in range(times):
        assert authenticate(RequestFactory().post("/"), username=username, password="wrong") is None


@override_settings(AUTHENTICATION_BACKENDS=BACKENDS)
def test_five_failures_lock_even_the_right_password(operator_user, user_password):
    fail(operator_user.username, 4)
    assert not lockout.is_locked(operator_user.username)
    fail(operator_user.username, 1)
    assert lockout.is_locked(operator_user.username)
    assert authenticate(username=operator_user.username, password=user_password) is None


@override_settings(AUTHENTICATION_BACKENDS=BACKENDS)
def test_lock_ends_after_fifteen_minutes(operator_user, user_password):
    fail(operator_user.username, 5)
    until = lockout.locked_until(operator_user.username)
    assert timedelta(minutes=14) < until - timezone.now() <= timedelta(minutes=15)
    later = timezone.now() + timedelta(minutes=16)
    assert not lockout.is_locked(operator_user.username, now=later)
    # Attempts during the lock neither count nor extend it.
    assert lockout.locked_until(operator_user.username) == until


def test_failures_outside_the_window_do_not_lock(db):
    start = timezone.now() - timedelta(hours=1)
    for minute in (0, 5, 10, 15, 20):
        lockout.record_failure("wang", now=start + timedelta(minutes=minute))
    assert not lockout.is_locked("wang", now=start + timedelta(minutes=20))
    lockout.record_failure("wang", now=start + timedelta(minutes=21))
    assert not lockout.is_locked("wang", now=start + timedelta(minutes=21))
    # 10, 15, 20, 21 and 22 fall inside one 15-minute window.
    lockout.record_failure("wang", now=start + timedelta(minutes=22))
    assert lockout.is_locked("wang", now=start + timedelta(minutes=23))


def test_success_resets_the_count(db):
    now = timezone.now()
    for i in range(4):
        lockout.record_failure("zhao", now=now + timedelta(seconds=i))
    lockout.record_success("zhao", now=now + timedelta(seconds=5))
    lockout.record_failure("zhao", now=now + timedelta(seconds=6))
    assert not lockout.is_locked("zhao", now=now + timedelta(seconds=7))


@pytest.mark.parametrize("max_failures", [3])
def test_threshold_comes_from_settings(db, max_failures, settings):
    settings.CREDIT_LOCKOUT_MAX_FAILURES = max_failures
    for _ in range(max_failures):
        lockout.record_failure("qian")
    assert lockout.is_locked("qian")


def test_login_form_explains_the_lock_in_chinese(operator_user, user_password):
    request = RequestFactory().post("/")
    for _ in range(4):
        form = LoginForm(request, data={"username": operator_user.username, "password": "x"})
        assert not form.is_valid()
        assert "用户名或密码不正确" in form.non_field_errors()[0]
    form = LoginForm(request, data={"username": operator_user.username, "password": "x"})
    assert not form.is_valid()
    assert "账号已锁定" in form.non_field_errors()[0]
    form = LoginForm(request, data={"username": operator_user.username, "password": user_password})
    assert not form.is_valid()
    assert "账号已锁定" in form.non_field_errors()[0]
