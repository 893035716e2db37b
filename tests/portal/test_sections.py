"""The profile as a 信用中国-style report: sections come from the catalog, so a dataset
the code has never seen (defined here, by a YAML file this test writes) shows up in its
section with its list fields, on the page, in the public API and as a public list."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from credit.catalog.definition import SECTIONS
from credit.catalog.services import load_definitions
from credit.collection import services as collection
from credit.collection.models import BatchState
from credit.core.actors import Actor
from credit.records.models import Record
from tests.collection.samples import SCJG_NAME, SCJG_USCC, company_uscc, write_csv

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()

# A 司法判决 item nothing in the code names; 判决摘要 is public but not a list field.
YAML = """
code: test_judgment
name: 测试裁判文书
category: 不良
section: 司法判决
subject_kinds: [organization]
share_attr: 有条件共享
open_attr: 社会公开
business_key: [PJ_FYDM, PJ_AH]
publicity: {rule: fixed_term, from: PJ_RQ}
display:
  list: [PJ_AH, PJ_AY, PJ_RQ]
  filter: PJ_AY
fields:
  - {code: PJ_MC, label: 当事人名称, type: text, required: true, max_length: 200, role: subject_name}
  - {code: PJ_LB, label: 当事人类别, type: enum, values: [法人及非法人组织], required: true, role: subject_kind}
  - {code: PJ_DM, label: 当事人统一社会信用代码, type: identifier, identifier: uscc, required: true, role: subject_uscc}
  - {code: PJ_AH, label: 案号, type: text, required: true, max_length: 100, role: document_number}
  - {code: PJ_AY, label: 案由, type: enum, values: [合同纠纷, 侵权纠纷], required: true}
  - {code: PJ_ZY, label: 判决摘要, type: text, max_length: 500}
  - {code: PJ_RQ, label: 判决日期, type: date, required: true, not_future: true, role: decision_date}
  - {code: PJ_FY, label: 审理法院, type: text, required: true, max_length: 200, role: authority_name}
  - {code: PJ_FYDM, label: 法院统一社会信用代码, type: identifier, identifier: uscc, required: true, role: authority_uscc}
"""


@pytest.fixture
def judged(db, scjg, tmp_path):
    call_command("load_catalog", verbosity=0)
    folder = tmp_path / "defs"
    folder.mkdir()
    (folder / "test_judgment.yaml").write_text(YAML, encoding="utf-8")
    load_definitions(Actor.system(), folder)
    row = {
        "当事人名称": "本溪市裁判测试有限公司",
        "当事人类别": "法人及非法人组织",
        "当事人统一社会信用代码": company_uscc(501),
        "案号": "（2026）辽0502民初1号",
        "案由": "合同纠纷",
        "判决摘要": "判令被告支付货款十万元",
        "判决日期": (TODAY - dt.timedelta(days=5)).strftime("%Y/%m/%d"),
        "审理法院": SCJG_NAME,
        "法院统一社会信用代码": SCJG_USCC,
    }
    batch = collection.submit_file(
        Actor.system(),
        dataset_code="test_judgment",
        department=scjg,
        fileobj=write_csv(tmp_path / "判决.csv", [row]),
        filename="判决.csv",
        policy="reject_all",
        dry_run=False,
        run_now=True,
    )
    assert batch.state == BatchState.DONE, batch.message
    return Record.objects.get(doc_number="（2026）辽0502民初1号")


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_yaml_only_dataset_shows_in_its_section_with_its_list_fields(client, judged):
    html = _main(client.get(f"/subjects/{judged.subject.public_id}/").content.decode())
    titles = [
        html.split(f'<h2 id="section-{n}">', 1)[1].split("</h2>", 1)[0]
        for n in range(1, len(SECTIONS) + 1)
    ]
    # Every section of the report, in the catalog's order, empty ones saying so.
    assert titles == list(SECTIONS)
    judgment = html.split('<h2 id="section-8">司法判决</h2>', 1)[1].split("</section>", 1)[0]
    assert "测试裁判文书（1）" in judgment
    for label in ("案号", "案由", "判决日期"):
        assert f'<th scope="col">{label}</th>' in judgment
    assert "（2026）辽0502民初1号" in judgment and "合同纠纷" in judgment
    # Public, but not one of the dataset's list fields: only on the record page.
    assert "判令被告支付货款" not in judgment
    assert "暂无经营异常信息" in html
    assert "本溪市裁判测试有限公司" in html.split('<h2 id="section-2">', 1)[0]


def test_yaml_only_dataset_has_a_public_list_with_its_filter(client, judged):
    listed = client.get("/publicity/test_judgment/").content.decode()
    assert "<h1>测试裁判文书公示</h1>" in listed and "共 1 条" in listed
    assert '<label for="id_category">案由</label>' in listed
    assert (
        "共 0 条"
        in client.get("/publicity/test_judgment/", {"category": "侵权纠纷"}).content.decode()
    )
    assert "测试裁判文书公示" in client.get("/publicity/").content.decode()
    assert "最新测试裁判文书" in client.get("/").content.decode()


def test_public_api_returns_the_sections_with_dataset_and_fields(client, judged):
    response = client.get(f"/api/v1/public/subjects/{judged.subject.public_id}")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert [s["title"] for s in body["sections"]] == list(SECTIONS)
    basic = body["sections"][0]["basic"]
    assert {"label": "名称", "value": "本溪市裁判测试有限公司"} in basic
    judgment = next(s for s in body["sections"] if s["title"] == "司法判决")
    (block,) = judgment["datasets"]
    assert block["dataset"] == "test_judgment" and block["total"] == 1
    (record,) = block["records"]
    assert record["dataset"] == "test_judgment"
    assert record["fields"] == [
        {"label": "案号", "value": "（2026）辽0502民初1号"},
        {"label": "案由", "value": "合同纠纷"},
        {"label": "判决日期", "value": judged.data["PJ_RQ"]},
    ]
    # The older keys stay for existing clients.
    assert body["licences"] == [] and body["penalties"] == [] and body["redlist"] == []


def test_openapi_documents_the_sections_with_an_example(client):
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    profile = schema["components"]["schemas"]["ProfileOut"]["properties"]["sections"]
    assert "基本信息" in profile["description"] and profile["example"][0]["title"] == "基本信息"


def test_profile_of_shipped_datasets_keeps_licences_and_penalties_in_administration(
    client, portal_data
):
    html = _main(client.get(f"/subjects/{portal_data.company.public_id}/").content.decode())
    admin = html.split('<h2 id="section-2">行政管理</h2>', 1)[1].split("</section>", 1)[0]
    # 许可 before 处罚 (display.position), each with its list fields.
    assert admin.index("行政许可（") < admin.index("行政处罚（")
    assert '<th scope="col">处罚类别</th>' in admin
    assert "本市监罚〔2026〕901号" in admin
