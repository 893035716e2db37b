"""Each national catalogue dataset's own template, filled in, imports; each dataset takes
rows by the API; each is exposed to the public and to government sharing by its
attributes."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from credit import facts
from credit.collection.models import BatchState
from credit.records.models import Record

from ..lists.test_court import court_row
from .test_abnormal_registration import abnormal_row, registration_row
from .test_national_datasets import enforcement_row, evaluation_row, honour_row

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _rows(code: str, office) -> list[dict[str, str]]:
    recent = TODAY - dt.timedelta(days=4)
    return {
        "registration": [registration_row(1, recent)],
        "abnormal_operation": [abnormal_row(1, recent)],
        "enforcement": [enforcement_row(1, recent)],
        "honour": [honour_row(1, recent, TODAY + dt.timedelta(days=30))],
        "evaluation_result": [evaluation_row(1, str(TODAY.year - 1))],
        "court_dishonest": [court_row(1, office)],
    }[code]


# (dataset, sent by the credit office, public record, shared record)
DATASETS = [
    ("registration", False, False, True),
    ("abnormal_operation", False, True, True),
    ("enforcement", False, True, True),
    ("honour", False, True, True),
    ("evaluation_result", False, True, True),
    # The public sees the 失信被执行人 entry, not the record.
    ("court_dishonest", True, False, True),
]


@pytest.fixture
def sender(scjg, credit_office):
    return lambda by_office: credit_office if by_office else scjg


@pytest.mark.parametrize(("code", "by_office", "public", "shared"), DATASETS)
def test_filled_template_imports_and_is_exposed_by_attributes(
    client, admin_user, credit_office, sender, run_file, tmp_path, code, by_office, public, shared
):
    client.force_login(admin_user)
    response = client.get(f"/catalog/{code}/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    row = _rows(code, credit_office)[0]
    assert set(row) <= set(header), set(row) - set(header)
    for column, label in enumerate(header, start=1):
        sheet.cell(row=2, column=column, value=row.get(label, ""))
    path = tmp_path / f"{code}.xlsx"
    workbook.save(path)

    batch = run_file(sender(by_office), path, dataset=code)
    assert batch.state == BatchState.DONE, (batch.message, list(batch.errors.values()))
    assert batch.new_rows == 1
    record = Record.objects.get(dataset__code=code)
    readable = {
        audience: facts.readable(facts.RECORD, audience).filter(pk=record.pk).exists()
        for audience in (facts.Audience.PUBLIC, facts.Audience.SHARING)
    }
    assert readable == {facts.Audience.PUBLIC: public, facts.Audience.SHARING: shared}


@pytest.mark.parametrize("code", ["enforcement", "honour", "evaluation_result"])
def test_rows_by_api_with_errors_per_item(client, api_client_scjg, catalog, credit_office, code):
    _client, token = api_client_scjg
    good = _rows(code, credit_office)[0]
    date_label = next(k for k in good if k.endswith("日期"))
    bad = {**good, date_label: "2025/13/40"}
    response = client.post(
        "/api/v1/records",
        {"dataset": code, "policy": "reject_failed_rows", "items": [good, bad]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [i["result"] for i in items] == ["新增", "错误"]
    assert items[1]["errors"][0]["column"] == date_label
    assert "日期" in items[1]["errors"][0]["message"]
    assert Record.objects.filter(dataset__code=code).count() == 1
