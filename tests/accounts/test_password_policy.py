"""The 等保 2.0 password policy (issue 10, item 22): each rule with its Chinese message,
history, expiry, forced change at first login, and the console's own change page.

Real services, real validators, real requests through the middleware; both databases.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from credit.accounts import services
from credit.accounts.models import PasswordHistory, Role, User
from credit.audit.models import ChangeLog
from credit.core.actors import Actor
from credit.core.errors import ServiceError

pytestmark = pytest.mark.django_db

GOOD = "Liaoning#Benxi7"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _refusal(password: str, user=None) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    return exc.value.messages


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Ab1#xyz", "密码长度不能少于 10 个字符（当前 7 个）"),
        ("abcdefghijkl", "至少 3 类（当前 1 类，缺少：大写字母、数字、特殊符号）"),
        ("abcdefgh12", "至少 3 类（当前 2 类"),
        ("Password123", "密码过于常见"),
        ("1234567890", "密码不能全部由数字组成"),
    ],
)
def test_each_rule_refuses_in_chinese(password, expected):
    messages = _refusal(password)
    assert any(expected in m for m in messages), messages
    # Every message a person sees is Chinese: no English text from Django's validators.
    assert all(CJK.search(m) for m in messages), messages
    assert not any("too short" in m or "too common" in m for m in messages)


def test_three_of_four_classes_of_ten_characters_pass():
    validate_password("benxi-credit9")  # lower, symbol, digit
    validate_password("BENXICREDIT9a")  # upper, digit, lower
    validate_password("本溪信用Platform")  # Chinese counts as a symbol


def test_a_password_like_the_username_is_refused(system_actor, scjg):
    user = User(username="zhangwei", full_name="张伟", role=Role.OPERATOR, department=scjg)
    for password in ("Zhangwei#2026", "iewgnahz-2026X", "zhangwei1#X"):
        assert "不能包含用户名" in " ".join(_refusal(password, user)), password
    with pytest.raises(ServiceError) as exc:
        services.create_user(system_actor, "zhangwei", "Zhangwei#2026", Role.OPERATOR, scjg)
    assert exc.value.code == "weak_password" and "不能包含用户名" in exc.value.message


def test_recent_passwords_cannot_be_used_again(operator_user, user_password, settings):
    actor = Actor.for_user(operator_user)
    with pytest.raises(ServiceError) as exc:
        services.change_own_password(actor, user_password, user_password)
    assert "不能与当前密码或最近 5 次使用过的密码相同" in exc.value.message

    history = [f"Benxi#Pass{n}x" for n in range(1, 6)]
    current = user_password
    for new in history:
        services.change_own_password(actor, current, new)
        current = new
    assert PasswordHistory.objects.filter(user=operator_user).count() == 5
    # The last five (the current one among them) are refused, an older one is not.
    for old in history:
        with pytest.raises(ServiceError):
            services.change_own_password(actor, current, old)
    services.change_own_password(actor, current, user_password)
    operator_user.refresh_from_db()
    assert operator_user.check_password(user_password)
    # No hash of the password ever reaches the change log.
    assert not ChangeLog.objects.filter(after__icontains="md5$").exists()


def test_wrong_current_password_is_refused(operator_user):
    with pytest.raises(ServiceError) as exc:
        services.change_own_password(Actor.for_user(operator_user), "Not-the-one-1", GOOD)
    assert exc.value.code == "wrong_password" and exc.value.message == "当前密码不正确"


def test_new_and_reset_accounts_must_change_their_password(
    system_actor, admin_user, operator_user, user_password
):
    assert operator_user.must_change_password is True
    services.change_own_password(Actor.for_user(operator_user), user_password, GOOD)
    operator_user.refresh_from_db()
    assert operator_user.must_change_password is False
    assert operator_user.password_changed_at is not None

    services.set_user_password(Actor.for_user(admin_user), operator_user, "Reset#Benxi2026")
    operator_user.refresh_from_db()
    assert operator_user.must_change_password is True


def test_forced_change_redirects_every_page_until_done(
    client, operator_user, user_password, settings
):
    settings.CREDIT_PASSWORD_FORCE_CHANGE = True
    assert client.login(username=operator_user.username, password=user_password)
    for path in ("/console/", "/console/upload/", "/console/batches/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/console/password/?next="), path
    page = client.get("/console/password/?next=/console/upload/").content.decode()
    assert "您的密码由他人设置" in page and "至少 3 类" in page
    # Form errors are Chinese too.
    short = client.post(
        "/console/password/",
        {"old_password": user_password, "new_password1": "Ab1#", "new_password2": "Ab1#"},
    ).content.decode()
    assert "密码长度不能少于 10 个字符" in short
    mismatch = client.post(
        "/console/password/",
        {"old_password": user_password, "new_password1": GOOD, "new_password2": GOOD + "x"},
    ).content.decode()
    assert "两次输入的新密码不一致" in mismatch

    done = client.post(
        "/console/password/",
        {
            "old_password": user_password,
            "new_password1": GOOD,
            "new_password2": GOOD,
            "next": "/console/upload/",
        },
    )
    assert done.status_code == 302 and done["Location"] == "/console/upload/"
    # Still signed in, and free to work.
    assert client.get("/console/").status_code == 200
    assert ChangeLog.objects.filter(action="user.set_password").exists()


def test_demo_mode_does_not_force_the_change(client, operator_user, user_password, settings):
    settings.CREDIT_PASSWORD_FORCE_CHANGE = False
    assert client.login(username=operator_user.username, password=user_password)
    assert client.get("/console/").status_code == 200


def test_an_expired_password_must_be_changed(client, operator_user, user_password, settings):
    settings.CREDIT_PASSWORD_FORCE_CHANGE = False
    settings.CREDIT_PASSWORD_MAX_AGE_DAYS = 90
    assert client.login(username=operator_user.username, password=user_password)
    assert client.get("/console/").status_code == 200
    User.objects.filter(pk=operator_user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    response = client.get("/console/batches/")
    assert response.status_code == 302 and response["Location"].startswith("/console/password/")
    assert "已超过 90 天未修改" in client.get(response["Location"]).content.decode()
    client.post(
        "/console/password/",
        {"old_password": user_password, "new_password1": GOOD, "new_password2": GOOD},
    )
    assert client.get("/console/batches/").status_code == 200

    settings.CREDIT_PASSWORD_MAX_AGE_DAYS = 0  # never expires
    User.objects.filter(pk=operator_user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=4000)
    )
    assert client.get("/console/batches/").status_code == 200


def test_the_api_is_not_redirected(client, operator_user, user_password, settings):
    # The API answers machines with tokens; a redirect to an HTML page would only break them.
    settings.CREDIT_PASSWORD_FORCE_CHANGE = True
    assert client.login(username=operator_user.username, password=user_password)
    assert client.get("/console/").status_code == 302
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/").status_code == 200  # the public portal neither


def test_admin_site_password_reset_flags_the_account(
    client, admin_user, operator_user, user_password, settings
):
    settings.CREDIT_PASSWORD_FORCE_CHANGE = False
    services.change_own_password(Actor.for_user(operator_user), user_password, GOOD)
    assert client.login(username=admin_user.username, password=user_password)
    response = client.post(
        f"/admin/accounts/user/{operator_user.pk}/password/",
        {"password1": "Reset#Benxi2026", "password2": "Reset#Benxi2026"},
    )
    assert response.status_code == 302
    operator_user.refresh_from_db()
    assert operator_user.must_change_password is True
    assert operator_user.check_password("Reset#Benxi2026")


def test_changepassword_command_keeps_the_history(operator_user, user_password, monkeypatch):
    # Django's command reads from the terminal; the validators and the history hook run
    # the same as in the console.
    answers = iter(["Cmd#Benxi2026", "Cmd#Benxi2026"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("changepassword", operator_user.username)
    assert PasswordHistory.objects.filter(user=operator_user).count() == 2
