"""Public list pages and the console procedure pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string

from credit.core.actors import Actor
from credit.lists import queries, services
from credit.lists.models import EntryState, ListEntry, ListType

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _published(actor, list_type, subject, number, decided=None, **kwargs):
    entry, _ = services.enter_decided(
        actor,
        list_type,
        subject,
        number,
        decided or TODAY - dt.timedelta(days=30),
        "事实",
        "依据",
        **kwargs,
    )
    return entry


@pytest.fixture
def office(system_actor, departments) -> Actor:
    return system_actor


def test_public_list_shows_current_entries_only(client, office, samr_list, make_subject):
    shown = make_subject("本溪市公开展示有限公司")
    removed = make_subject("本溪市已移出有限公司")
    expired = make_subject("本溪市已期满有限公司")
    unpublished = make_subject("本溪市未公开有限公司")
    person = make_subject("张三丰", kind="person")

    _published(office, samr_list, shown, "公开〔2026〕1号")
    _published(office, samr_list, person, "公开〔2026〕2号")
    gone = _published(office, samr_list, removed, "公开〔2026〕3号")
    services.remove(office, gone, "决定被撤销", kind="revoked")
    # Period ended yesterday; put back as published as if the expiry job had not run yet.
    _published(
        office,
        samr_list,
        expired,
        "公开〔2026〕4号",
        decided=TODAY - dt.timedelta(days=60),
        period_end=TODAY - dt.timedelta(days=1),
    )
    ListEntry.objects.filter(decision_number="公开〔2026〕4号").update(state=EntryState.PUBLISHED)
    _published(office, samr_list, unpublished, "公开〔2026〕5号", publish_now=False)

    response = client.get("/lists/samr_serious_violation/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "本溪市公开展示有限公司" in html
    assert f'href="/subjects/{shown.public_id}/"' in html
    assert "公开〔2026〕1号" in html
    assert "张**" in html and "张三丰" not in html
    for hidden in ("本溪市已移出有限公司", "本溪市已期满有限公司", "本溪市未公开有限公司"):
        assert hidden not in html
    assert "《企业信息公示暂行条例》第十八条" in html  # the list's measures

    index = client.get("/lists/").content.decode()
    assert "市场监督管理严重违法失信名单" in index and "纳税信用A级纳税人" in index


def test_unknown_or_inactive_list_is_404(client, samr_list):
    assert client.get("/lists/no_such_list/").status_code == 404
    ListType.objects.filter(pk=samr_list.pk).update(active=False)
    assert client.get("/lists/samr_serious_violation/").status_code == 404


def test_profile_partial_renders_entries(office, samr_list, subject):
    entry = _published(office, samr_list, subject, "档案〔2026〕1号")
    html = render_to_string(
        "lists/_profile_entries.html", {"list_entries": queries.public_entries_of(subject)}
    )
    assert "市场监督管理严重违法失信名单" in html and entry.decision_number in html
    assert "黑名单" in html
    assert "未列入红黑名单" in render_to_string("lists/_profile_entries.html", {"list_entries": []})


def test_console_procedure_by_posts(client, operator_user, user_password, samr_list, subject):
    client.login(username=operator_user.username, password=user_password)
    response = client.post(
        "/console/lists/new/",
        {
            "list_type": samr_list.pk,
            "subject_kind": "organization",
            "uscc": subject.uscc.lower(),
            "notice_number": "本市监告〔2026〕8号",
            "notice_date": (TODAY - dt.timedelta(days=30)).isoformat(),
            "served_how": "直接送达",
            "reasons": "严重违法",
        },
    )
    entry = ListEntry.objects.get(subject=subject)
    assert response.status_code == 302 and response.url == f"/console/lists/{entry.pk}/"

    page = client.get(f"/console/lists/{entry.pk}/").content.decode()
    assert "登记陈述申辩" in page and "作出列入决定" in page and "csrfmiddlewaretoken" in page
    assert "/publish/" not in page  # not offered before a decision

    response = client.post(
        f"/console/lists/{entry.pk}/waive/",
        {
            "waive-waived_on": (TODAY - dt.timedelta(days=2)).isoformat(),
            "waive-document_number": "放弃书〔2026〕8号",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/console/lists/{entry.pk}/decide/",
        {
            "decide-decision_number": "本市监严〔2026〕8号",
            "decide-decision_date": (TODAY - dt.timedelta(days=1)).isoformat(),
            "decide-facts": "事实",
            "decide-basis": "依据",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == EntryState.DECIDED

    # An early-removal application in the first year is refused with the service's message.
    response = client.post(
        f"/console/lists/{entry.pk}/remove/",
        {"remove-kind": "application", "remove-reason": "申请提前移出"},
    )
    assert response.status_code == 400
    assert "个月后方可申请提前移出" in response.content.decode()

    response = client.post(f"/console/lists/{entry.pk}/publish/", {})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == EntryState.PUBLISHED
    listing = client.get("/console/lists/").content.decode()
    assert subject.name in listing and "已公开" in listing


def test_console_refuses_other_departments(
    client, other_operator, operator_user, user_password, samr_list, subject
):
    entry = services.notify(
        Actor.for_user(operator_user),
        samr_list,
        subject,
        "本市监告〔2026〕9号",
        TODAY - dt.timedelta(days=30),
        "理由",
    )
    client.login(username=other_operator.username, password=user_password)
    assert client.get(f"/console/lists/{entry.pk}/").status_code == 404
    assert client.post(f"/console/lists/{entry.pk}/waive/", {}).status_code == 404
    assert subject.name not in client.get("/console/lists/").content.decode()
    # The new-entry form offers only the lists this department recognises.
    response = client.post(
        "/console/lists/new/",
        {
            "list_type": samr_list.pk,
            "subject_kind": "organization",
            "uscc": subject.uscc,
            "notice_number": "X",
            "notice_date": TODAY.isoformat(),
            "reasons": "理由",
        },
    )
    assert response.status_code == 200
    assert ListEntry.objects.count() == 1
    entry.refresh_from_db()
    assert not entry.statement_waived


def test_console_requires_login(client):
    response = client.get("/console/lists/")
    assert response.status_code == 302 and "/console/login/" in response.url


def test_expire_command(office, samr_list, subject, capsys):
    from django.core.management import call_command

    _published(
        office,
        samr_list,
        subject,
        "命令〔2026〕1号",
        decided=TODAY - dt.timedelta(days=60),
        period_end=TODAY + dt.timedelta(days=5),
    )
    call_command("expire_list_entries", "--today", (TODAY + dt.timedelta(days=6)).isoformat())
    assert "期满移出名单条目 1 条" in capsys.readouterr().out
    assert ListEntry.objects.get().state == EntryState.REMOVED


def test_console_enter_decided(client, operator_user, user_password, samr_list, subject):
    client.login(username=operator_user.username, password=user_password)
    form = {
        "list_type": samr_list.pk,
        "subject_kind": "organization",
        "uscc": subject.uscc,
        "decision_number": "本市监严〔2026〕20号",
        "decision_date": (TODAY - dt.timedelta(days=3)).isoformat(),
        "facts": "事实",
        "basis": "依据",
        "publish_now": "on",
    }
    response = client.post("/console/lists/enter/", form)
    entry = ListEntry.objects.get()
    assert response.status_code == 302 and response.url == f"/console/lists/{entry.pk}/"
    assert entry.state == EntryState.PUBLISHED and entry.department_id == samr_list.department_id
    client.post("/console/lists/enter/", form)
    assert ListEntry.objects.count() == 1
    page = client.get(f"/console/lists/{entry.pk}/").content.decode()
    assert "录入列入决定" in page and "公开" in page


def test_auditors_cannot_open_list_work(client, auditor_user):
    client.force_login(auditor_user)
    assert client.get("/console/lists/").status_code == 403
