from datetime import timedelta

import pytest
from django.utils import timezone

from credit.audit import labels, queries
from credit.audit.models import AccessLog, ChangeLog
from credit.audit.services import log_access, log_change
from credit.checks.store import ACCESS_RESOURCE
from credit.core.actors import Actor
from credit.records.queries import SHARED_RESOURCE


@pytest.fixture
def entries(operator_user, other_operator):
    a, b = Actor.for_user(operator_user), Actor.for_user(other_operator)
    log_change(a, "record.update", "Record", 101, before={"v": 1}, after={"v": 2})
    log_change(b, "record.withdraw", "Record", 202)
    old = log_change(a, "record.update", "Record", 303)
    ChangeLog.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=40))
    log_access(a, "subject.profile", "行政审批核查", subject_id=7, subject_label="本溪某公司")
    log_access(b, "subject.records", "执法检查", subject_id=8, subject_label="另一公司")


def test_auditor_sees_and_filters_changes(client, auditor_user, entries, operator_user):
    client.force_login(auditor_user)
    response = client.get("/console/audit/changes/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-CN">' in page or "lang=" in page
    assert response.context["page"].paginator.count == ChangeLog.objects.count()
    response = client.get("/console/audit/changes/", {"actor": operator_user.username})
    assert {e.object_id for e in response.context["page"]} >= {"101", "303"}
    assert "202" not in {e.object_id for e in response.context["page"]}
    response = client.get("/console/audit/changes/", {"action": "record.withdraw"})
    assert [e.object_id for e in response.context["page"]] == ["202"]
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    response = client.get(
        "/console/audit/changes/", {"date_from": since, "actor": operator_user.username}
    )
    assert [e.object_id for e in response.context["page"]] == ["101"]


def test_access_log_filters_by_subject_and_resource(client, admin_user, entries):
    client.force_login(admin_user)
    response = client.get("/console/audit/access/", {"object_id": "7"})
    assert response.status_code == 200
    assert [e.subject_label for e in response.context["page"]] == ["本溪某公司"]
    response = client.get("/console/audit/access/", {"action": "subject.records"})
    assert [e.purpose for e in response.context["page"]] == ["执法检查"]
    assert "查询日志" in response.content.decode()


def test_filters_offer_chinese_labels(client, admin_user, entries, operator_user):
    log_change(Actor.for_user(operator_user), "user.create", "User", 9)
    client.force_login(admin_user)
    page = client.get("/console/audit/access/").content.decode()
    # Every resource reads are logged under, by its Chinese name (no scan of the log).
    assert '<option value="measures.check">信用核查</option>' in page
    assert '<option value="records.shared">共享信用记录</option>' in page
    page = client.get("/console/audit/changes/", {"action": "user.create"}).content.decode()
    assert '<option value="user.create" selected>新建用户</option>' in page


def test_every_resource_the_code_logs_under_has_a_label():
    logged = {ACCESS_RESOURCE, SHARED_RESOURCE}
    assert logged <= set(labels.RESOURCES)


def test_access_log_in_admin_filters_by_registered_resource(client, admin_user, entries):
    client.force_login(admin_user)
    log_access(Actor.for_user(admin_user), "measures.check", "信用核查（招标投标）#1")
    response = client.get("/admin/audit/accesslog/", {"resource": "measures.check"})
    assert response.status_code == 200
    page = response.content.decode()
    # Rows name the resource in Chinese, not by its code.
    assert '<td class="field-resource_name">信用核查</td>' in page
    assert '<td class="field-resource_name">measures.check</td>' not in page
    response = client.get("/admin/audit/accesslog/", {"at__gte": "2000-01-01 00:00:00+08:00"})
    assert response.status_code == 200


def test_a_date_range_is_read_by_time():
    ranged = queries.accesses(queries.LogFilter(date_from=timezone.localdate()))
    assert ranged.query.order_by == ("-at", "-id")
    assert queries.accesses(queries.LogFilter()).query.order_by == ("-id",)


def test_reversed_dates_are_reported_in_chinese(client, auditor_user, entries):
    client.force_login(auditor_user)
    response = client.get(
        "/console/audit/changes/", {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert "开始日期不能晚于结束日期" in response.content.decode()


def test_pagination(client, auditor_user, system_actor, db):
    for i in range(120):
        log_change(system_actor, "bulk.test", "Thing", i)
    client.force_login(auditor_user)
    response = client.get("/console/audit/changes/", {"action": "bulk.test", "page": 3})
    assert response.context["page"].number == 3
    assert len(response.context["page"].object_list) == 20
    assert "action=bulk.test&amp;page=2" in response.content.decode()


def test_operators_get_a_chinese_403(client, operator_user, entries):
    client.force_login(operator_user)
    for url in ("/console/audit/changes/", "/console/audit/access/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "无权访问" in response.content.decode()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/console/audit/changes/")
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")


def test_logs_are_read_only_in_admin(client, auditor_user, admin_user, entries):
    entry = ChangeLog.objects.first()
    access = AccessLog.objects.first()
    client.force_login(auditor_user)
    assert client.get("/admin/audit/changelog/").status_code == 200
    assert client.get(f"/admin/audit/changelog/{entry.pk}/change/").status_code == 200
    client.force_login(admin_user)  # a superuser
    assert client.get("/admin/audit/changelog/", {"q": entry.object_id}).status_code == 200
    assert client.get("/admin/audit/changelog/add/").status_code == 403
    assert client.get(f"/admin/audit/accesslog/{access.pk}/delete/").status_code == 403
    response = client.post(
        f"/admin/audit/changelog/{entry.pk}/change/", {"action": "tampered", "actor_label": "x"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.action != "tampered"


def test_operator_cannot_open_logs_in_admin(client, operator_user, entries):
    operator_user.is_staff = True
    operator_user.save()
    client.force_login(operator_user)
    assert client.get("/admin/audit/changelog/").status_code == 403


def test_pages_sit_in_the_console_with_audit_highlighted(client, auditor_user, entries):
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    client.force_login(auditor_user)
    for url, sub in [
        ("/console/audit/changes/", "变更日志"),
        ("/console/audit/access/", "查询日志"),
    ]:
        response = client.get(url)
        page = response.content.decode()
        assert "console/base.html" in [t.name for t in response.templates]
        marked = [c.split("<", 1)[0] for c in page.split('aria-current="page">')[1:]]
        assert marked == ["审计日志", sub]
    with pytest.raises(TemplateDoesNotExist):
        get_template("audit/standalone.html")


def test_refusal_sits_in_the_console(client, operator_user, entries):
    client.force_login(operator_user)
    response = client.get("/console/audit/access/")
    assert response.status_code == 403
    assert "console/base.html" in [t.name for t in response.templates]
    assert 'href="/console/audit/changes/"' not in response.content.decode()


def test_change_fields_are_listed_readably(client, auditor_user, operator_user, db):
    log_change(
        Actor.for_user(operator_user),
        "batch_finished",
        "batch",
        "b-1",
        after={"dry_run": False, "rows": 3, "note": None, "extra": {"名称": "本溪"}},
    )
    client.force_login(auditor_user)
    page = client.get("/console/audit/changes/").content.decode()
    assert "<dt>仅校验</dt><dd>否</dd>" in page
    assert "<dt>rows</dt><dd>3</dd>" in page and "<dt>note</dt><dd>—</dd>" in page
    assert "<dt>extra</dt><dd>{&quot;名称&quot;: &quot;本溪&quot;}</dd>" in page
    assert "'dry_run'" not in page
