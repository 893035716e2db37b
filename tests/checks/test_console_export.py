"""The results export: what the workbook holds, who may export, the access log, and a
10,000-subject check in reasonable time."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from credit.audit.models import AccessLog
from credit.checks import feedback, results
from credit.checks.results import COLUMNS
from credit.checks.store import ACCESS_RESOURCE, run_check
from credit.core.normalize import name_key
from credit.subjects.models import Subject

from .test_checks_helpers import make_person, make_subject, person_id, put_on_list, uscc

pytestmark = pytest.mark.django_db

MEASURE = "P-SAMR-02"


@pytest.fixture
def check(actor):
    listed = make_subject("本溪市导出失信有限公司", code=uscc(620001))
    put_on_list(listed, "samr_serious_violation")
    make_subject("本溪市导出守法有限公司", code=uscc(620002))
    make_person("李导出", person_id(62))
    made = run_check(
        actor,
        "bidding",
        [
            {"uscc": uscc(620001)},
            {"uscc": uscc(620002), "name": '=HYPERLINK("http://x","点我")'},
            {"id_number": person_id(62)},
            {"name": "本溪市查无此导出公司"},
            {"uscc": "9121"},
        ],
        purpose="导出测试 BXZB-1",
    )
    feedback.give_feedback(
        actor, made.pk, [{"index": 0, "measure": MEASURE, "applied": True, "result": "否决投标"}]
    )
    return made


def _sheet(response, read_only=False):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content), read_only=read_only)
    return workbook["核查结果"]


def _table(sheet) -> tuple[dict, list[str], list[dict]]:
    """(header block by label, column titles, one dict per subject row)."""
    # A read-only sheet gives each row only up to its last written cell.
    rows = [list(r) + [None] * (len(COLUMNS) - len(r)) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row[0] == "序号")
    head = {row[0]: row[1] for row in rows[:start] if row[0]}
    header = rows[start]
    body = [dict(zip(header, row, strict=True)) for row in rows[start + 1 :]]
    return head, header, body


def test_export_holds_header_block_and_one_row_per_subject(client, operator_user, check):
    client.force_login(operator_user)
    detail = client.get(f"/console/checks/{check.pk}/").content.decode()
    assert f'href="/console/checks/{check.pk}/export.xlsx"' in detail and "导出 Excel" in detail

    response = client.get(f"/console/checks/{check.pk}/export.xlsx")
    head, header, body = _table(_sheet(response))
    assert "filename*=UTF-8''" in response["Content-Disposition"]

    assert head["核查编号"] == f"#{check.pk}"
    assert head["场景"] == "招标投标"
    assert head["事由"] == "导出测试 BXZB-1"
    assert head["部门"] == operator_user.department.name
    assert head["核查人"] == operator_user.username
    beijing = timezone.localtime(check.created_at, ZoneInfo("Asia/Shanghai"))
    assert head["时间"] == f"{beijing:%Y-%m-%d %H:%M:%S}（北京时间）"

    assert tuple(header) == COLUMNS
    assert [r["序号"] for r in body] == [1, 2, 3, 4, 5]
    listed, clean, person, missing, invalid = body
    assert listed["匹配状态"] == "已匹配"
    assert listed["主体名称"] == "本溪市导出失信有限公司"
    assert listed["统一社会信用代码"] == uscc(620001)
    assert listed["结论"] == "命中黑名单"
    assert listed["黑名单条目"].startswith("市场监督管理严重违法失信名单（本认〔2026〕")
    assert listed["红名单条目"] is None
    assert listed["不良记录数"] == 0
    assert listed["适用措施"].startswith(f"{MEASURE} ")
    assert listed["反馈情况"] == f"{MEASURE}：已实施；结果：否决投标"

    assert clean["结论"] == "无不良记录" and clean["适用措施"] is None
    # Text that looks like a formula is kept as text, never evaluated by Excel.
    assert clean["输入"].startswith('=HYPERLINK("http://x","点我")')
    cell = next(c for row in _sheet(response).iter_rows() for c in row if c.value == clean["输入"])
    assert cell.data_type == "s"

    number = person_id(62)
    assert person["主体名称"] == "李导出"
    assert person["证件号码"] == f"{number[:6]}********{number[-4:]}"
    assert number not in response.content.decode("latin-1")
    assert all(number not in str(value) for row in body for value in row.values())

    assert missing["匹配状态"] == "未找到" and missing["主体名称"] is None
    assert missing["结论"].startswith("未找到")
    assert invalid["匹配状态"] == "标识无效"
    assert "统一社会信用代码应为 18 位" in invalid["结论"]


def test_export_is_access_logged_per_matched_subject(client, operator_user, check):
    client.force_login(operator_user)
    before = AccessLog.objects.count()
    client.get(f"/console/checks/{check.pk}/export.xlsx")
    logs = AccessLog.objects.filter(purpose=f"导出核查结果（#{check.pk}）")
    assert logs.count() == AccessLog.objects.count() - before == 3
    assert {log.subject_label for log in logs} == {
        "本溪市导出失信有限公司",
        "本溪市导出守法有限公司",
        "李导出",
    }
    assert all(log.actor_user_id == operator_user.pk for log in logs)
    assert set(logs.values_list("resource", flat=True)) == {ACCESS_RESOURCE}
    assert all(log.subject_id for log in logs)


def test_viewing_the_result_page_is_access_logged(client, operator_user, check):
    client.force_login(operator_user)
    client.get(f"/console/checks/{check.pk}/")
    logs = AccessLog.objects.filter(purpose=f"查看核查结果（#{check.pk}）")
    assert logs.count() == 3


def test_reloading_the_result_page_writes_no_new_rows_within_the_window(
    client, operator_user, other_operator, admin_user, check, settings
):
    settings.CREDIT_ACCESS_LOG_DEDUP_SECONDS = 300
    views = AccessLog.objects.filter(purpose=f"查看核查结果（#{check.pk}）")
    client.force_login(operator_user)
    for _ in range(3):
        assert client.get(f"/console/checks/{check.pk}/").status_code == 200
    assert views.count() == 3  # one per subject, once
    # Another reader is logged; an export always is.
    client.force_login(admin_user)
    client.get(f"/console/checks/{check.pk}/")
    assert views.filter(actor_user=admin_user).count() == 3
    client.force_login(operator_user)
    client.get(f"/console/checks/{check.pk}/export.xlsx")
    assert AccessLog.objects.filter(purpose=f"导出核查结果（#{check.pk}）").count() == 3
    # Once the window has passed, a view is logged again.
    views.update(at=timezone.now() - dt.timedelta(seconds=301))
    client.get(f"/console/checks/{check.pk}/")
    assert views.filter(actor_user=operator_user).count() == 6


def test_with_no_window_every_view_is_logged(client, operator_user, check, settings):
    settings.CREDIT_ACCESS_LOG_DEDUP_SECONDS = 0
    client.force_login(operator_user)
    client.get(f"/console/checks/{check.pk}/")
    client.get(f"/console/checks/{check.pk}/")
    assert AccessLog.objects.filter(purpose=f"查看核查结果（#{check.pk}）").count() == 6


def test_another_department_cannot_export_the_credit_office_can(
    client, other_operator, admin_user, auditor_user, check
):
    client.force_login(other_operator)
    refused = client.get(f"/console/checks/{check.pk}/export.xlsx")
    assert refused.status_code == 404
    assert "信用核查记录不存在" in refused.content.decode()
    assert not AccessLog.objects.filter(purpose__startswith="导出核查结果").exists()
    client.force_login(auditor_user)
    assert client.get(f"/console/checks/{check.pk}/export.xlsx").status_code == 403
    client.force_login(admin_user)
    _head, _header, body = _table(_sheet(client.get(f"/console/checks/{check.pk}/export.xlsx")))
    assert len(body) == 5
    assert client.get("/console/checks/999999/export.xlsx").status_code == 404


def test_export_of_a_10000_subject_check(client, operator_user, actor):
    subjects = [
        Subject(
            public_id=f"X{n:08d}",
            kind="organization",
            name=f"本溪市批量导出第{n}有限公司",
            name_norm=name_key(f"本溪市批量导出第{n}有限公司"),
            uscc=uscc(700000 + n),
            region_code="210502",
        )
        for n in range(9_000)
    ]
    Subject.objects.bulk_create(subjects, batch_size=1000)
    asked = [{"uscc": uscc(700000 + n)} for n in range(10_000)]
    check = run_check(actor, "bidding", asked, purpose="测试核查")
    client.force_login(operator_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/console/checks/{check.pk}/export.xlsx")
    sheet = _sheet(response, read_only=True)
    _head, _header, body = _table(sheet)
    assert len(body) == 10_000
    assert body[-1]["序号"] == 10_000 and body[-1]["匹配状态"] == "未找到"
    assert body[0]["主体名称"] == "本溪市批量导出第0有限公司"
    assert AccessLog.objects.filter(purpose=f"导出核查结果（#{check.pk}）").count() == 9_000
    # A per-row query would show as 10,000 or more; the export reads and logs in bulk
    # (SQLite splits the access-log insert into ~100 statements by its variable limit). (Timing is
    # the benchmark's business, never a test's.)
    assert len(queries) < 500, len(queries)


def test_feedback_states_in_the_export(client, operator_user, actor):
    for n in (1, 2, 3):
        put_on_list(
            make_subject(f"本溪市导出反馈{n}有限公司", code=uscc(621000 + n)),
            "samr_serious_violation",
        )
    check = run_check(
        actor, "bidding", [{"uscc": uscc(621000 + n)} for n in (1, 2, 3)], purpose="测试核查"
    )
    feedback.give_feedback(
        actor,
        check.pk,
        [
            {"index": 0, "measure": MEASURE, "applied": False, "reason": "项目已终止"},
            {"index": 1, "measure": MEASURE, "applied": True, "reason": "依法", "result": "限制"},
        ],
    )
    client.force_login(operator_user)
    _head, _header, body = _table(_sheet(client.get(f"/console/checks/{check.pk}/export.xlsx")))
    assert [row["反馈情况"] for row in body] == [
        f"{MEASURE}：未实施；理由：项目已终止",
        f"{MEASURE}：已实施；理由：依法；结果：限制",
        f"{MEASURE}：待反馈（截止 {check.feedback_due:%Y-%m-%d}）",
    ]
    # Past the due date it reads as overdue.
    rows = results._feedback_by_position(check, check.feedback_due + dt.timedelta(days=1))
    assert rows[2][MEASURE] == "逾期未反馈"
