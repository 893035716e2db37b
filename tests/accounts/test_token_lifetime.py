"""API token lifetimes (issue 11): default expiry, the admin's issue and revoke pages, the
credit office's list of expiring tokens, and the upgrade of tokens issued without expiry."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from credit.accounts import services, tokens
from credit.accounts.models import ApiToken
from credit.audit.models import ChangeLog

pytestmark = pytest.mark.django_db


def _row(token: str) -> ApiToken:
    return ApiToken.objects.get(key_id=tokens.parse_token(token)[0])


def test_issued_token_expires_after_the_configured_days(system_actor, api_client_scjg, settings):
    api_client, first = api_client_scjg
    # The shipped default: one year.
    assert settings.CREDIT_API_TOKEN_DAYS == 365
    left = _row(first).expires_at - timezone.now()
    assert timedelta(days=364, hours=23) < left <= timedelta(days=365)

    settings.CREDIT_API_TOKEN_DAYS = 30
    left = _row(services.issue_token(system_actor, api_client)).expires_at - timezone.now()
    assert timedelta(days=29, hours=23) < left <= timedelta(days=30)
    entry = ChangeLog.objects.filter(action="api_token.issue").latest("id")
    assert entry.after["expires_at"] is not None

    settings.CREDIT_API_TOKEN_DAYS = 0
    assert _row(services.issue_token(system_actor, api_client)).expires_at is None


def test_expiring_lists_tokens_to_replace_soonest_first(system_actor, api_client_scjg, sthj):
    api_client, _year = api_client_scjg
    now = timezone.now()
    soon = _row(services.issue_token(system_actor, api_client, now + timedelta(days=3)))
    later = _row(services.issue_token(system_actor, api_client, now + timedelta(days=20)))
    past = _row(services.issue_token(system_actor, api_client, now + timedelta(days=1)))
    ApiToken.objects.filter(pk=past.pk).update(expires_at=now - timedelta(days=2))
    revoked = _row(services.issue_token(system_actor, api_client, now + timedelta(days=1)))
    services.revoke_token(system_actor, revoked.pk)
    other = services.create_client(system_actor, "停用的系统", sthj, ["records:read"])
    services.issue_token(system_actor, other, now + timedelta(days=1))
    services.disable_client(system_actor, other)

    assert [t.pk for t in tokens.expiring(now, days=30)] == [past.pk, soon.pk, later.pk]
    assert [t.pk for t in tokens.expiring(now, days=7)] == [past.pk, soon.pk]


# --- admin: issue and revoke -------------------------------------------------------------


def test_client_page_has_an_issue_button(client, admin_user, api_client_scjg):
    api_client, _ = api_client_scjg
    client.force_login(admin_user)
    page = client.get(f"/admin/accounts/apiclient/{api_client.pk}/change/").content.decode()
    assert f'href="/admin/accounts/apiclient/{api_client.pk}/issue-token/"' in page
    assert "签发新令牌" in page
    row = ApiToken.objects.get(client=api_client)
    assert f"/admin/accounts/apiclient/{api_client.pk}/tokens/{row.pk}/revoke/" in page


def test_issue_page_shows_the_token_once_and_logs_without_it(client, admin_user, api_client_scjg):
    api_client, _ = api_client_scjg
    client.force_login(admin_user)
    url = f"/admin/accounts/apiclient/{api_client.pk}/issue-token/"
    form = client.get(url)
    assert form.status_code == 200 and "有效期至" in form.content.decode()

    response = client.post(url, {"expires_at": ""})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    new = ApiToken.objects.filter(client=api_client).latest("id")
    token = next(
        word for word in page.replace("<", " ").replace(">", " ").split() if word.startswith("cbx_")
    )
    assert tokens.resolve(token).pk == new.pk
    assert "请立即妥善保存" in page
    # Default lifetime, and nothing of the secret stored anywhere but this answer.
    assert new.expires_at - timezone.now() > timedelta(days=364)
    secret = token.split("_", 2)[2]
    entry = ChangeLog.objects.get(action="api_token.issue", object_id=str(new.pk))
    assert entry.actor_user == admin_user
    assert secret not in str(entry.after) and entry.after["key_id"] == new.key_id
    assert not any(secret in morsel.value for morsel in response.cookies.values())
    # The next page does not show it again.
    again = client.get(f"/admin/accounts/apiclient/{api_client.pk}/change/").content.decode()
    assert secret not in again


def test_issue_page_takes_an_expiry_date_and_refuses_a_past_one(
    client, admin_user, api_client_scjg
):
    api_client, _ = api_client_scjg
    client.force_login(admin_user)
    url = f"/admin/accounts/apiclient/{api_client.pk}/issue-token/"
    before = ApiToken.objects.count()
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    refused = client.post(url, {"expires_at": past})
    assert refused.status_code == 200 and "有效期不能早于今天" in refused.content.decode()
    assert ApiToken.objects.count() == before
    bad = client.post(url, {"expires_at": "明年"})
    assert bad.status_code == 200 and ApiToken.objects.count() == before

    day = timezone.localdate() + timedelta(days=10)
    assert client.post(url, {"expires_at": day.isoformat()}).status_code == 200
    new = ApiToken.objects.filter(client=api_client).latest("id")
    assert timezone.localtime(new.expires_at).date() == day + timedelta(days=1)


def test_issue_page_refuses_a_disabled_client(client, admin_user, system_actor, api_client_scjg):
    api_client, _ = api_client_scjg
    services.disable_client(system_actor, api_client)
    client.force_login(admin_user)
    response = client.post(f"/admin/accounts/apiclient/{api_client.pk}/issue-token/")
    assert response.status_code == 200
    assert "该接口调用系统已停用，不能签发令牌" in response.content.decode()
    assert ApiToken.objects.filter(client=api_client).count() == 1


def test_auditor_can_neither_issue_nor_revoke(client, auditor_user, api_client_scjg):
    api_client, token = api_client_scjg
    row = _row(token)
    client.force_login(auditor_user)
    issue = f"/admin/accounts/apiclient/{api_client.pk}/issue-token/"
    revoke = f"/admin/accounts/apiclient/{api_client.pk}/tokens/{row.pk}/revoke/"
    for url in (issue, revoke):
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    assert ApiToken.objects.filter(client=api_client).count() == 1
    assert ApiToken.objects.get(pk=row.pk).is_active
    listing = client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [row.pk]}
    )
    assert listing.status_code in (302, 403)
    assert ApiToken.objects.get(pk=row.pk).is_active


def test_revoke_page_confirms_then_revokes(client, admin_user, api_client_scjg):
    api_client, token = api_client_scjg
    row = _row(token)
    client.force_login(admin_user)
    url = f"/admin/accounts/apiclient/{api_client.pk}/tokens/{row.pk}/revoke/"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "确认吊销" in confirm.content.decode()
    assert ApiToken.objects.get(pk=row.pk).is_active
    done = client.post(url)
    assert done.status_code == 302
    assert done["Location"] == f"/admin/accounts/apiclient/{api_client.pk}/change/"
    assert not ApiToken.objects.get(pk=row.pk).is_active
    assert tokens.resolve(token) is None
    entry = ChangeLog.objects.get(action="api_token.revoke", object_id=str(row.pk))
    assert entry.actor_user == admin_user
    # A token of another client is not reachable through this client's page.
    assert client.get(f"/admin/accounts/apiclient/{api_client.pk + 1}/tokens/{row.pk}/revoke/")
    other = client.get(f"/admin/accounts/apiclient/{api_client.pk}/tokens/{row.pk + 99}/revoke/")
    assert other.status_code == 404


# --- the credit office's list ------------------------------------------------------------


def test_admin_token_list_filters_expiring_tokens(
    client, admin_user, system_actor, api_client_scjg
):
    api_client, year = api_client_scjg
    soon = _row(services.issue_token(system_actor, api_client, timezone.now() + timedelta(days=5)))
    client.force_login(admin_user)
    page = client.get("/admin/accounts/apitoken/?expiry=soon").content.decode()
    assert soon.key_id in page and "即将过期（剩余 4 天）" in page
    assert _row(year).key_id not in page
    assert "30 天内到期（含已过期未吊销）" in page


def test_console_home_lists_expiring_tokens_for_credit_admins_only(
    client, admin_user, operator_user, system_actor, api_client_scjg
):
    api_client, _ = api_client_scjg
    soon = _row(services.issue_token(system_actor, api_client, timezone.now() + timedelta(days=5)))
    client.force_login(admin_user)
    page = client.get("/console/").content.decode()
    assert "即将到期的接口令牌" in page and soon.key_id in page
    assert "1 个接口令牌已过期或将在 30 天内到期" in page
    assert "/admin/accounts/apitoken/?expiry=soon" in page
    client.force_login(operator_user)
    page = client.get("/console/").content.decode()
    assert "即将到期的接口令牌" not in page and soon.key_id not in page


# --- upgrade -----------------------------------------------------------------------------


def test_upgrade_gives_tokens_without_expiry_the_default_lifetime(
    system_actor, api_client_scjg, settings
):
    api_client, token = api_client_scjg
    old = _row(token)
    revoked = _row(services.issue_token(system_actor, api_client))
    services.revoke_token(system_actor, revoked.pk)
    ApiToken.objects.update(expires_at=None)
    migration = importlib.import_module("credit.accounts.migrations.0004_api_token_expiry")

    migration.give_old_tokens_a_lifetime(apps, None)

    old.refresh_from_db()
    revoked.refresh_from_db()
    assert timedelta(days=364) < old.expires_at - timezone.now() <= timedelta(days=365)
    assert revoked.expires_at is None  # revoked: nothing to keep working
    entry = ChangeLog.objects.get(action="api_token.set_expiry")
    assert entry.object_id == str(old.pk) and entry.after["key_id"] == old.key_id
    assert tokens.resolve(token) is not None


def test_credit_admin_revokes_from_the_token_list(client, admin_user, api_client_scjg):
    _, token = api_client_scjg
    row = _row(token)
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [row.pk]}
    )
    assert response.status_code == 302
    assert not ApiToken.objects.get(pk=row.pk).is_active
    assert ChangeLog.objects.filter(action="api_token.revoke", object_id=str(row.pk)).exists()


@pytest.mark.usefixtures("keep_connection")
def test_expired_token_on_the_checks_entry_says_so(system_actor, api_client_scjg, settings):
    """The credit check's lean WSGI entry hands an expired token to Django, which says why."""
    import orjson

    from credit.checks.check_entry import CheckEntry
    from credit.wsgi import django_application
    from tests.wsgi_call import call

    settings.CREDIT_TOKEN_CACHE_SECONDS = 0
    api_client, _ = api_client_scjg
    token = services.issue_token(system_actor, api_client, timezone.now() + timedelta(hours=1))
    ApiToken.objects.filter(pk=_row(token).pk).update(expires_at=timezone.now())
    body = {"scenario": "bidding", "purpose": "测试核查", "subjects": [{"name": "某公司"}]}
    answer = call(CheckEntry(django_application), body, token)
    assert answer["status"] == 401
    assert "令牌已过期" in orjson.loads(answer["body"])["message"]
