"""Admin edits are writes: every admin logs them, with the changed fields and no secrets."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from credit.accounts.models import User
from credit.audit import labels
from credit.audit.adminlog import ChangeLoggedAdminMixin, action_code
from credit.audit.models import ChangeLog
from credit.core.models import Holiday
from credit.measures.models import Scenario

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_every_registered_admin_logs_its_writes_and_has_no_bulk_delete(admin_user):
    request = _request(admin_user)
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, ChangeLoggedAdminMixin), model._meta.label
        assert "delete_selected" not in model_admin.get_actions(request), model._meta.label


def test_every_write_an_admin_can_make_has_a_chinese_action_label(admin_user):
    request = _request(admin_user)
    missing = []
    for model, model_admin in admin.site._registry.items():
        if model_admin.change_logged_by_service:
            continue
        allowed = {
            "create": model_admin.has_add_permission(request),
            "update": model_admin.has_change_permission(request),
            "delete": model_admin.has_delete_permission(request),
        }
        missing += [
            action_code(model, verb)
            for verb, ok in allowed.items()
            if ok and action_code(model, verb) not in labels.ACTIONS
        ]
    assert not missing


def test_history_tables_cannot_be_deleted_in_the_admin(admin_user):
    request = _request(admin_user)
    for label in (
        "accounts.Department",
        "accounts.User",
        "accounts.ApiClient",
        "measures.Scenario",
        "measures.Measure",
        "lists.ListType",
        "records.PublicityRule",
    ):
        model_admin = next(a for m, a in admin.site._registry.items() if m._meta.label == label)
        assert not model_admin.has_delete_permission(request), label


def test_scenario_edit_logs_only_the_changed_fields_with_chinese_labels(
    client, admin_user, scjg, sthj
):
    scenario = Scenario.objects.create(code="audit_test", name="审计测试场景", position=1)
    client.force_login(admin_user)
    response = client.post(
        f"/admin/measures/scenario/{scenario.pk}/change/",
        {
            "code": "audit_test",
            "name": "审计测试场景二",
            "position": 1,
            "active": "on",
            "departments": [scjg.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = ChangeLog.objects.get(action="scenario.update", object_id=str(scenario.pk))
    assert entry.actor_user == admin_user
    assert entry.object_type == "Scenario"
    assert entry.before == {"name": "审计测试场景", "departments": []}
    assert entry.after == {"name": "审计测试场景二", "departments": [f"{scjg.name}（#{scjg.pk}）"]}
    assert labels.action(entry.action) == "修改应用场景"
    assert labels.object_type(entry.object_type) == "应用场景"
    assert labels.field(entry.object_type, "departments") == "可使用的部门"
    assert labels.field(entry.object_type, "name") == "场景名称"


def test_unchanged_save_writes_no_row(client, admin_user):
    scenario = Scenario.objects.create(code="audit_test", name="审计测试场景", position=1)
    client.force_login(admin_user)
    client.post(
        f"/admin/measures/scenario/{scenario.pk}/change/",
        {"code": "audit_test", "name": "审计测试场景", "position": 1, "active": "on"},
    )
    assert not ChangeLog.objects.filter(action="scenario.update").exists()


def test_holiday_add_and_delete_are_logged(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/core/holiday/add/", {"date": "2031-10-01", "name": "国庆节", "is_workday": ""}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    holiday = Holiday.objects.get(date="2031-10-01")
    added = ChangeLog.objects.get(action="holiday.create", object_id=str(holiday.pk))
    assert added.after["name"] == "国庆节" and added.after["date"] == "2031-10-01"
    response = client.post(f"/admin/core/holiday/{holiday.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    deleted = ChangeLog.objects.get(action="holiday.delete", object_id=str(holiday.pk))
    assert deleted.before["name"] == "国庆节"


def test_user_admin_never_logs_a_password_hash(client, admin_user, scjg, user_password):
    client.force_login(admin_user)
    client.post(
        "/admin/accounts/user/add/",
        {
            "username": "zhaoliu",
            "full_name": "赵六",
            "role": "operator",
            "department": scjg.pk,
            "usable_password": "true",
            "password1": user_password,
            "password2": user_password,
        },
    )
    user = User.objects.get(username="zhaoliu")
    entry = ChangeLog.objects.get(action="user.create", object_id=str(user.pk))
    assert "password" not in entry.after
    assert user.password not in str(entry.after)
    assert entry.after["full_name"] == "赵六"


def test_opening_a_subject_in_the_admin_is_access_logged(client, admin_user):
    from credit.audit.models import AccessLog
    from credit.subjects.models import Subject

    subject = Subject.objects.create(
        public_id="s-admin-1", kind="legal", name="后台查看测试公司", name_norm="后台查看测试公司"
    )
    client.force_login(admin_user)
    assert client.get(f"/admin/subjects/subject/{subject.pk}/change/").status_code == 200
    entry = AccessLog.objects.get(resource="admin.subject")
    assert (entry.subject_id, entry.subject_label) == (subject.pk, "后台查看测试公司")
    assert entry.actor_user == admin_user and entry.purpose == f"后台查看信用主体（#{subject.pk}）"
    assert labels.resource(entry.resource) == "后台查看信用主体"
    # The list alone reads no one subject's page.
    client.get("/admin/subjects/subject/")
    assert AccessLog.objects.count() == 1
