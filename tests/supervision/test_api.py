"""POST /api/v1/samples, GET /api/v1/samples/{id} and its XLSX, with a department system's
token (scope evaluations:read): the drawn subjects with their grades, the same draw again
from the same seed, bad input answered in Chinese with a 4xx."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client

from credit.accounts import services as accounts
from credit.core.actors import Actor
from credit.supervision.models import SampleDraw
from tests.supervision.conftest import GRADED_PLAN, SCOPE, give_grades

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(licensees):
    return give_grades(licensees.scjg, GRADED_PLAN)


def _token(department, scopes) -> str:
    system = Actor.system("测试")
    client = accounts.create_client(system, f"抽查系统{len(scopes)}", department, scopes)
    return accounts.issue_token(system, client)


@pytest.fixture
def scjg_token(scjg):
    return _token(scjg, [SCOPE])


def _post(token: str, body: dict):
    return Client().post(
        "/api/v1/samples",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def _get(token: str, url: str):
    return Client().get(url, headers={"Authorization": f"Bearer {token}"})


def test_draw_read_and_export(graded, scjg_token, licensees):
    body = {"population": "licensees", "ratios": {"D": 1, "none": 0}, "seed": "20260315"}
    response = _post(scjg_token, body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["seed"] == "20260315"
    assert data["department"]["name"] == "本溪市市场监督管理局"
    strata = {s["grade"]: s for s in data["strata"]}
    assert strata["D"] == {
        "grade": "D",
        "name": "D 级",
        "population": 3,
        "ratio": "1.0000",
        "drawn": 3,
    }
    assert strata["A"]["drawn"] == 1 and strata["none"]["drawn"] == 0
    assert data["drawn_size"] == len(data["subjects"]) == 6
    by_uscc = {s.uscc: s for s in licensees.scjg}
    for item in data["subjects"]:
        subject = by_uscc[item["uscc"]]
        assert item["grade"] == graded[subject.pk]
        assert item["reasons"]
        assert item["public_id"] == subject.public_id

    again = _post(scjg_token, body).json()
    assert [s["uscc"] for s in again["subjects"]] == [s["uscc"] for s in data["subjects"]]
    assert again["id"] != data["id"]

    read = _get(scjg_token, f"/api/v1/samples/{data['id']}")
    assert read.status_code == 200
    assert read.json()["subjects"] == data["subjects"]

    export = _get(scjg_token, f"/api/v1/samples/{data['id']}/xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(export.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "20260315" in values
    assert data["subjects"][0]["name"] in values


def test_another_department_neither_reads_nor_draws_for_it(graded, scjg_token, scjg, sthj):
    drawn = _post(scjg_token, {"population": "licensees", "seed": "1"}).json()
    sthj_token = _token(sthj, [SCOPE])
    response = _get(sthj_token, f"/api/v1/samples/{drawn['id']}")
    assert response.status_code == 404
    assert response.json()["message"] == "抽查记录不存在"
    assert _get(sthj_token, f"/api/v1/samples/{drawn['id']}/xlsx").status_code == 404
    refused = _post(sthj_token, {"department": scjg.pk, "population": "licensees"})
    assert refused.status_code == 403
    assert refused.json()["message"] == "只能为本单位抽取抽查对象"


def test_a_token_without_the_scope_is_refused(graded, scjg):
    token = _token(scjg, ["checks:run"])
    response = _post(token, {"population": "licensees"})
    assert response.status_code == 403
    assert "evaluations:read" in response.json()["message"]
    assert not SampleDraw.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"ratios": {"A": 1.5}}, 400, "A 级的比例“1.5”无效"),
        ({"ratios": {"B": -1}}, 400, "应为 0 到 1 之间的小数"),
        ({"department": 999999}, 400, "部门不存在"),
        ({"population": "listed", "subjects": []}, 400, "不能为空"),
        ({"population": "listed", "subjects": ["NOSUCH"]}, 400, "NOSUCH"),
        ({"population": "nobody"}, 400, "抽查范围"),
        ({"seed": "x" * 50}, 422, "seed"),
        ({"ratios": "half"}, 422, "ratios"),
    ],
)
def test_bad_input_is_answered_in_chinese(graded, scjg_token, body, status, words):
    response = _post(scjg_token, {"population": "licensees", **body})
    assert response.status_code == status, response.content
    assert words in response.content.decode()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])
    assert not SampleDraw.objects.exists()


def test_an_empty_population_is_a_bad_request(graded, credit_office):
    token = _token(credit_office, [SCOPE])
    response = _post(token, {"population": "licensees"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "empty_population",
        "message": "抽查范围“本部门行政许可相对人”内没有可抽取的主体",
    }
