"""The public report's 信用承诺 and 信用评价 sections: public commitments as the commitments
app records them, and the platform's grade only while the credit office shows grades to
the public (the special report never states a grade)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse

from credit.collection import services as collection
from credit.core.actors import Actor
from credit.evaluation import services as evaluation
from credit.evaluation.models import EvaluationSettings
from credit.facts import events
from credit.subjects.models import Subject
from tests.collection.samples import company_uscc
from tests.commitments.samples import commitment_row
from tests.reports.test_public_report import _download, data  # noqa: F401

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed"),
]


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())


def test_public_commitments_are_in_the_commitments_section(client, scjg, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 0
    call_command("load_catalog", verbosity=0)
    same = {"承诺主体名称": "本溪市承诺测试有限公司1", "统一社会信用代码": company_uscc(701)}
    public = commitment_row(1, 承诺类型="主动型", **same)
    hidden = commitment_row(2, 是否公开="否", **same)
    batch = collection.submit_rows(
        Actor.system("测试"), dataset_code="commitment", department=scjg, items=[public, hidden]
    )
    assert batch.state == "done", batch.message
    company = Subject.objects.get(uscc=company_uscc(701))
    text = _text(_download(client, company).content, tmp_path)
    section = text[text.index("6.信用承诺") : text.index("7.信用评价")]
    assert public["承诺编码"] in section and "主动型" in section
    assert hidden["承诺编码"] not in text


def test_the_grade_is_stated_only_while_grades_are_public(client, data, tmp_path):  # noqa: F811
    evaluation.load_model(Actor.system("测试"))
    evaluation.evaluate([data.company.pk])
    events.deliver_pending()
    hidden = _download(client, data.company)
    _download(client, data.company)  # confirmed for today
    assert "公共信用综合评价" not in _text(hidden.content, tmp_path)

    EvaluationSettings.objects.update_or_create(pk=1, defaults={"show_on_portal": True})
    shown = _download(client, data.company)
    assert shown["X-Report-Number"] != hidden["X-Report-Number"]
    text = _text(shown.content, tmp_path)
    assert "公共信用综合评价（信用本溪）" in text and "评价等级" in text
    from credit.evaluation.queries import current_grade

    grade = current_grade(data.company.pk)
    assert f"{grade.grade}" in text and f"第{grade.model.version}版" in text

    # Saved as the admin saves it (the switch is cached per process and forgotten on save).
    EvaluationSettings.objects.update_or_create(pk=1, defaults={"show_on_portal": False})
    again = _download(client, data.company)
    assert again["X-Report-Number"] != shown["X-Report-Number"]
    assert "公共信用综合评价" not in _text(again.content, tmp_path)


def test_the_special_report_states_no_grade(client, admin_user, data, tmp_path):  # noqa: F811
    from credit.reports.domains import seed_domains
    from credit.reports.models import ReportDomain
    from tests.portal.conftest import COMPANY_USCC

    evaluation.load_model(Actor.system("测试"))
    evaluation.evaluate([data.company.pk])
    EvaluationSettings.objects.update_or_create(pk=1, defaults={"show_on_portal": True})
    seed_domains(Actor.system("测试"))
    client.force_login(admin_user)
    response = client.post(
        reverse("reports_console:special"),
        {
            "uscc": COMPANY_USCC,
            "period_from": "2020-09-01",
            "period_to": __import__("datetime").date.today().isoformat(),
            "domains": [ReportDomain.objects.get(code="market").pk],
        },
    )
    assert response.status_code == 200
    assert "评价等级" not in _text(response.content, tmp_path)
