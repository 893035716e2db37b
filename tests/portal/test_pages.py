"""The public pages read only what the publicity engine says is public, masked."""

from __future__ import annotations

import pytest
from django.test import override_settings

from credit.portal.opaque import record_pk, record_token

from .conftest import COMPANY, COMPANY_USCC, LEGAL_REP_ID, PERSON, PERSON_ID

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_home_shows_counts_and_latest(client, portal_data):
    page = text(client.get("/"))
    assert 'lang="zh-CN"' in page and "跳到主要内容" in page
    assert '<label for="q">' in page
    # Public today: the current company penalty, the person's penalty and the licence.
    assert '<span class="stat-num">2</span><span class="stat-label">条行政处罚' in page
    assert '<span class="stat-num">1</span><span class="stat-label">条行政许可' in page
    assert "本市监罚〔2026〕901号" in page
    assert "本市监罚〔2026〕902号" not in page and "本市监罚〔2026〕903号" not in page


def test_search_by_part_of_name(client, portal_data):
    page = text(client.get("/search/", {"q": "明山)钢铁"}))
    assert COMPANY in page and COMPANY_USCC in page
    assert "法人及非法人组织" in page and "平山区" in page
    # Only the public licence and the public penalty are counted.
    assert "<dd>1 条</dd>" in page and page.count("<dd>1 条</dd>") == 2


def test_search_by_uscc(client, portal_data):
    page = text(client.get("/search/", {"q": COMPANY_USCC}))
    assert "按统一社会信用代码查询" in page and COMPANY in page


def test_persons_are_not_searchable_by_name(client, portal_data):
    page = text(client.get("/search/", {"q": PERSON}))
    assert "没有找到匹配的信用主体" in page
    assert PERSON not in page.split("</form>", 1)[1]


def test_profile_shows_public_records_only(client, portal_data):
    response = client.get(f"/subjects/{portal_data.company.public_id}/")
    page = text(response)
    assert response.status_code == 200
    assert COMPANY in page and COMPANY_USCC in page and "张三" in page
    assert "本市监罚〔2026〕901号" in page and "本市监许〔2026〕905号" in page
    assert "本市监罚〔2026〕902号" not in page  # window ended
    assert "本市监罚〔2026〕903号" not in page  # withdrawn
    assert "信息更新日期" in page
    assert LEGAL_REP_ID not in page and LEGAL_REP_ID[:6] + "********" not in page
    assert 'name="robots"' not in page


def test_person_profile_is_masked_and_noindex(client, portal_data):
    page = text(client.get(f"/subjects/{portal_data.person.public_id}/"))
    assert '<meta name="robots" content="noindex">' in page
    assert PERSON not in page and "欧阳**" in page
    assert PERSON_ID not in page
    assert PERSON_ID[:6] + "********" + PERSON_ID[-4:] in page


def test_person_with_nothing_public_has_no_page(client, portal_data):
    from credit.core.actors import Actor
    from credit.records import services

    services.withdraw(Actor.system("测试"), portal_data.person_penalty, "决定已撤销")
    assert client.get(f"/subjects/{portal_data.person.public_id}/").status_code == 404


def test_unknown_subject_is_a_chinese_404(client, portal_data):
    response = client.get("/subjects/nobody-here/")
    assert response.status_code == 404 and "未找到该信用主体" in text(response)


def test_record_detail_uses_opaque_ids_and_hides_secret_fields(client, portal_data):
    record = portal_data.public_penalty
    token = record_token(record.pk)
    assert len(token) == 22 and record_pk(token) == record.pk
    neighbour = record_token(record.pk + 1)
    assert sum(a == b for a, b in zip(token, neighbour, strict=True)) < 8  # not sequential
    assert record_pk(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    page = text(client.get(f"/publicity/records/{token}/"))
    assert "本市监罚〔2026〕901号" in page and "违法事实" in page and "销售不合格产品" in page
    assert "法定代表人证件号码" not in page and LEGAL_REP_ID not in page
    assert client.get(f"/publicity/records/{record.pk}/").status_code == 404


@pytest.mark.parametrize("which", ["expired_penalty", "withdrawn_penalty"])
def test_ended_and_withdrawn_records_have_no_detail_page(client, portal_data, which):
    token = record_token(getattr(portal_data, which).pk)
    response = client.get(f"/publicity/records/{token}/")
    assert response.status_code == 404 and "已不在公示期内" in text(response)


def test_person_record_detail_is_masked(client, portal_data):
    page = text(client.get(f"/publicity/records/{record_token(portal_data.person_penalty.pk)}/"))
    assert '<meta name="robots" content="noindex">' in page
    assert PERSON not in page and "欧阳**" in page
    assert PERSON_ID not in page and "证件号码" not in page


def test_publicity_lists_and_filters(client, portal_data, scjg):
    page = text(client.get("/publicity/penalties/"))
    assert "共 2 条" in page and "本市监罚〔2026〕901号" in page and "欧阳**" in page
    assert "本市监罚〔2026〕902号" not in page and "本市监罚〔2026〕903号" not in page
    assert "共 1 条" in text(client.get("/publicity/penalties/", {"q": "钢铁贸易"}))
    # Persons are not found by name in the lists either; their document numbers are.
    assert "共 0 条" in text(client.get("/publicity/penalties/", {"q": PERSON}))
    assert "共 1 条" in text(client.get("/publicity/penalties/", {"q": "904号"}))
    assert "共 2 条" in text(client.get("/publicity/penalties/", {"department": scjg.id}))
    assert "共 2 条" in text(client.get("/publicity/penalties/", {"category": "罚款"}))
    assert "共 0 条" in text(client.get("/publicity/penalties/", {"category": "行政拘留"}))
    decided = portal_data.public_penalty.decision_date.isoformat()
    only_one = {"date_from": decided, "date_to": decided}
    assert "共 1 条" in text(client.get("/publicity/penalties/", only_one))
    bad = text(
        client.get("/publicity/penalties/", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    )
    assert "起始日期不能晚于截止日期" in bad
    licences = text(client.get("/publicity/licences/", {"category": "普通"}))
    assert "共 1 条" in licences and "本市监许〔2026〕905号" in licences


@override_settings(CREDIT_RATE_LIMIT_PER_MINUTE=3)
def test_rate_limit_gives_a_chinese_429(client, portal_data, monkeypatch):
    # One fixed moment: four requests on a loaded machine may otherwise straddle a minute.
    from credit.core import ratelimit

    moment = 1_800_000_030.0
    monkeypatch.setattr(ratelimit, "_clock", lambda: moment)
    for _ in range(3):
        assert client.get("/search/", {"q": "钢铁"}).status_code == 200
    response = client.get(f"/subjects/{portal_data.company.public_id}/")
    assert response.status_code == 429
    assert "访问过于频繁" in text(response)
    assert 1 <= int(response["Retry-After"]) <= 61
    # Another client is not affected.
    other = client.get("/search/", {"q": "钢铁"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
