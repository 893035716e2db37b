import time
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from credit.accounts import services
from credit.accounts.apiauth import TokenAuth
from credit.accounts.models import ApiToken

pytestmark = pytest.mark.urls("tests.accounts.api_urls")

UNAUTHORIZED = {"code": "unauthorized", "message": "身份认证失败"}


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_issued_token_authenticates_as_its_client(client, api_client_scjg, scjg):
    api_client, token = api_client_scjg
    response = client.get("/api/whoami", **bearer(token))
    assert response.status_code == 200
    assert response.json() == {"actor": f"api:{api_client.name}", "department_id": scjg.pk}
    assert ApiToken.objects.get(client=api_client).last_used_at is not None


def test_only_a_keyed_hash_of_the_secret_is_stored(api_client_scjg):
    api_client, token = api_client_scjg
    prefix, key_id, secret = token.split("_", 2)
    row = ApiToken.objects.get(client=api_client)
    assert prefix == "cbx" and row.key_id == key_id
    assert secret not in row.secret_hash and len(row.secret_hash) == 64


def test_wrong_secret_and_unknown_key_give_identical_401(client, api_client_scjg):
    _, token = api_client_scjg
    prefix, key_id, secret = token.split("_", 2)
    wrong_secret = client.get("/api/whoami", **bearer(f"{prefix}_{key_id}_{secret[:-1]}x"))
    unknown_key = client.get("/api/whoami", **bearer(f"{prefix}_000000000000_{secret}"))
    garbage = client.get("/api/whoami", **bearer("not-a-token"))
    missing = client.get("/api/whoami")
    for response in (wrong_secret, unknown_key, garbage, missing):
        assert response.status_code == 401
        assert response.json() == UNAUTHORIZED
    assert wrong_secret.content == unknown_key.content


def test_expired_token_is_refused(client, system_actor, api_client_scjg, settings):
    settings.CREDIT_TOKEN_CACHE_SECONDS = 0  # the expiry below is changed behind the platform
    api_client, _ = api_client_scjg
    token = services.issue_token(
        system_actor, api_client, expires_at=timezone.now() + timedelta(hours=1)
    )
    assert client.get("/api/whoami", **bearer(token)).status_code == 200
    ApiToken.objects.filter(key_id=token.split("_")[1]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/api/whoami", **bearer(token))
    assert response.status_code == 401
    # Its holder proved the secret, so it is told why (and to get a new one).
    assert response.json() == {
        "code": "unauthorized",
        "message": "身份认证失败：令牌已过期，请联系信用办重新签发",
    }
    assert response["WWW-Authenticate"] == "Bearer"
    # Someone without the secret learns nothing about the token's state.
    prefix, key_id, secret = token.split("_", 2)
    wrong = client.get("/api/whoami", **bearer(f"{prefix}_{key_id}_{secret[:-1]}x"))
    assert wrong.status_code == 401 and wrong.json() == UNAUTHORIZED


def test_revoked_token_and_disabled_client_are_refused(client, system_actor, api_client_scjg):
    api_client, token = api_client_scjg
    second = services.issue_token(system_actor, api_client)
    row = ApiToken.objects.get(key_id=token.split("_")[1])
    services.revoke_token(system_actor, row.pk)
    assert client.get("/api/whoami", **bearer(token)).json() == UNAUTHORIZED
    assert client.get("/api/whoami", **bearer(second)).status_code == 200
    services.disable_client(system_actor, api_client)
    response = client.get("/api/whoami", **bearer(second))
    assert response.status_code == 401 and response.json() == UNAUTHORIZED


def test_missing_scope_is_403_in_chinese(client, system_actor, scjg):
    read_only = services.create_client(system_actor, "查询系统", scjg, ["records:read"])
    token = services.issue_token(system_actor, read_only)
    assert client.get("/api/whoami", **bearer(token)).status_code == 200
    response = client.post(
        "/api/echo", {"count": 1}, content_type="application/json", **bearer(token)
    )
    assert response.status_code == 403
    assert response.json() == {"code": "scope_required", "message": "该接口需要权限：records:write"}


def test_validation_error_is_422_with_chinese_message(client, api_client_scjg):
    _, token = api_client_scjg
    response = client.post(
        "/api/echo", {"count": "many"}, content_type="application/json", **bearer(token)
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["message"] == "请求参数不正确：count 类型不正确（应为整数）"
    assert body["details"][0]["loc"][-1] == "count"
    assert body["details"][0]["field"] == "count"


def test_last_used_at_is_written_at_most_once_a_minute(api_client_scjg, settings):
    settings.CREDIT_TOKEN_CACHE_SECONDS = 0  # the last use is moved back behind the platform
    _, token = api_client_scjg
    auth = TokenAuth()
    request = RequestFactory().get("/")
    assert auth.authenticate(request, token) is not None
    row = ApiToken.objects.get(key_id=token.split("_")[1])
    first = row.last_used_at
    assert first is not None
    auth.authenticate(RequestFactory().get("/"), token)
    assert ApiToken.objects.get(pk=row.pk).last_used_at == first
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=first - timedelta(minutes=2))
    auth.authenticate(RequestFactory().get("/"), token)
    assert ApiToken.objects.get(pk=row.pk).last_used_at > first - timedelta(minutes=2)


def test_staff_session_gets_role_scopes(client, operator_user, auditor_user, user_password):
    client.force_login(operator_user)
    response = client.get("/api/whoami")
    assert response.status_code == 200
    assert response.json()["actor"] == operator_user.username
    client.force_login(auditor_user)
    response = client.get("/api/whoami")
    assert response.status_code == 403
    assert response.json()["message"] == "该接口需要权限：records:read"


def test_token_rows_are_reused_briefly_and_forgotten_on_change(
    client, system_actor, api_client_scjg, settings
):
    """An active token is read once per cache period per process; the platform's own
    changes (services, admin saves) take effect at once, other writers' within the period."""
    settings.CREDIT_TOKEN_CACHE_SECONDS = 0.3
    api_client, token = api_client_scjg
    key_id = token.split("_")[1]
    assert client.get("/api/whoami", **bearer(token)).status_code == 200
    # Another process disables the token behind this one's back: reused until the period ends.
    ApiToken.objects.filter(key_id=key_id).update(is_active=False)
    assert client.get("/api/whoami", **bearer(token)).status_code == 200
    time.sleep(0.35)
    assert client.get("/api/whoami", **bearer(token)).status_code == 401
    # The wrong secret is refused even while the row is cached.
    second = services.issue_token(system_actor, api_client)
    assert client.get("/api/whoami", **bearer(second)).status_code == 200
    prefix, second_key, secret = second.split("_", 2)
    wrong = client.get("/api/whoami", **bearer(f"{prefix}_{second_key}_{secret[:-1]}x"))
    assert wrong.status_code == 401
    # Disabling the client through the platform applies at once, cache or not.
    services.disable_client(system_actor, api_client)
    assert client.get("/api/whoami", **bearer(second)).status_code == 401
