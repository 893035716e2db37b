"""A dataset the code has never seen, defined only by a YAML file this test writes, goes
through every reader according to its catalog attributes: template, import by file and by
API, the portal profile, the public API and search, the sharing API and the credit check.
A second one, 不予公开 and 不予共享, is imported the same way and reaches none of the public
or shared readers."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from credit.catalog.services import load_definitions
from credit.collection.models import BatchState
from credit.core.actors import Actor
from credit.records import queries as records
from credit.records.models import Record
from credit.subjects.search import search_subjects

from .collection.samples import SCJG_NAME, SCJG_USCC, company_uscc, write_csv

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()

# 补充目录 items as the credit office would write them. Nothing in src/ names these codes.
_DEFINITION = """\
code: {code}
name: {name}
category: 不良
national_category: 补充目录
section: 其他
subject_kinds: [organization]
share_attr: {share}
open_attr: {open}
business_key: [{p}_JGDM, {p}_WH]
publicity: {{rule: fixed_term, from: {p}_RDRQ}}
display:
  list: [{p}_WH, {p}_QFLB, {p}_JE, {p}_RDRQ, {p}_JG]
  record: [{p}_WH, {p}_QFLB, {p}_JE, {p}_QSRQ, {p}_RDRQ, {p}_JG]
fields:
  - {{code: {p}_ZTMC, label: 欠费单位名称, type: text, required: true, max_length: 200, role: subject_name}}
  - {{code: {p}_ZTLB, label: 单位类别, type: enum, values: [法人及非法人组织], required: true, role: subject_kind}}
  - {{code: {p}_ZTDM, label: 统一社会信用代码, type: identifier, identifier: uscc, required: true, role: subject_uscc}}
  - {{code: {p}_WH, label: 欠费认定书编号, type: text, required: true, max_length: 100, role: document_number}}
  - {{code: {p}_QFLB, label: 欠费类别, type: enum, values: [水费, 电费, 燃气费, 供暖费], required: true}}
  - {{code: {p}_JE, label: 欠费金额（万元）, type: decimal, required: true, min_exclusive: 0}}
  - {{code: {p}_QSRQ, label: 欠费起始日期, type: date, required: true, not_future: true}}
  - {{code: {p}_RDRQ, label: 认定日期, type: date, required: true, not_future: true, role: decision_date}}
  - {{code: {p}_JG, label: 认定单位, type: text, required: true, max_length: 200, role: authority_name}}
  - {{code: {p}_JGDM, label: 认定单位统一社会信用代码, type: identifier, identifier: uscc, required: true, role: authority_uscc}}
