"""Credit repair in a real browser (Chromium through Playwright), desktop and phone: the
public self-check from the portal record page and the form 申请信用修复 (materials, the
signed commitment; the tracking number and query code shown once), then the deciding
department's console queue — open the application, see its materials, accept it, decide
准予修复 — and the portal drops the record.

Screenshots land in artifacts/screenshots/repair-*.png for people to look at.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client

from credit.collection import services as collection
from credit.core.actors import Actor
from credit.portal.opaque import record_token
from credit.records.models import Record, Visibility
from credit.repairs import models as repairs_models
from tests.browser_support import SHOTS, needs_chromium
from tests.collection.samples import penalty_row, write_csv

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]

TODAY = dt.date.today()
DOC = "本市监罚〔2026〕1号"


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(
    ("device", "width", "height"), [("desktop", 1280, 900), ("phone", 375, 812)]
)
def test_self_check_then_console_queue_repairs_the_record(
    scjg, operator_user, tmp_path, live_server, browser, settings, device, width, height
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 1_000
    call_command("load_catalog", verbosity=0)
    rows = [
        penalty_row(
            1, decided=TODAY - dt.timedelta(days=130), 行政相对人名称="本溪市修复测试有限公司"
        )
    ]
    path = write_csv(tmp_path / "p.csv", rows)
    collection.submit_file(
        Actor.system(),
        dataset_code="penalty",
        department=scjg,
        fileobj=path,
        filename=path.name,
        run_now=True,
    )
    record = Record.objects.get(doc_number=DOC)
    SHOTS.mkdir(parents=True, exist_ok=True)

    # The public: record page → self-check.
    public = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    public.goto(f"{live_server.url}/publicity/records/{record_token(record.pk)}/")
    public.get_by_role("link", name="信用修复自查").click()
    public.wait_for_url("**/repair/")
    assert public.get_by_text("可以申请信用修复").count() == 1
    assert public.get_by_text("罚款缴纳凭证").count() == 1
    _fits(public, width)
    public.screenshot(path=str(SHOTS / f"repair-self-check-{device}.png"), full_page=True)

    # The public applies from the self-check: party, materials, the signed commitment.
    public.get_by_role("link", name="申请信用修复").click()
    public.wait_for_url("**/repair/apply/")
    proof = tmp_path / "罚款缴纳凭证.pdf"
    proof.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    public.get_by_label("统一社会信用代码").fill(record.subject.uscc)
    public.get_by_label("申请人姓名（必填）").fill("李四")
    public.get_by_label("申请人电话（必填）").fill("13800000000")
    public.get_by_label("申请人与主体关系（必填）").select_option("legal_rep")
    public.get_by_label("修复理由及履行情况").fill("罚款已缴清，违法行为已整改")
    public.locator("#materials").set_input_files(str(proof))
    public.get_by_label("本人已阅读并同意上述信用修复承诺书（必填）").check()
    public.get_by_label("承诺人签名（姓名）（必填）").fill("李四")
    _fits(public, width)
    public.screenshot(path=str(SHOTS / f"repair-apply-{device}.png"), full_page=True)
    public.get_by_role("button", name="提交信用修复申请").click()
    public.wait_for_selector("#query-code")
    tracking = public.locator("#tracking-number").inner_text()
    assert public.get_by_text("查询码只显示这一次").count() == 1
    _fits(public, width)
    public.screenshot(path=str(SHOTS / f"repair-submitted-{device}.png"), full_page=True)
    app = repairs_models.RepairApplication.objects.get(tracking_number=tracking)
    assert app.application.materials.get().filename == "罚款缴纳凭证.pdf"

    login = Client()
    login.force_login(operator_user)
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.add_cookies(
        [{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + "/console/")
    page.get_by_role("link", name="信用修复").first.click()
    page.wait_for_url("**/console/repairs/")
    page.get_by_label("办理状态").select_option(label="待受理")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/console/repairs/?*")
    _fits(page, width)
    page.screenshot(path=str(SHOTS / f"repair-queue-{device}.png"), full_page=True)
    page.get_by_role("link", name=app.tracking_number).click()
    page.wait_for_url(f"**/console/repairs/{app.tracking_number}/")
    assert page.get_by_role("link", name="罚款缴纳凭证.pdf").count() == 1
    page.get_by_label("受理意见（可空）：").fill("材料齐全，身份已核验")
    page.get_by_role("button", name="受理", exact=True).click()
    page.wait_for_url(f"**/console/repairs/{app.tracking_number}/")
    assert page.get_by_text("已受理").first.is_visible()
    page.get_by_label("决定理由：").fill("已履行处罚决定，纠正违法行为")
    page.get_by_role("button", name="准予修复").click()
    page.wait_for_url(f"**/console/repairs/{app.tracking_number}/")
    assert page.get_by_text("该信息已停止公示和共享").count() == 1
    _fits(page, width)
    page.screenshot(path=str(SHOTS / f"repair-decided-{device}.png"), full_page=True)

    assert Record.objects.get(pk=record.pk).visibility == Visibility.REPAIRED
    public.goto(f"{live_server.url}/subjects/{record.subject.public_id}/")
    assert DOC not in public.content()


@pytest.mark.parametrize(
    ("device", "width", "height"), [("desktop", 1280, 900), ("phone", 375, 812)]
)
def test_a_black_list_entry_is_applied_for_from_the_profile(
    scjg, tmp_path, live_server, browser, settings, device, width, height
):
    from credit.core.identifiers import make_uscc
    from credit.lists import services as lists
    from credit.lists.models import ListEntry, ListType
    from credit.subjects.models import Subject

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 1_000
    call_command("load_catalog", verbosity=0)
    company = Subject.objects.create(
        public_id="pub-entry-browser",
        kind="organization",
        name="本溪市名单修复测试有限公司",
        name_norm="本溪市名单修复测试有限公司",
        uscc=make_uscc("91210502MB0000021"),
    )
    number = "本市监严违〔2025〕21号"
    lists.enter_decided(
        Actor.system(),
        ListType.objects.get(code="samr_serious_violation"),
        company,
        number,
        TODAY - dt.timedelta(days=400),
        "提交虚假材料取得登记",
        "《市场监督管理严重违法失信名单管理办法》",
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    public = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    public.goto(f"{live_server.url}/subjects/{company.public_id}/")
    public.get_by_role("link", name=number).click()
    public.wait_for_url("**/repair/")
    assert public.get_by_text("可以申请信用修复").count() == 1
    assert public.get_by_role("link", name="对该信息提出异议").count() == 1
    public.get_by_role("link", name="申请信用修复").click()
    public.wait_for_url("**/repair/apply/")
    proof = tmp_path / "整改证明.pdf"
    proof.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    public.get_by_label("统一社会信用代码").fill(company.uscc)
    public.get_by_label("申请人姓名（必填）").fill("王五")
    public.get_by_label("申请人电话（必填）").fill("13900000000")
    public.get_by_label("申请人与主体关系（必填）").select_option("legal_rep")
    public.locator("#materials").set_input_files(str(proof))
    public.get_by_label("本人已阅读并同意上述信用修复承诺书（必填）").check()
    public.get_by_label("承诺人签名（姓名）（必填）").fill("王五")
    _fits(public, width)
    public.screenshot(path=str(SHOTS / f"repair-entry-apply-{device}.png"), full_page=True)
    public.get_by_role("button", name="提交信用修复申请").click()
    public.wait_for_selector("#query-code")
    app = repairs_models.RepairApplication.objects.get(
        tracking_number=public.locator("#tracking-number").inner_text()
    )
    assert app.list_entry_id == ListEntry.objects.get(decision_number=number).pk
    assert app.department_id is not None
