"""The public repair application (issue 13, 申请信用修复): the portal form and POST
/api/v1/public/repairs make a common application (tracking number, hashed query code,
materials checked by content and stored encrypted) with the signed 信用修复型 commitment;
the status page and API show the repair's steps and outcome; refused input stores
nothing; the deciding department downloads the materials, access-logged."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from credit.applications import materials
from credit.applications.models import Application, Material
from credit.audit.models import AccessLog
from credit.commitments.models import Commitment
from credit.core import ratelimit
from credit.core.actors import Actor
from credit.portal.opaque import record_token
from credit.repairs import services
from credit.repairs.models import RepairApplication
from tests.objections.conftest import PDF, PNG
from tests.portal.conftest import COMPANY, COMPANY_USCC

pytestmark = pytest.mark.django_db


def form(**overrides) -> dict:
    values = {
        "subject_name": COMPANY,
        "uscc": COMPANY_USCC,
        "applicant_name": "李四",
        "applicant_phone": "024-12345678",
        "applicant_relationship": "legal_rep",
        "statement": "罚款已缴清，违法行为已整改",
        "commitment_accepted": "true",
        "commitment_signed_name": "李四",
    }
    values.update(overrides)
    return values


def upload(name="罚款缴纳凭证.pdf", data=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def apply_by_api(record, *files, **overrides):
    data = {**form(**overrides), "record": record_token(record.pk)}
    if files:
        data["materials"] = list(files)
    return Client().post("/api/v1/public/repairs", data)


@pytest.fixture
def no_limits(settings):
    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 1_000_000
    settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 1_000


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "application-materials"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def nothing_stored(settings) -> bool:
    return (
        not Application.objects.exists()
        and not RepairApplication.objects.exists()
        and not Material.objects.exists()
        and not Commitment.objects.filter(kind="repair").exists()
        and stored_files(settings) == []
    )


def test_api_application_with_materials_and_the_status_of_each_step(
    repair_world, operator_user, no_limits, settings
):
    scjg_operator = Actor.for_user(operator_user)
    response = apply_by_api(
        repair_world.old_penalty, upload(), SimpleUploadedFile("营业执照.png", PNG)
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["tracking_number"].startswith("XF")
    app = RepairApplication.objects.get(tracking_number=made["tracking_number"])
    common = app.application
    assert common.kind == "repair" and common.channel == "api"
    assert common.query_code_hash != made["query_code"]  # stored hashed only
    assert [m.file_type for m in common.materials.all()] == ["pdf", "png"]
    # Encrypted at rest: the stored bytes are not the upload's.
    assert all(f.read_bytes() != PDF for f in stored_files(settings))
    assert app.commitment.kind == "repair" and app.commitment_signed_name == "李四"
    assert "虚假" in app.commitment_text and app.commitment_at is not None

    def status():
        got = Client().get(
            f"/api/v1/public/applications/{made['tracking_number']}",
            headers={"X-Query-Code": made["query_code"]},
        )
        assert got.status_code == 200, got.content
        return got.json()

    first = status()
    assert first["kind"] == "信用修复申请" and first["state"] == "待受理"
    assert first["about"].endswith(repair_world.old_penalty.doc_number)
    assert [(s["step"], s["due_on"]) for s in first["steps"]] == [
        ("受理", app.accept_due.isoformat())
    ]

    services.accept(scjg_operator, app, "材料齐全，身份已核验")
    second = status()
    assert second["state"] == "办理中"
    assert [(s["step"], s["result"]) for s in second["steps"]] == [("受理", "已受理"), ("决定", "")]
    assert second["steps"][1]["due_on"] == app.decide_due.isoformat()

    services.decide(scjg_operator, app, repair=True, reason="已履行处罚决定")
    last = status()
    assert last["state"] == "已办结" and last["outcome"] == "准予修复"
    assert last["outcome_note"] == "已履行处罚决定"
    assert last["steps"][1]["result"] == "准予修复" and last["steps"][1]["done_on"]
    wrong = Client().get(
        f"/api/v1/public/applications/{made['tracking_number']}",
        headers={"X-Query-Code": "WRONGCODE1"},
    )
    assert wrong.status_code == 404


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload("凭证.pdf", b"<html>not a pdf</html>")], "不是 PDF、JPG、PNG 或 OFD 文件"),
        ([upload("委托书.pdf", b"")], "空文件"),
        ([upload("big.pdf", PDF + b"0" * materials.MAX_BYTES)], "超过 10 MB"),
        ([upload(f"{n}.pdf") for n in range(11)], "最多上传 10 个文件"),
        ([upload(), SimpleUploadedFile("a.png", b"GIF89a")], "第 2 个材料（a.png）"),
    ],
)
def test_bad_materials_are_refused_and_nothing_is_stored(
    repair_world, no_limits, settings, files, message
):
    response = apply_by_api(repair_world.old_penalty, *files)
    assert 400 <= response.status_code < 500
    assert message in response.json()["message"]
    assert nothing_stored(settings)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"uscc": "91210502MA0000001X"}, "统一社会信用代码"),
        ({"commitment_accepted": "false"}, "信用修复承诺书"),
        ({"commitment_signed_name": " "}, "承诺人签名"),
        ({"applicant_phone": "电话"}, "申请人电话"),
        ({"applicant_relationship": "boss"}, "申请人与主体关系"),
    ],
)
def test_refused_fields_are_named_in_chinese_and_nothing_is_stored(
    repair_world, no_limits, settings, overrides, message
):
    response = apply_by_api(repair_world.old_penalty, upload(), **overrides)
    assert 400 <= response.status_code < 500, response.content
    assert message in response.json()["message"]
    assert nothing_stored(settings)


def test_a_fact_inside_its_minimum_period_is_refused_with_the_date(
    repair_world, no_limits, settings
):
    response = apply_by_api(repair_world.new_penalty, upload())
    assert response.status_code == 409
    assert "起方可申请信用修复" in response.json()["message"]
    assert nothing_stored(settings)
    unknown = Client().post("/api/v1/public/repairs", {**form(), "record": "not-a-token"})
    assert unknown.status_code == 404 and "未找到" in unknown.json()["message"]


def test_portal_form_from_the_self_check_shows_the_code_once(repair_world, no_limits, settings):
    client = Client()
    token = record_token(repair_world.old_penalty.pk)
    check = client.get(f"/publicity/records/{token}/repair/").content.decode()
    assert f"/publicity/records/{token}/repair/apply/" in check
    page = client.get(f"/publicity/records/{token}/repair/apply/")
    assert page.status_code == 200 and "信用修复承诺书" in page.content.decode()
    refused = client.post(
        f"/publicity/records/{token}/repair/apply/", {**form(), "materials": [upload("x.pdf", b"")]}
    )
    assert refused.status_code == 400 and "空文件" in refused.content.decode()
    assert nothing_stored(settings)
    done = client.post(
        f"/publicity/records/{token}/repair/apply/", {**form(), "materials": [upload()]}
    )
    assert done.status_code == 200
    app = RepairApplication.objects.get()
    text = done.content.decode()
    assert app.tracking_number in text and "查询码只显示这一次" in text
    assert app.application.channel == "portal"
    status = client.post(
        "/applications/status/",
        {"tracking_number": app.tracking_number, "query_code": done.context["query_code"]},
    ).content.decode()
    assert "修复信息" in status and repair_world.old_penalty.doc_number in status


def test_portal_form_refuses_a_fact_not_yet_repairable_with_the_date(repair_world, no_limits):
    token = record_token(repair_world.new_penalty.pk)
    page = Client().get(f"/publicity/records/{token}/repair/apply/").content.decode()
    assert "起方可申请信用修复" in page and "提交信用修复申请" not in page
    posted = Client().post(f"/publicity/records/{token}/repair/apply/", form())
    assert posted.status_code == 409 and not RepairApplication.objects.exists()


def test_portal_and_api_submissions_are_rate_limited_in_chinese(
    repair_world, settings, monkeypatch
):
    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 1_000_000
    settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 1
    monkeypatch.setattr(ratelimit, "_clock", lambda: 1_800_000_000.0)
    token = record_token(repair_world.old_penalty.pk)
    client = Client()
    url = f"/publicity/records/{token}/repair/apply/"
    assert client.post(url, {**form(), "materials": upload()}).status_code == 200
    refused = client.post(url, {**form(), "materials": upload()})
    assert refused.status_code == 429 and "访问过于频繁" in refused.content.decode()
    api = client.post("/api/v1/public/repairs", {**form(), "record": token})
    assert api.status_code == 429 and api.json()["code"] == "rate_limited"
    assert RepairApplication.objects.count() == 1


def test_console_lists_materials_for_the_deciding_department_access_logged(
    repair_world, no_limits, operator_user, other_operator
):
    made = apply_by_api(repair_world.old_penalty, upload()).json()
    app = RepairApplication.objects.get(tracking_number=made["tracking_number"])
    material = app.application.materials.get()
    url = f"/console/repairs/{app.tracking_number}/materials/{material.pk}/"
    owner = Client()
    owner.force_login(operator_user)
    page = owner.get(f"/console/repairs/{app.tracking_number}/").content.decode()
    assert "罚款缴纳凭证.pdf" in page and url in page
    got = owner.get(url)
    assert got.status_code == 200 and got.content == PDF
    assert got["Cache-Control"] == "no-store"
    assert AccessLog.objects.filter(
        resource="applications.material", subject_id=app.subject_id
    ).exists()
    other = Client()
    other.force_login(other_operator)
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_public_applications_without_any_material_are_refused(repair_world, no_limits, settings):
    """The department verifies who applies from the materials: the portal and the API
    refuse an application with none (a window application's papers are handed over)."""
    token = record_token(repair_world.old_penalty.pk)
    by_api = Client().post("/api/v1/public/repairs", {**form(), "record": token})
    assert by_api.status_code == 400 and "证明材料" in by_api.json()["message"]
    by_portal = Client().post(f"/publicity/records/{token}/repair/apply/", form())
    assert by_portal.status_code == 400 and "请至少上传一个文件" in by_portal.content.decode()
    party = {k: v for k, v in form().items() if not k.startswith(("commitment", "statement"))}
    objection = Client().post(
        "/api/v1/public/objections", {**party, "record": token, "reason": "金额有误"}
    )
    assert objection.status_code == 400 and "证明材料" in objection.json()["message"]
    assert nothing_stored(settings)