"""
PUBLIC = {"code": "bx_utility_arrears", "name": "本溪市欠缴公用事业费信息", "p": "QF"}
PRIVATE = {"code": "bx_utility_private", "name": "本溪市欠缴公用事业费内部信息", "p": "QN"}


def _day(day: dt.date) -> str:
    return day.strftime("%Y/%m/%d")


def _row(n: int, name: str, number: str) -> dict[str, str]:
    return {
        "欠费单位名称": name,
        "单位类别": "法人及非法人组织",
        "统一社会信用代码": company_uscc(n),
        "欠费认定书编号": number,
        "欠费类别": "供暖费",
        "欠费金额（万元）": "3.5",
        "欠费起始日期": _day(TODAY - dt.timedelta(days=400)),
        "认定日期": _day(TODAY - dt.timedelta(days=3)),
        "认定单位": SCJG_NAME,
        "认定单位统一社会信用代码": SCJG_USCC,
    }


@pytest.fixture
def defined(db, tmp_path, scjg):
    """The shipped catalog plus the two YAML files, loaded through the catalog loader."""
    call_command("load_catalog", verbosity=0)
    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / "public.yaml").write_text(
        _DEFINITION.format(share="有条件共享", open="社会公开", **PUBLIC), encoding="utf-8"
    )
    (folder / "private.yaml").write_text(
        _DEFINITION.format(share="不予共享", open="不予公开", **PRIVATE), encoding="utf-8"
    )
    loaded = load_definitions(Actor.system(), folder)
    assert sorted(r.code for r in loaded) == sorted([PUBLIC["code"], PRIVATE["code"]])
    return folder


def _import_file(dept, path, code):
    from credit.collection import services

    return services.submit_file(
        Actor.system(),
        dataset_code=code,
        department=dept,
        fileobj=path,
        filename=path.name,
        policy="reject_all",
        dry_run=False,
        run_now=True,
    )


def test_template_lists_the_yaml_fields(client, operator_user, defined):
    client.force_login(operator_user)
    response = client.get(reverse("catalog:template", args=[PUBLIC["code"]]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:6] == [
        "欠费单位名称",
        "单位类别",
        "统一社会信用代码",
        "欠费认定书编号",
        "欠费类别",
        "欠费金额（万元）",
    ]


def test_public_and_shared_dataset_reaches_every_reader(
    client, operator_user, api_client_scjg, scjg, defined, tmp_path
):
    _client, token = api_client_scjg
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    name = "本溪市欠费测试热力有限公司"

    # Import by file (the public dataset) and by the JSON API (the private one, same subject).
    path = write_csv(tmp_path / "欠费.csv", [_row(1, name, "本热欠〔2026〕1号")])
    batch = _import_file(scjg, path, PUBLIC["code"])
    assert batch.state == BatchState.DONE, batch.message
    assert batch.new_rows == 1
    pushed = client.post(
        "/api/v1/records",
        {"dataset": PRIVATE["code"], "items": [_row(1, name, "本热内〔2026〕1号")]},
        content_type="application/json",
        **bearer,
    )
    assert pushed.status_code == 200, pushed.content
    assert [i["result"] for i in pushed.json()["items"]] == ["新增"]
    public = Record.objects.get(doc_number="本热欠〔2026〕1号")
    private = Record.objects.get(doc_number="本热内〔2026〕1号")
    assert public.subject_id == private.subject_id
    subject = public.subject
    # Publicity by the attribute's rule: public from its 认定日期.
    assert public.public_from == TODAY - dt.timedelta(days=3)
    assert public.visibility == "public"
    assert private.visibility != "public"

    # The portal profile shows the public record only.
    html = client.get(reverse("portal:subject", args=[subject.public_id])).content.decode()
    assert PUBLIC["name"] in html and "本热欠〔2026〕1号" in html
    assert "本热内〔2026〕1号" not in html and PRIVATE["name"] not in html

    # What the public API's profile is built from: the public reader of the kernel.
    assert [r.doc_number for r in records.public_records_of(subject)] == ["本热欠〔2026〕1号"]

    # Public search: the subject is found through its one public record, counted under its
    # dataset and its section; the legacy 许可/处罚 counts stay zero.
    body = client.get("/api/v1/public/subjects", {"q": name}).json()
    assert [(i["name"], i["licences"], i["penalties"]) for i in body["items"]] == [(name, 0, 0)]
    from credit.portal.present import count_public

    hit = search_subjects(name, count_records=count_public, public_only=True).hits[0]
    assert hit.datasets == {PUBLIC["code"]: 1}
    assert hit.sections == {"其他": 1}

    # The sharing API: the shared record with its dataset, category and displayed fields;
    # the 不予共享 one never.
    shared = client.get(
        f"/api/v1/shared/subjects/{company_uscc(1)}/records", {"purpose": "审批核查"}, **bearer
    )
    assert shared.status_code == 200, shared.content
    records_out = shared.json()["records"]
    assert [(r["dataset"], r["document_number"]) for r in records_out] == [
        (PUBLIC["code"], "本热欠〔2026〕1号")
    ]
    out = records_out[0]
    assert (out["category"], out["section"], out["dataset_name"]) == (
        "不良",
        "其他",
        PUBLIC["name"],
    )
    assert [(f["code"], f["value"]) for f in out["displayed"]] == [
        ("QF_WH", "本热欠〔2026〕1号"),
        ("QF_QFLB", "供暖费"),
        ("QF_JE", "3.5"),
        ("QF_QSRQ", (TODAY - dt.timedelta(days=400)).isoformat()),
        ("QF_RDRQ", (TODAY - dt.timedelta(days=3)).isoformat()),
        ("QF_JG", SCJG_NAME),
    ]

    # The credit check (on PostgreSQL through the single check's compiled statement): the
    # 不良 record is summarised with its dataset's check fields (its list fields without
    # the document number, date and authority the answer shows anyway).
    answer = client.post(
        "/api/v1/checks",
        {"scenario": "bidding", "purpose": "招标资格审查", "subjects": [{"uscc": company_uscc(1)}]},
        content_type="application/json",
        **bearer,
    )
    assert answer.status_code == 200, answer.content
    item = answer.json()["items"][0]
    assert item["verdicts"] == ["有不良记录"]
    assert [(r["dataset"], r["doc_number"]) for r in item["records"]] == [
        (PUBLIC["code"], "本热欠〔2026〕1号")
    ]
    assert item["records"][0]["summary"] == {"欠费类别": "供暖费", "欠费金额（万元）": "3.5"}

    # The same answer on the console's result page and in its Excel export.
    check_id = answer.json()["id"]
    client.force_login(operator_user)
    page = client.get(f"/console/checks/{check_id}/").content.decode()
    assert "本热欠〔2026〕1号" in page and "欠费类别：供暖费" in page
    export = client.get(f"/console/checks/{check_id}/export.xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
    header = next(row for row in rows if row[0] == "序号")
    subject_row = dict(zip(header, rows[rows.index(header) + 1], strict=True))
    assert subject_row["不良记录数"] == 1
    assert subject_row["不良记录"] == (
        f"{PUBLIC['name']} 本热欠〔2026〕1号（{(TODAY - dt.timedelta(days=3)).isoformat()}，"
        f"{SCJG_NAME}） 欠费类别：供暖费；欠费金额（万元）：3.5"
    )


def test_check_summary_follows_the_attribute(client, api_client_scjg, scjg, defined, tmp_path):
    """Turning `check_summary` off in a new version takes the dataset out of the check."""
    _client, token = api_client_scjg
    path = write_csv(tmp_path / "欠费.csv", [_row(2, "本溪市欠费测试供水有限公司", "本水欠1")])
    assert _import_file(scjg, path, PUBLIC["code"]).state == BatchState.DONE

    def records_in_check():
        answer = client.post(
            "/api/v1/checks",
            {"scenario": "bidding", "purpose": "审查", "subjects": [{"uscc": company_uscc(2)}]},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert answer.status_code == 200, answer.content
        return [r["doc_number"] for r in answer.json()["items"][0]["records"]]

    assert records_in_check() == ["本水欠1"]
    public_yaml = defined / "public.yaml"
    public_yaml.write_text(
        public_yaml.read_text(encoding="utf-8") + "check_summary: false\n", encoding="utf-8"
    )
    (defined / "private.yaml").unlink()
    load_definitions(Actor.system(), defined)
    # The record keeps its version; the attribute of that version decides. Re-import it
    # under the new version so the record carries it.
    again = write_csv(
        tmp_path / "欠费2.csv",
        [{**_row(2, "本溪市欠费测试供水有限公司", "本水欠1"), "欠费金额（万元）": "4"}],
    )
    assert _import_file(scjg, again, PUBLIC["code"]).state == BatchState.DONE
    assert records_in_check() == []


def test_private_dataset_counts_nowhere_in_public_search(client, scjg, defined, tmp_path):
    name = "本溪市欠费内部测试有限公司"
    path = write_csv(tmp_path / "内部.csv", [_row(3, name, "本内1")])
    assert _import_file(scjg, path, PRIVATE["code"]).state == BatchState.DONE
    assert Record.objects.filter(doc_number="本内1").exists()
    # Its only record is not public: the public search does not find the subject at all.
    assert client.get("/api/v1/public/subjects", {"q": name}).json()["items"] == []
    assert records.public_records().filter(doc_number="本内1").count() == 0


def test_yaml_is_plain_text_the_code_never_saw():
    """The definitions above are data: their codes appear nowhere in src/."""
    from pathlib import Path

    import credit

    source = "\n".join(
        p.read_text(encoding="utf-8") for p in Path(credit.__file__).parent.rglob("*.py")
    )
    for spec in (PUBLIC, PRIVATE):
        assert spec["code"] not in source and spec["name"] not in source
