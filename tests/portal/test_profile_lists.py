"""The profile's 红黑名单 section, the lean profile read and the home page's list counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credit.core.actors import Actor
from credit.lists import queries as list_queries
from credit.lists import services
from credit.lists.models import EntryState, ListEntry, ListType
from credit.portal import profile_page
from credit.records import queries as records

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def text(response) -> str:
    return response.content.decode()


def _enter(list_code: str, subject, number: str, **kwargs) -> ListEntry:
    entry, created = services.enter_decided(
        Actor.system("测试"),
        ListType.objects.get(code=list_code),
        subject,
        number,
        kwargs.pop("decided", TODAY - dt.timedelta(days=30)),
        "认定事实",
        "认定依据",
        **kwargs,
    )
    assert created
    return entry


@pytest.fixture
def entries(portal_data):
    company = portal_data.company
    red = _enter("tax_grade_a", company, "税信〔2026〕1号")
    black = _enter("samr_serious_violation", company, "本市监严〔2026〕7号")
    removed = _enter("court_dishonest", company, "（2026）辽0502执12号")
    services.remove(Actor.system("测试"), removed, "已履行完毕", kind="revoked")
    # Period ended yesterday; still marked published, as if the expiry job had not run.
    _enter(
        "env_bad",
        company,
        "本环信〔2025〕3号",
        decided=TODAY - dt.timedelta(days=400),
        period_end=TODAY - dt.timedelta(days=1),
    )
    ListEntry.objects.filter(decision_number="本环信〔2025〕3号").update(state=EntryState.PUBLISHED)
    unpublished = _enter("customs_advanced", company, "海关认〔2026〕2号", publish_now=False)
    return {"red": red, "black": black, "unpublished": unpublished}


def test_profile_shows_entries_in_force_only(client, portal_data, entries):
    page = text(client.get(f"/subjects/{portal_data.company.public_id}/"))
    assert "守信激励" in page and "失信惩戒" in page
    red_part, black_part = page.split("失信惩戒", 1)[0], page.split("失信惩戒", 1)[1]
    assert "纳税信用A级纳税人" in red_part and "税信〔2026〕1号" in red_part
    assert "市场监督管理严重违法失信名单" in black_part and "本市监严〔2026〕7号" in black_part
    assert 'href="/lists/samr_serious_violation/"' in page
    black = entries["black"]
    assert black.decision_date.strftime("%Y-%m-%d") in page
    assert f"{black.period_start:%Y-%m-%d} 至 {black.period_end:%Y-%m-%d}" in page
    assert "本溪市市场监督管理局" in black_part  # recognising authority
    assert "（2026）辽0502执12号" not in page  # removed
    assert "本环信〔2025〕3号" not in page  # period ended yesterday
    assert "海关认〔2026〕2号" not in page  # decided, not published


def test_profile_without_entries_says_so(client, portal_data):
    page = text(client.get(f"/subjects/{portal_data.company.public_id}/"))
    assert "未列入守信激励（红名单）" in page and "未列入失信惩戒（黑名单）" in page


def test_lean_read_matches_the_shared_rules(portal_data, entries):
    """The compiled statements answer exactly what public_records_of and
    public_entries_of answer, today and on days when windows and periods differ."""
    company = portal_data.company
    for day in (TODAY, TODAY - dt.timedelta(days=20), TODAY - dt.timedelta(days=700)):
        data = profile_page.load(company.public_id, today=day)
        for code in ("licence", "penalty"):
            expected = list(
                records.public_records_of(company, code, today=day).values_list(
                    "doc_number", flat=True
                )
            )
            assert [r.doc_number for r in data.datasets[code].rows] == expected
            assert data.datasets[code].total == len(expected)
        shown = [e.decision_number for e in data.red + data.black]
        expected = [e.decision_number for e in list_queries.public_entries_of(company, day)]
        assert sorted(shown) == sorted(expected)
    assert profile_page.load("no-such-subject") is None


def test_profile_page_costs_four_queries_and_no_session(client, portal_data, entries):
    url = f"/subjects/{portal_data.company.public_id}/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # Without Redis, the shared rate-limit count is one more statement (credit.core.ratelimit).
    # One request in _SWEEP_ONE_IN also deletes old windows' counts: a second statement.
    page = [q["sql"] for q in queries if "core_ratecounter" not in q["sql"]]
    counting = len(queries) - len(page)
    # Four compiled statements: the subject, its current registration (基本信息), its public
    # records and its public list entries, the last two with their 异议标注 (no query of its own).
    assert len(page) == 4 and counting in (1, 2), [q["sql"][:80] for q in queries]
    # An anonymous read neither touches the session nor sets cookies, so it stays cacheable.
    assert not response.cookies and "Cookie" not in response.get("Vary", "")


def test_profile_shows_latest_records_and_links_to_the_rest(client, portal_data, monkeypatch):
    monkeypatch.setattr(profile_page, "SHOWN_PER_DATASET", 1)
    profile_page._statements.cache_clear()
    try:
        page = text(client.get(f"/subjects/{portal_data.company.public_id}/"))
    finally:
        profile_page._statements.cache_clear()
    assert "行政许可（1）" in page and "行政处罚（1）" in page
    # Exactly one of each is shown and within the limit, so no "查看全部" link.
    assert "查看全部" not in page


def test_more_link_lists_the_subject_records(client, portal_data, monkeypatch):
    from credit.records.models import Record

    # A second public penalty, so a limit of one hides one.
    second = Record.objects.get(pk=portal_data.public_penalty.pk)
    second.pk = None
    second.doc_number = second.doc_key = "本市监罚〔2026〕950号"
    # Lists show the catalog's list fields, read from the record's data.
    second.data = {**second.data, "CF_WSH": second.doc_number}
    second.decision_date = second.decision_date - dt.timedelta(days=1)
    second.save()
    monkeypatch.setattr(profile_page, "SHOWN_PER_DATASET", 1)
    profile_page._statements.cache_clear()
    try:
        page = text(client.get(f"/subjects/{portal_data.company.public_id}/"))
    finally:
        profile_page._statements.cache_clear()
    assert "行政处罚（2）" in page
    assert "本市监罚〔2026〕901号" in page and "本市监罚〔2026〕950号" not in page
    link = f"/publicity/penalties/?subject={portal_data.company.public_id}"
    assert link in page
    listed = text(client.get(link))
    assert "共 2 条" in listed and "本市监罚〔2026〕950号" in listed
    assert "本市监罚〔2026〕904号" not in listed  # the person's penalty: another subject


def test_home_counts_public_entries_and_nav_links_lists(client, portal_data, entries):
    page = text(client.get("/"))
    assert '<span class="stat-num">1</span><span class="stat-label">条守信激励' in page
    assert '<span class="stat-num">1</span><span class="stat-label">条失信惩戒' in page
    assert '<a href="/lists/">红黑名单</a>' in page
    lists_page = text(client.get("/lists/"))
    assert '<a href="/lists/" aria-current="page">红黑名单</a>' in lists_page


def test_person_on_a_list_only_has_a_page(client, portal_data):
    from credit.records import services as record_services

    record_services.withdraw(Actor.system("测试"), portal_data.person_penalty, "决定已撤销")
    url = f"/subjects/{portal_data.person.public_id}/"
    assert client.get(url).status_code == 404
    _enter("court_dishonest", portal_data.person, "（2026）辽0502执99号")
    page = text(client.get(url))
    assert "（2026）辽0502执99号" in page and "欧阳**" in page


def test_public_api_profile_lists_entries_in_force(client, portal_data, entries):
    body = client.get(f"/api/v1/public/subjects/{portal_data.company.public_id}").json()
    assert [e["decision_number"] for e in body["blacklist"]] == ["本市监严〔2026〕7号"]
    assert [e["list_name"] for e in body["redlist"]] == ["纳税信用A级纳税人"]
