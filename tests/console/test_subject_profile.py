"""The console's subject profile: the portal's report sections for the console's audience
(government sharing, plus everything the reader's own department provided), access-logged."""

from __future__ import annotations

import pytest

from credit.audit.models import AccessLog
from tests.portal.conftest import load_portal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(scjg, tmp_path):
    return load_portal_data(scjg, tmp_path)


def _page(client, user, subject) -> str:
    client.force_login(user)
    response = client.get(f"/console/subjects/{subject.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_providing_department_sees_its_records_in_every_state(client, data, operator_user):
    page = _page(client, operator_user, data.company)
    admin = page.split('<h2 id="section-2">行政管理</h2>', 1)[1].split("</section>", 1)[0]
    # Public, expired and withdrawn: the department's own archive.
    for number in ("901", "902", "903"):
        assert f"本市监罚〔2026〕{number}号" in admin
    assert "行政处罚（3）" in admin
    # Sections as on the portal, but no public record links.
    assert '<h2 id="section-4">严重失信主体名单</h2>' in page
    assert "/publicity/records/" not in admin


def test_other_department_sees_what_sharing_may(client, data, other_operator):
    page = _page(client, other_operator, data.company)
    assert "本市监罚〔2026〕901号" in page
    assert "本市监罚〔2026〕902号" not in page  # window ended: no longer shared
    assert "本市监罚〔2026〕903号" not in page  # withdrawn


def test_each_read_is_access_logged(client, data, auditor_user):
    _page(client, auditor_user, data.company)
    entry = AccessLog.objects.get(resource="console.subject_profile")
    assert entry.subject_id == data.company.pk and entry.purpose == "工作台查看信用档案"
    assert entry.actor_user == auditor_user


def test_unknown_subject_is_a_chinese_404(client, data, operator_user):
    client.force_login(operator_user)
    response = client.get("/console/subjects/no-such-subject/")
    assert response.status_code == 404 and "未找到该信用主体" in response.content.decode()
