"""Console pages (承诺核查 queue, one commitment with its verification form, registration)
and the portal list /commitments/, and the profile's 信用承诺 section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from credit.collection import services as collection
from credit.commitments.models import Commitment, Fulfilment
from credit.core.actors import Actor
from credit.records.models import Record
from tests.collection.samples import company_uscc

from .samples import commitment_row

pytestmark = pytest.mark.django_db
MADE = dt.date(2026, 9, 30)


@pytest.fixture
def sent(catalog, scjg):
    rows = [
        commitment_row(1, made=MADE),
        commitment_row(2, made=MADE, 承诺类型="主动型", 承诺事项="守法诚信经营"),
        commitment_row(3, made=MADE, 是否公开="否", 承诺事项="不公开的承诺事项"),
    ]
    batch = collection.submit_rows(
        Actor.system(), dataset_code="commitment", department=scjg, items=rows
    )
    assert batch.state == "done", batch.message
    return {c.code[-1]: c for c in Commitment.objects.all()}


def _login(user, password) -> Client:
    client = Client()
    assert client.login(username=user.username, password=password)
    return client


def test_queue_lists_overdue_for_the_department(
    sent, operator_user, other_operator, admin_user, user_password
):
    page = _login(operator_user, user_password).get("/console/commitments/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "逾期未核查的承诺：3 条" in html
    assert sent["1"].code in html and "逾期未核查" in html
    other = _login(other_operator, user_password).get("/console/commitments/").content.decode()
    assert sent["1"].code not in other
    office = (
        _login(admin_user, user_password).get("/console/commitments/?due=overdue").content.decode()
    )
    assert sent["1"].code in office and "受理单位" in office
    bad = _login(operator_user, user_password).get("/console/commitments/?made_from=2026-13-01")
    assert bad.status_code == 200 and "承诺日期自" in bad.content.decode()


def test_verify_broken_in_the_console(sent, operator_user, user_password):
    client = _login(operator_user, user_password)
    url = f"/console/commitments/{sent['1'].pk}/"
    missing = client.post(url, {"result": "broken", "severity": "一般"})
    assert "核查结果为失信时须填写失信事实" in missing.content.decode()
    assert Commitment.objects.get(pk=sent["1"].pk).state == Fulfilment.PENDING
    done = client.post(
        url,
        {
            "result": "broken",
            "facts": "承诺的经营场所不存在",
            "decision": "本市监信〔2026〕7号",
            "severity": "一般",
        },
        follow=True,
    )
    assert "已登记核查结果：失信" in done.content.decode()
    commitment = Commitment.objects.get(pk=sent["1"].pk)
    assert commitment.state == Fulfilment.BROKEN
    # The breach is on the subject's public profile, in section 信用承诺.
    profile = Client().get(f"/subjects/{commitment.subject.public_id}/").content.decode()
    assert "违背信用承诺" in profile and "本市监信〔2026〕7号" in profile


def test_register_in_the_console(catalog, scjg, operator_user, user_password):
    client = _login(operator_user, user_password)
    response = client.post(
        "/console/commitments/new/",
        {
            "subject_name": "本溪市控制台承诺有限公司",
            "subject_kind": "法人及非法人组织",
            "subject_uscc": company_uscc(880),
            "kind": "voluntary",
            "made_on": "2026-11-02",
            "matter": "守法诚信经营",
            "reason": "主动公开承诺",
            "text": "守法诚信经营，接受社会监督。",
            "public": "on",
        },
        follow=True,
    )
    assert "已登记信用承诺 21050020261102000001" in response.content.decode()
    bad = client.post(
        "/console/commitments/new/",
        {
            "subject_name": "本溪市控制台承诺有限公司",
            "subject_kind": "法人及非法人组织",
            "subject_uscc": "123",
            "kind": "voluntary",
            "made_on": "2026-11-02",
            "matter": "守法诚信经营",
            "reason": "主动公开承诺",
            "text": "守法诚信经营。",
        },
    )
    assert "统一社会信用代码" in bad.content.decode()
    assert Commitment.objects.count() == 1


def test_portal_list_shows_public_commitments_only(sent):
    page = Client().get("/commitments/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "守法诚信经营" in html
    assert "不公开的承诺事项" not in html
    filtered = Client().get("/commitments/", {"type": "审批替代型"})
    assert filtered.status_code == 200
    record = Record.objects.get(doc_number=sent["2"].code)
    profile = Client().get(f"/subjects/{record.subject.public_id}/").content.decode()
    assert "信用承诺" in profile and sent["2"].code in profile
