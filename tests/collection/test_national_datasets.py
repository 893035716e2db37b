"""The national basic catalogue datasets (enforcement, honour, evaluation_result) go
through the real import path and get their publicity window from their attributes."""

from __future__ import annotations

import datetime as dt

import pytest

from credit.collection.models import BatchState
from credit.core.periods import add_months
from credit.records.models import Record

from .samples import SCJG_NAME, SCJG_USCC, company_uscc, write_csv

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _day(d: dt.date) -> str:
    return d.strftime("%Y/%m/%d")


def enforcement_row(n: int, decided: dt.date) -> dict[str, str]:
    return {
        "行政相对人名称": f"本溪市强制测试有限公司{n}",
        "行政相对人类别": "法人及非法人组织",
        "行政相对人代码_1（统一社会信用代码）": company_uscc(n),
        "法定代表人": "李四",
        "行政强制决定书文号": f"本市监强〔2026〕{n}号",
        "强制类别": "行政强制措施",
        "强制方式": "查封;扣押",
        "强制事由": "涉嫌生产不合格产品",
        "强制依据": "《中华人民共和国行政强制法》第二十二条",
        "强制内容": "查封仓库一处",
        "强制决定日期": _day(decided),
        "强制期限": "30日",
        "实施机关": SCJG_NAME,
        "实施机关统一社会信用代码": SCJG_USCC,
        "数据来源单位": SCJG_NAME,
        "数据来源单位统一社会信用代码": SCJG_USCC,
    }


def honour_row(n: int, granted: dt.date, until: dt.date | None) -> dict[str, str]:
    return {
        "主体名称": f"本溪市守信测试有限公司{n}",
        "主体类别": "法人及非法人组织",
        "主体代码_1（统一社会信用代码）": company_uscc(100 + n),
        "荣誉名称": "守合同重信用企业",
        "荣誉级别": "市级",
        "授予单位": SCJG_NAME,
        "授予单位统一社会信用代码": SCJG_USCC,
        "授予文号": f"本市监发〔2025〕{n}号",
        "授予日期": _day(granted),
        "有效期至": _day(until) if until else "",
        "数据来源单位": SCJG_NAME,
        "数据来源单位统一社会信用代码": SCJG_USCC,
    }


def evaluation_row(n: int, year: str, kind: str = "纳税信用") -> dict[str, str]:
    return {
        "主体名称": f"本溪市评价测试有限公司{n}",
        "主体类别": "法人及非法人组织",
        "主体代码_1（统一社会信用代码）": company_uscc(200 + n),
        "评价类别": kind,
        "评价结果": "A级",
        "评价年度": year,
        "评价日期": _day(TODAY - dt.timedelta(days=10)),
        "有效期至": _day(TODAY + dt.timedelta(days=300)),
        "评价单位": SCJG_NAME,
        "评价单位统一社会信用代码": SCJG_USCC,
    }


def test_enforcement_imports_and_is_public_for_the_fixed_term(scjg, run_file, tmp_path):
    decided = TODAY - dt.timedelta(days=5)
    path = write_csv(tmp_path / "强制.csv", [enforcement_row(i, decided) for i in (1, 2)])
    batch = run_file(scjg, path, dataset="enforcement")
    assert batch.state == BatchState.DONE, batch.message
    assert (batch.new_rows, batch.error_rows) == (2, 0)
    record = Record.objects.get(doc_number="本市监强〔2026〕1号")
    assert record.dataset.code == "enforcement"
    assert record.data["QZ_QZFS"] == "查封;扣押"
    assert (record.public_from, record.public_until) == (decided, add_months(decided, 36))
    assert record.visibility == "public"


def test_honour_is_public_while_valid(scjg, run_file, tmp_path):
    rows = [
        honour_row(1, TODAY - dt.timedelta(days=30), TODAY + dt.timedelta(days=100)),
        honour_row(2, TODAY - dt.timedelta(days=400), TODAY - dt.timedelta(days=1)),
        honour_row(3, TODAY - dt.timedelta(days=30), None),
    ]
    batch = run_file(scjg, write_csv(tmp_path / "荣誉.csv", rows), dataset="honour")
    assert batch.state == BatchState.DONE, batch.message
    valid, expired, lasting = (
        Record.objects.get(doc_number=f"本市监发〔2025〕{n}号") for n in (1, 2, 3)
    )
    assert valid.visibility == "public"
    assert valid.public_until == TODAY + dt.timedelta(days=100)
    assert expired.visibility != "public" and expired.public_until == TODAY - dt.timedelta(days=1)
    assert lasting.visibility == "public" and lasting.public_until is None


