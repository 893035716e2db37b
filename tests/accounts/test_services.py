import json

import pytest

from credit.accounts import services
from credit.accounts.models import ApiToken, Role, User
from credit.audit.models import ChangeLog
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError


def test_create_user_checks_password_in_chinese(system_actor, scjg):
    with pytest.raises(ServiceError) as excinfo:
        services.create_user(system_actor, "weak", "12345678", Role.OPERATOR, scjg)
    assert excinfo.value.code == "weak_password"
    assert "密码" in excinfo.value.message
    assert not User.objects.filter(username="weak").exists()


def test_create_user_logs_without_password(system_actor, scjg, user_password):
    user = services.create_user(
        system_actor, "zhangsan", user_password, Role.OPERATOR, scjg, "张三"
    )
    assert user.check_password(user_password)
    assert not user.is_staff and not user.is_superuser
    entry = ChangeLog.objects.get(action="user.create", object_id=str(user.pk))
    assert entry.after["department_id"] == scjg.pk
    assert user_password not in json.dumps(entry.after, ensure_ascii=False)


def test_operator_needs_department_and_unique_name(system_actor, scjg, user_password):
    with pytest.raises(ServiceError) as excinfo:
        services.create_user(system_actor, "nodept", user_password, Role.OPERATOR, None)
    assert excinfo.value.code == "department_required"
    services.create_user(system_actor, "lisi", user_password, Role.OPERATOR, scjg)
    with pytest.raises(ServiceError) as excinfo:
        services.create_user(system_actor, "LiSi", user_password, Role.OPERATOR, scjg)
    assert excinfo.value.code == "username_taken"


def test_role_flags(admin_user, auditor_user):
    assert admin_user.is_credit_admin and admin_user.is_staff
    assert auditor_user.is_auditor and auditor_user.is_staff and not auditor_user.is_superuser


def test_operators_cannot_manage_accounts(operator_user, scjg, user_password):
    actor = Actor.for_user(operator_user)
    with pytest.raises(PermissionDenied):
        services.create_user(actor, "x", user_password, Role.OPERATOR, scjg)
    with pytest.raises(PermissionDenied):
        services.create_client(actor, "系统", scjg, ["records:read"])


def test_admin_disables_and_enables_user(admin_user, operator_user):
    actor = Actor.for_user(admin_user)
    services.set_user_active(actor, operator_user, False)
    operator_user.refresh_from_db()
    assert not operator_user.is_active
    services.set_user_active(actor, operator_user, True)
    assert [
        e.action
        for e in ChangeLog.objects.filter(object_type="User", object_id=str(operator_user.pk))
    ][:2] == [
        "user.enable",
        "user.disable",
    ]
    with pytest.raises(ServiceError):
        services.set_user_active(actor, admin_user, False)


def test_client_scopes_are_validated(system_actor, scjg):
    with pytest.raises(ServiceError) as excinfo:
        services.create_client(system_actor, "系统", scjg, ["records:delete"])
    assert "records:delete" in excinfo.value.message


def test_token_issue_logs_key_id_not_secret(api_client_scjg):
    client, token = api_client_scjg
    secret = token.split("_", 2)[2]
    entry = ChangeLog.objects.get(action="api_token.issue")
    assert entry.after["key_id"] == token.split("_")[1]
    assert secret not in json.dumps(entry.after)
    assert ApiToken.objects.filter(client=client).count() == 1


def test_disabled_client_gets_no_new_tokens(system_actor, api_client_scjg):
    client, _ = api_client_scjg
    services.disable_client(system_actor, client)
    with pytest.raises(ServiceError) as excinfo:
        services.issue_token(system_actor, client)
    assert excinfo.value.code == "client_disabled"
