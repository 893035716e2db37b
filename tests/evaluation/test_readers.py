"""Where the grade is read: the evaluation API, the sharing API, credit checks (answer,
page, Excel), the console's subject page and, when switched on, the portal."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from credit.accounts import services as accounts
from credit.accounts.models import Scope
from credit.audit.models import AccessLog
from credit.checks import results
from credit.checks.store import run_check
from credit.core.actors import Actor
from credit.evaluation import queries, services
from credit.evaluation.models import EvaluationSettings
from credit.records.models import Record

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(demo_subjects):
    services.evaluate()
    return demo_subjects


def _bearer(system_actor, department, scopes) -> dict:
    client = accounts.create_client(system_actor, "审批系统", department, scopes)
    return {"HTTP_AUTHORIZATION": f"Bearer {accounts.issue_token(system_actor, client)}"}


def test_evaluation_api_gives_grade_explanation_and_history(client, graded, system_actor, scjg):
    headers = _bearer(system_actor, scjg, [Scope.EVALUATIONS_READ])
    subject = graded[1]
    response = client.get(f"/api/v1/evaluations/{subject.uscc}", **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["grade"], body["meaning"], body["model_version"]) == ("B", "诚信度较好", 1)
    assert body["score"] == "95.00" and body["unregistered"] is True
    penalties = next(i for i in body["indicators"] if i["indicator"] == "行政处罚")
    record = Record.objects.get(subject=subject)
    assert penalties["rules"][0]["facts"] == [
        {"kind": "record", "kind_label": "信用记录", "id": record.pk}
    ]
    assert [h["grade"] for h in body["history"]] == ["B"]
    log = AccessLog.objects.get(resource="evaluation.grade")
    assert log.subject_id == subject.pk and "信用评价" in log.purpose


def test_evaluation_api_refusals(client, graded, system_actor, scjg):
    without = _bearer(system_actor, scjg, [Scope.RECORDS_READ])
    response = client.get(f"/api/v1/evaluations/{graded[1].uscc}", **without)
    assert response.status_code == 403 and response.json()["code"] == "scope_required"
    headers = _bearer(system_actor, scjg, [Scope.EVALUATIONS_READ])
    bad = client.get("/api/v1/evaluations/91210502MA0000001", **headers)
    assert bad.status_code == 400 and "统一社会信用代码" in bad.json()["message"]
    # 注销: not graded.
    missing = client.get(f"/api/v1/evaluations/{graded[5].uscc}", **headers)
    assert missing.status_code == 404 and "暂无评价结果" in missing.json()["message"]
    assert client.get(f"/api/v1/evaluations/{graded[1].uscc}").status_code == 401


def test_sharing_api_sends_grade_and_valid_date(client, graded, system_actor, scjg):
    headers = _bearer(system_actor, scjg, [Scope.RECORDS_READ])
    response = client.get(
        f"/api/v1/shared/subjects/{graded[2].uscc}/records", {"purpose": "审批核查"}, **headers
    )
    assert response.status_code == 200, response.content
    evaluation = response.json()["evaluation"]
    assert evaluation["grade"] == "C" and evaluation["model_version"] == 1
    assert evaluation["valid_from"] == queries.current_grade(graded[2].pk).valid_from.isoformat()


def test_credit_check_answer_page_and_excel_carry_the_grade(client, graded, operator_user):
    actor = Actor.for_user(operator_user)
    check = run_check(
        actor,
        "bidding",
        [{"uscc": graded[1].uscc}, {"uscc": graded[3].uscc}],
        purpose="招标项目 BX-1",
    )
    items = check.answer["items"]
    assert items[0]["evaluation"]["grade"] == "B" and items[1]["evaluation"]["grade"] == "A"
    valid_from = items[0]["evaluation"]["valid_from"]

    client.force_login(operator_user)
    page = client.get(f"/console/checks/{check.pk}/").content.decode()
    assert f"信用评价：<strong>B</strong>（诚信度较好，{valid_from} 起）" in page

    _name, data = results.export_xlsx(actor, check.pk)
    sheet = load_workbook(BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "序号")
    column = header.index("信用评价")
    assert rows[rows.index(header) + 1][column] == f"B（诚信度较好，{valid_from} 起）"


def test_console_subject_page_explains_the_grade_with_links(client, graded, admin_user):
    client.force_login(admin_user)
    subject = graded[1]
    page = client.get(f"/console/subjects/{subject.public_id}/").content.decode()
    record = Record.objects.get(subject=subject)
    assert "公共信用综合评价" in page and 'class="grade-B">B</strong>' in page
    assert "近三年一般失信行政处罚" in page and "无登记注册信息" in page
    assert f'href="/console/records/{record.pk}/"' in page


def test_portal_shows_grades_only_when_switched_on(client, graded):
    subject = graded[3]
    queries.forget_settings()
    page = client.get(f"/subjects/{subject.public_id}/").content.decode()
    assert "公共信用综合评价" not in page
    EvaluationSettings.objects.create(show_on_portal=True)
    page = client.get(f"/subjects/{subject.public_id}/").content.decode()
    assert "公共信用综合评价：<strong>A</strong>（诚信度高）" in page
