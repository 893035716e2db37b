from credit.accounts.models import ApiToken, User
from credit.audit.models import ChangeLog


def test_token_inline_shows_key_id_never_the_hash(client, admin_user, api_client_scjg):
    api_client, token = api_client_scjg
    row = ApiToken.objects.get(client=api_client)
    client.force_login(admin_user)
    page = client.get(f"/admin/accounts/apiclient/{api_client.pk}/change/").content.decode()
    assert row.key_id in page
    assert row.secret_hash not in page
    assert token.split("_", 2)[2] not in page


def test_issue_token_action_shows_the_token_once(client, admin_user, api_client_scjg):
    api_client, _ = api_client_scjg
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/apiclient/",
        {"action": "issue_token", "_selected_action": [api_client.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "请立即妥善保存" in text
    assert ApiToken.objects.filter(client=api_client).count() == 2
    assert ChangeLog.objects.filter(action="api_token.issue").count() == 2


def test_admin_adds_user_and_it_is_logged(client, admin_user, scjg, user_password):
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "wangwu",
            "full_name": "王五",
            "role": "operator",
            "department": scjg.pk,
            "usable_password": "true",
            "password1": user_password,
            "password2": user_password,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="wangwu")
    assert user.department == scjg and user.check_password(user_password)
    entry = ChangeLog.objects.get(action="user.create", object_id=str(user.pk))
    assert entry.actor_user == admin_user


def test_admin_login_reports_lockout_in_chinese(client, operator_user):
    for _ in range(5):
        client.post("/admin/login/", {"username": operator_user.username, "password": "bad"})
    response = client.post("/admin/login/", {"username": operator_user.username, "password": "bad"})
    assert "账号已锁定" in response.content.decode()


def test_api_client_scopes_are_ticked_from_the_known_list(client, admin_user, scjg):
    from credit.accounts.models import ApiClient

    client.force_login(admin_user)
    form = client.get("/admin/accounts/apiclient/add/").content.decode()
    assert 'type="checkbox"' in form and "发起信用核查" in form
    fields = {
        "name": "招投标系统",
        "department": scjg.pk,
        "is_active": "on",
        "tokens-TOTAL_FORMS": "0",
        "tokens-INITIAL_FORMS": "0",
    }
    # A scope nobody knows is refused with a Chinese message, not stored.
    refused = client.post("/admin/accounts/apiclient/add/", {**fields, "scopes": ["checks"]})
    assert refused.status_code == 200
    assert "checks 不在可用的选项中" in refused.content.decode()
    assert not ApiClient.objects.filter(name="招投标系统").exists()
    saved = client.post("/admin/accounts/apiclient/add/", {**fields, "scopes": ["checks:run"]})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert ApiClient.objects.get(name="招投标系统").scopes == ["checks:run"]
    listing = client.get("/admin/accounts/apiclient/").content.decode()
    assert "发起信用核查" in listing and "checks:run" not in listing
    assert ChangeLog.objects.filter(action="api_client.create").exists()
