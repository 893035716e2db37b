"""The audit pages read in Chinese and the access log is found by subject name or USCC."""

from __future__ import annotations

import pytest

from credit.audit.services import log_access, log_change
from credit.core.actors import Actor
from credit.subjects.models import Subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def subjects():
    return (
        Subject.objects.create(
            public_id="s-audit-1",
            kind="legal",
            name="本溪市审计测试商贸有限公司",
            name_norm="本溪市审计测试商贸有限公司",
            uscc="91210502MA0000001X",
        ),
        Subject.objects.create(
            public_id="s-audit-2",
            kind="legal",
            name="桓仁另一家公司",
            name_norm="桓仁另一家公司",
            uscc="91210502MA0000002X",
        ),
    )


def test_change_log_shows_field_names_state_names_and_subject_names(
    client, auditor_user, operator_user, subjects
):
    actor = Actor.for_user(operator_user)
    log_change(
        actor,
        "list_entry.decide",
        "ListEntry",
        5,
        before={"subject_id": subjects[0].pk, "state": "notified"},
        after={"subject_id": subjects[0].pk, "state": "decided"},
    )
    log_change(actor, "batch_finished", "batch", "b1", after={"state": "rejected", "total": 3})
    client.force_login(auditor_user)
    page = client.get("/console/audit/changes/").content.decode()
    assert "<dt>状态</dt><dd>已告知（陈述申辩期）</dd>" in page
    assert "<dt>状态</dt><dd>已决定</dd>" in page
    assert f"<dd>{subjects[0].name}（{subjects[0].pk}）</dd>" in page
    assert "<dt>状态</dt><dd>已退回</dd>" in page and "<dt>总行数</dt><dd>3</dd>" in page
    assert "作出列入决定" in page and "名单条目" in page
    assert "notified" not in page and "subject_id" not in page


def test_access_log_filters_by_subject_name_and_uscc(client, auditor_user, operator_user, subjects):
    actor = Actor.for_user(operator_user)
    for subject in subjects:
        log_access(actor, "records.shared", "政务共享", subject.pk, subject.name)
    client.force_login(auditor_user)
    response = client.get("/console/audit/access/", {"subject_name": "审计测试"})
    assert [e.subject_id for e in response.context["page"]] == [subjects[0].pk]
    response = client.get("/console/audit/access/", {"uscc": subjects[1].uscc.lower()})
    assert [e.subject_id for e in response.context["page"]] == [subjects[1].pk]
    response = client.get("/console/audit/access/", {"subject_name": "没有这家公司"})
    assert list(response.context["page"]) == []
    page = response.content.decode()
    assert 'name="subject_name"' in page and "统一社会信用代码" in page


def test_admin_edit_reads_as_names_not_json(client, auditor_user, admin_user, scjg):
    from credit.audit.adminlog import action_code
    from credit.measures.models import Scenario

    log_change(
        Actor.for_user(admin_user),
        action_code(Scenario, "update"),
        "Scenario",
        1,
        before={"departments": [], "active": True},
        after={"departments": [f"{scjg.name}（#{scjg.pk}）"], "active": False},
    )
    client.force_login(auditor_user)
    page = client.get("/console/audit/changes/").content.decode()
    assert "<dt>可使用的部门</dt><dd>（无）</dd>" in page
    assert f"<dt>可使用的部门</dt><dd>{scjg.name}（#{scjg.pk}）</dd>" in page
    assert "<dt>启用</dt><dd>否</dd>" in page and "修改应用场景" in page
