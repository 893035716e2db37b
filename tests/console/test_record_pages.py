"""本单位记录 pages (issue 13): the list with its filters and tabs, a record's versions and
publication history, 撤回 and 更正 with their confirmation step; who sees what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from credit.audit.models import AccessLog
from credit.collection import services as collection
from credit.collection.models import BatchState
from credit.core.actors import Actor
from credit.facts.models import FactEvent
from credit.records import queries
from credit.records.models import Record, RecordHistory
from tests.collection.samples import penalty_row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(catalog, scjg, tmp_path):
    today = timezone.localdate()
    rows = [
        penalty_row(1, decided=today - dt.timedelta(days=5)),
        penalty_row(
            2, decided=today - dt.timedelta(days=500), 行政相对人名称="本溪市钢铁贸易有限公司"
        ),
    ]
    path = write_csv(tmp_path / "p.csv", rows)
    batch = collection.submit_file(
        Actor.system(),
        dataset_code="penalty",
        department=scjg,
        fileobj=path,
        filename=path.name,
        run_now=True,
    )
    assert batch.state == BatchState.DONE, batch.message
    return [Record.objects.get(doc_number=f"本市监罚〔2026〕{n}号") for n in (1, 2)]


def test_operator_lists_filters_and_pages_own_records(login, operator_user, records):
    client = login(operator_user)
    page = client.get("/console/records/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "本单位记录" in text and "本市监罚〔2026〕1号" in text and "公示期满" in text
    # The department filter is the credit office's.
    assert 'name="department"' not in text
    ended = client.get("/console/records/", {"state": "ended"}).content.decode()
    assert "本市监罚〔2026〕2号" in ended and "本市监罚〔2026〕1号" not in ended
    by_name = client.get("/console/records/", {"subject": "钢铁"}).content.decode()
    assert "本市监罚〔2026〕2号" in by_name and "本市监罚〔2026〕1号" not in by_name
    bad = client.get("/console/records/", {"decided_from": "2026-13-01"})
    assert bad.status_code == 400 and "「决定日期自」" in bad.content.decode()
    # The ended record is not public: its subject's read is in the access log.
    assert AccessLog.objects.filter(
        resource="records.department", subject_id=records[1].subject_id
    ).exists()
    assert not AccessLog.objects.filter(
        resource="records.department", subject_id=records[0].subject_id
    ).exists()
    entries = client.get("/console/records/?tab=entries")
    assert entries.status_code == 200 and "暂无名单条目" in entries.content.decode()


def test_other_operator_sees_nothing_auditor_reads_only(
    login, client, other_operator, auditor_user, records
):
    other = login(other_operator)
    assert "本市监罚" not in other.get("/console/records/").content.decode()
    assert other.get(f"/console/records/{records[0].pk}/").status_code == 404
    assert other.post(f"/console/records/{records[0].pk}/withdraw/").status_code == 404
    client.logout()
    auditor = login(auditor_user)
    listing = auditor.get("/console/records/").content.decode()
    assert "本市监罚〔2026〕1号" in listing and 'name="department"' in listing
    detail = auditor.get(f"/console/records/{records[0].pk}/").content.decode()
    assert "记录内容" in detail and "撤回</a>" not in detail
    assert auditor.get(f"/console/records/{records[0].pk}/withdraw/").status_code == 403
    assert auditor.post(f"/console/records/{records[0].pk}/correct/").status_code == 403


def test_withdraw_needs_confirmation_then_stops_publication(login, operator_user, records):
    client = login(operator_user)
    target = records[0]
    url = f"/console/records/{target.pk}/withdraw/"
    assert "撤回依据" in client.get(url).content.decode()
    form = {
        "basis": "revocation",
        "document_number": "本市监撤〔2026〕2号",
        "document_date": timezone.localdate().isoformat(),
        "reason": "原处罚决定已依法撤销",
    }
    missing = client.post(url, {**form, "document_number": "", "confirm": "1"})
    assert missing.status_code == 400 and "撤销决定的文书号" in missing.content.decode()
    confirm = client.post(url, form)
    assert confirm.status_code == 200
    assert "请确认撤回" in confirm.content.decode()
    assert Record.objects.get(pk=target.pk).withdrawn_at is None
    done = client.post(url, {**form, "confirm": "1"})
    assert done.status_code == 302
    assert not queries.public_records().filter(pk=target.pk).exists()
    detail = client.get(done["Location"]).content.decode()
    assert "撤销决定，本市监撤〔2026〕2号" in detail and "已撤回" in detail
    assert FactEvent.objects.filter(action="withdrawn").count() == 1
    # Nothing more to do on a withdrawn record.
    assert client.get(url).status_code == 403


def test_correct_shows_the_difference_then_keeps_the_old_version(login, operator_user, records):
    client = login(operator_user)
    target = records[0]
    url = f"/console/records/{target.pk}/correct/"
    page = client.get(url).content.decode()
    assert "标识该决定，不能更正" in page
    shown = client.get(url).context["form"].shown
    form_data = {f"f_{i.field.code}": i.value for i in shown if not i.fixed and not i.secret}
    label_code = {i.field.label: f"f_{i.field.code}" for i in shown}
    form_data[label_code["处罚内容"]] = "警告并处罚款5000元"
    form_data[label_code["罚款金额（万元）"]] = "0.5"
    form_data["reason"] = "罚款金额录入错误"
    bad = client.post(url, {**form_data, label_code["罚款金额（万元）"]: "五千", "confirm": "1"})
    assert bad.status_code == 422
    assert "「罚款金额（万元）」“五千”不是有效的数值" in bad.content.decode()
    confirm = client.post(url, form_data)
    assert "请确认更正" in confirm.content.decode()
    assert "警告并处罚款5000元" in confirm.content.decode()
    done = client.post(url, {**form_data, "confirm": "1"})
    assert done.status_code == 302, done.content.decode()[:2000]
    corrected = Record.objects.get(pk=target.pk)
    assert corrected.version_no == 2
    assert RecordHistory.objects.filter(record=corrected, version_no=1).exists()
    detail = client.get(done["Location"]).content.decode()
    assert "第 1 版" in detail
    assert "处罚内容：警告并处罚款2000元 → 警告并处罚款5000元" in detail
    assert FactEvent.objects.filter(action="corrected", fact_ids=[target.pk]).exists()
    unchanged = client.post(url, {**form_data, "confirm": "1"})
    assert "没有修改任何字段" in unchanged.content.decode()


def test_credit_admin_sees_every_department_and_filters_by_one(
    login, admin_user, scjg, sthj, records
):
    client = login(admin_user)
    text = client.get("/console/records/").content.decode()
    assert 'name="department"' in text and "本市监罚〔2026〕1号" in text
    other = client.get("/console/records/", {"department": sthj.pk}).content.decode()
    assert "没有符合条件的记录" in other
    detail = client.get(f"/console/records/{records[0].pk}/").content.decode()
    assert "撤回</a>" in detail and "更正</a>" in detail
    page = client.get(f"/console/records/{records[0].pk}/withdraw/").content.decode()
    assert "信用办撤回须写明原因" in page