def test_evaluation_result_is_keyed_by_body_subject_kind_and_year(scjg, run_file, tmp_path):
    rows = [evaluation_row(1, "2024"), evaluation_row(1, "2025"), evaluation_row(2, "2025")]
    batch = run_file(scjg, write_csv(tmp_path / "评价.csv", rows), dataset="evaluation_result")
    assert batch.state == BatchState.DONE, batch.message
    assert batch.new_rows == 3
    docs = set(Record.objects.values_list("doc_number", flat=True))
    assert f"{company_uscc(201)}·纳税信用·2025" in docs
    assert all(r.visibility == "public" for r in Record.objects.all())

    # The same key twice in one file is reported with the key's Chinese labels.
    again = write_csv(tmp_path / "重复.csv", [evaluation_row(3, "2025"), evaluation_row(3, "2025")])
    batch = run_file(scjg, again, dataset="evaluation_result")
    messages = list(batch.errors.values_list("message", flat=True))
    assert any("主体代码_1（统一社会信用代码）+评价类别+评价年度" in m for m in messages), messages


def test_evaluation_result_without_year_names_the_column(scjg, run_file, tmp_path):
    row = evaluation_row(1, "")
    batch = run_file(scjg, write_csv(tmp_path / "缺年度.csv", [row]), dataset="evaluation_result")
    assert batch.state != BatchState.DONE or batch.error_rows == 1
    assert "评价年度" in set(batch.errors.values_list("column", flat=True))


def test_profile_page_groups_other_datasets_by_catalog_section(client, scjg, run_file, tmp_path):
    from django.urls import reverse

    granted = TODAY - dt.timedelta(days=30)
    rows = [honour_row(1, granted, TODAY + dt.timedelta(days=100))]
    batch = run_file(scjg, write_csv(tmp_path / "荣誉.csv", rows), dataset="honour")
    assert batch.state == BatchState.DONE, batch.message
    subject = Record.objects.get(doc_number="本市监发〔2025〕1号").subject

    page = client.get(reverse("portal:subject", args=[subject.public_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h2 id="section-3">诚实守信</h2>' in html
    assert "诚实守信相关荣誉（1）" in html
    # The row shows the dataset's list fields (荣誉名称 first, no document number).
    assert "守合同重信用企业" in html
    # Every section of the report is there, empty ones saying so.
    assert "暂无行政管理信息" in html and "暂无信用评价信息" in html


def test_dataset_defined_only_in_a_test_yaml_flows_by_its_attributes(
    client, scjg, run_file, tmp_path
):
    import io
    import shutil
    from pathlib import Path

    from django.urls import reverse
    from openpyxl import load_workbook

    from credit.catalog.queries import current_version
    from credit.catalog.services import load_definitions
    from credit.catalog.xlsx_template import build_template
    from credit.core.actors import Actor

    folder = tmp_path / "defs"
    folder.mkdir()
    shutil.copy(Path(__file__).parent / "files" / "test_only_dataset.yaml", folder)
    load_definitions(Actor.system(), folder)
    version = current_version("test_only_award")
    assert version.publicity_rule == "valid_until"

    sheet = load_workbook(io.BytesIO(build_template(version))).worksheets[0]
    assert [c.value for c in sheet[1]][:4] == [
        "受表彰单位",
        "单位类别",
        "单位统一社会信用代码",
        "表彰名称",
    ]

    row = {
        "受表彰单位": "本溪市测试表彰有限公司",
        "单位类别": "法人及非法人组织",
        "单位统一社会信用代码": company_uscc(300),
        "表彰名称": "诚信经营示范单位",
        "表彰文号": "本测表〔2026〕1号",
        "表彰日期": _day(TODAY - dt.timedelta(days=3)),
        "表彰有效期至": _day(TODAY + dt.timedelta(days=30)),
        "表彰机关": SCJG_NAME,
        "表彰机关统一社会信用代码": SCJG_USCC,
    }
    batch = run_file(scjg, write_csv(tmp_path / "t.csv", [row]), dataset="test_only_award")
    assert batch.state == BatchState.DONE, batch.message
    record = Record.objects.get(doc_number="本测表〔2026〕1号")
    assert record.visibility == "public"
    assert record.public_until == TODAY + dt.timedelta(days=30)

    html = client.get(reverse("portal:subject", args=[record.subject.public_id])).content.decode()
    assert "诚实守信" in html and "测试表彰（1）" in html and "本测表〔2026〕1号" in html
