"""Special credit reports (专项信用报告): per domain, the subject's own negative decisions in
the period — minor ones that are never public included, withdrawn ones not — or in words
that there are none; issued by the credit office, verifiable like every report."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.urls import reverse

from credit.audit.models import AccessLog
from credit.collection import services as collection
from credit.core.actors import Actor
from credit.records.models import Record
from credit.reports.domains import seed_domains
from credit.reports.models import CreditReport, ReportDomain, ReportKind
from tests.collection.samples import write_csv
from tests.portal.conftest import COMPANY, COMPANY_USCC, _company_penalty, load_portal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db, scjg, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 0
    portal = load_portal_data(scjg, tmp_path)
    # A minor penalty: never public, but the subject's own special report states it.
    minor = _company_penalty(911, dt.date.today() - dt.timedelta(days=20), "警告（简易程序，轻微）")
    minor["失信严重程度"] = "轻微"
    path = write_csv(tmp_path / "minor.csv", [minor])
    batch = collection.submit_file(
        Actor.system("测试"),
        dataset_code="penalty",
        department=scjg,
        fileobj=path,
        filename=path.name,
        run_now=True,
    )
    assert batch.state == "done"
    seed_domains(Actor.system("测试"))
    return portal


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "special.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())


def _issue(client, chosen, **overrides):
    body = {
        "uscc": COMPANY_USCC,
        "period_from": "2020-09-01",
        "period_to": dt.date.today().isoformat(),
        "domains": [d.pk for d in chosen],
        **overrides,
    }
    return client.post(reverse("reports_console:special"), body)


def test_the_credit_office_issues_a_special_report_per_domain(client, admin_user, data, tmp_path):
    client.force_login(admin_user)
    market, ecology, fire = (
        ReportDomain.objects.get(code=c) for c in ("market", "ecology", "fire")
    )
    response = _issue(client, [market, ecology, fire])
    assert response.status_code == 200, response.content[:400]
    number = response["X-Report-Number"]
    text = _text(response.content, tmp_path)
    assert COMPANY in text and number in text
    minor = Record.objects.get(doc_number="本市监罚〔2026〕911号")
    assert minor.public_from is None  # not public, yet in the subject's own report
    assert minor.doc_number in text
    assert data.public_penalty.doc_number in text
    assert data.withdrawn_penalty.doc_number not in text
    assert data.licence.doc_number not in text  # a licence is not a failing
    assert "未发现该主体在生态环境领域的行政处罚、行政强制等违法违规记录" in text
    assert "该领域尚未配置数据来源部门" in text
    report = CreditReport.objects.get(number=number)
    assert report.kind == ReportKind.SPECIAL and report.audience == "subject"
    assert report.domains == ["市场监管", "生态环境", "消防"]
    assert AccessLog.objects.filter(
        resource="reports.report", purpose=f"专项信用报告出具（报告编号 {number}）"
    ).exists()
    # Verifiable like any report; the verify page shows no content of it.
    page = client.get(reverse("reports:verify_number", args=[number]))
    assert "专项信用报告" in page.content.decode()
    assert minor.doc_number not in page.content.decode()


def test_the_period_limits_what_is_stated(client, admin_user, data, tmp_path):
    client.force_login(admin_user)
    market = ReportDomain.objects.get(code="market")
    last_week = dt.date.today() - dt.timedelta(days=7)
    response = _issue(client, [market], period_from=last_week.isoformat())
    text = _text(response.content, tmp_path)
    assert data.public_penalty.doc_number in text  # decided 5 days ago
    assert "本市监罚〔2026〕911号" not in text  # 20 days ago


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"uscc": "91210502MA0000041X"}, "统一社会信用代码校验不通过"),
        ({"uscc": "91350100M000100Y43"}, "平台没有该统一社会信用代码的信用主体"),
        ({"period_to": (dt.date.today() + dt.timedelta(days=1)).isoformat()}, "截止日不能晚于今天"),
        ({"period_from": "2026-12-31", "period_to": "2026-01-01"}, "起始日不能晚于截止日"),
        ({"domains": []}, "请至少选择一个领域"),
        ({"period_from": "2026-13-01"}, "有效的日期"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_issued(
    client, admin_user, data, overrides, message
):
    client.force_login(admin_user)
    response = _issue(client, [ReportDomain.objects.get(code="market")], **overrides)
    assert response.status_code in (400, 422)
    assert message in response.content.decode()
    assert not CreditReport.objects.exists()


def test_only_the_credit_office_issues_and_the_auditor_reads_the_register(
    client, operator_user, auditor_user, admin_user, data
):
    client.force_login(operator_user)
    assert _issue(client, [ReportDomain.objects.get(code="market")]).status_code == 403
    assert client.get(reverse("reports_console:index")).status_code == 403
    client.force_login(admin_user)
    number = _issue(client, [ReportDomain.objects.get(code="market")])["X-Report-Number"]
    client.force_login(auditor_user)
    assert _issue(client, [ReportDomain.objects.get(code="market")]).status_code == 403
    register = client.get(reverse("reports_console:index"))
    assert register.status_code == 200 and number in register.content.decode()
    download = client.get(reverse("reports_console:download", args=[number]))
    assert download.status_code == 200 and download["X-Report-Number"] == number
    assert AccessLog.objects.filter(
        actor_user=auditor_user, resource="reports.report", purpose__contains=number
    ).exists()
