"""Credit check console pages: inside the console layout, the check form end to end, roles."""

from __future__ import annotations

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from credit.checks.models import CreditCheck

from .test_checks_helpers import make_subject, put_on_list, uscc

pytestmark = pytest.mark.django_db

PAGES = [
    ("/console/checks/", "核查记录"),
    ("/console/checks/new/", "单个主体核查"),
    ("/console/checks/batch/", "批量核查"),
    ("/console/checks/overdue/", "逾期未反馈"),
    ("/console/checks/stats/", "统计"),
]


def _current_nav(page: str) -> list[str]:
    """Text of every link marked aria-current="page" (top nav and sub-nav)."""
    marked = []
    for chunk in page.split('aria-current="page">')[1:]:
        marked.append(chunk.split("<", 1)[0])
    return marked


@pytest.mark.parametrize("url,sub", PAGES)
def test_pages_sit_in_the_console_with_checks_highlighted(client, operator_user, url, sub):
    client.force_login(operator_user)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-label="工作台导航"' in page
    assert "信用本溪工作台" in page.split("</title>")[0]
    assert _current_nav(page) == ["信用核查", sub]
    assert "console/base.html" in [t.name for t in response.templates]


def test_standalone_fallback_is_gone():
    with pytest.raises(TemplateDoesNotExist):
        get_template("measures/standalone.html")


def test_single_check_through_the_form(client, operator_user):
    company = make_subject("本溪市失信测试有限公司", code=uscc(424242))
    put_on_list(company, "samr_serious_violation")
    client.force_login(operator_user)
    form = client.get("/console/checks/new/").content.decode()
    assert 'name="scenario"' in form and 'name="uscc"' in form
    response = client.post(
        "/console/checks/new/",
        {"scenario": "bidding", "purpose": "招标项目资格审查", "uscc": uscc(424242)},
        follow=True,
    )
    check = CreditCheck.objects.get(purpose="招标项目资格审查")
    assert response.redirect_chain[-1][0] == f"/console/checks/{check.pk}/"
    page = response.content.decode()
    assert _current_nav(page) == ["信用核查"]
    assert "本溪市失信测试有限公司" in page
    assert '<span class="hit-black">命中黑名单</span>' in page


def test_check_without_identifiers_is_refused_by_the_form(client, operator_user):
    client.force_login(operator_user)
    response = client.post("/console/checks/new/", {"scenario": "bidding"})
    # The form answers; nothing is stored or counted (tests/checks/test_console_single.py).
    assert response.status_code == 200
    assert "请至少填写统一社会信用代码、身份证号或名称之一" in response.content.decode()
    assert not CreditCheck.objects.exists()


def test_feedback_through_the_result_page_shows_one_message(client, operator_user):
    company = make_subject("本溪市反馈测试有限公司", code=uscc(434343))
    put_on_list(company, "samr_serious_violation")
    client.force_login(operator_user)
    client.post(
        "/console/checks/new/", {"scenario": "bidding", "purpose": "测试核查", "uscc": uscc(434343)}
    )
    check = CreditCheck.objects.get()
    code = check.answer["items"][0]["measures"][0]["code"]
    detail = client.get(f"/console/checks/{check.pk}/").content.decode()
    assert f'name="applied-0-{code}"' in detail and "保存反馈" in detail
    response = client.post(
        f"/console/checks/{check.pk}/feedback/",
        {f"applied-0-{code}": "yes", f"result-0-{code}": "已取消投标资格"},
        follow=True,
    )
    page = response.content.decode()
    # The console layout shows messages; the page itself must not repeat them.
    assert page.count("已保存 1 条反馈") == 1
    assert "已反馈：已实施；结果：已取消投标资格" in page
    empty = client.post(f"/console/checks/{check.pk}/feedback/", follow=True).content.decode()
    assert empty.count("请至少提供一条反馈") == 1


def test_auditor_reads_checks_but_runs_none(client, auditor_user, operator_user):
    from credit.audit.models import AccessLog
    from credit.checks.store import run_check
    from credit.core.actors import Actor

    listed = make_subject("本溪市审计查看有限公司", code=uscc(200070))
    put_on_list(listed, "samr_serious_violation")
    check = run_check(
        Actor.for_user(operator_user), "bidding", [{"uscc": uscc(200070)}], purpose="测试核查"
    )
    client.force_login(auditor_user)
    listing = client.get("/console/checks/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert f'href="/console/checks/{check.pk}/"' in page
    # Read only: no way in to run a check.
    assert 'href="/console/checks/new/"' not in page and 'href="/console/checks/batch/"' not in page
    assert client.get("/console/checks/new/").status_code == 403
    result = client.get(f"/console/checks/{check.pk}/").content.decode()
    assert "命中黑名单" in result and 'name="applied-0-P-SAMR-02"' not in result
    assert "导出 Excel" not in result
    # The auditor's read is itself in the access log.
    read = AccessLog.objects.get(purpose=f"查看核查结果（#{check.pk}）")
    assert read.actor_user == auditor_user and read.subject_id == listed.pk
    # From the access log to the check it records.
    log_page = client.get("/console/audit/access/").content.decode()
    assert (
        f'<a href="/console/checks/{check.pk}/">信用核查（招标投标：测试核查）#{check.pk}</a>'
        in log_page
    )
