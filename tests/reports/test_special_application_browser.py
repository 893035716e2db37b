"""The 专项信用报告 application in a real browser (Debian's Chromium through Playwright), at
desktop and phone size: from the profile to the form with domains and materials, the
tracking number and query code shown once, the credit office accepting it in the console,
and the report downloaded from the status page.

Screenshots land in artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import re

import pytest

from credit.core.actors import Actor
from credit.reports.domains import seed_domains
from credit.reports.models import SpecialReportRequest
from tests.browser_support import SHOTS, needs_chromium
from tests.conftest import TEST_PASSWORD
from tests.objections.conftest import PDF
from tests.portal.conftest import COMPANY_USCC, load_portal_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


@pytest.fixture
def data(scjg, tmp_path, settings, admin_user):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 1_000_000
    settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 1_000
    portal = load_portal_data(scjg, tmp_path)
    seed_domains(Actor.system("测试"))
    return portal, admin_user


def _fits(page, width) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(
    ("device", "width", "height"), [("desktop", 1280, 900), ("phone", 375, 812)]
)
def test_subject_applies_and_downloads_its_special_report(
    data, live_server, browser, tmp_path, device, width, height
):
    portal, admin_user = data
    SHOTS.mkdir(parents=True, exist_ok=True)
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(PDF)
    page = browser.new_page(
        viewport={"width": width, "height": height}, locale="zh-CN", accept_downloads=True
    )
    page.goto(f"{live_server.url}/subjects/{portal.company.public_id}/")
    page.get_by_role("link", name="申请专项信用报告").click()
    page.wait_for_url(re.compile(r"/reports/special/apply/"))

    page.get_by_label("主体名称").fill(portal.company.name)
    page.get_by_label("统一社会信用代码").fill(COMPANY_USCC)
    page.get_by_label("申请人姓名").fill("李四")
    page.get_by_label("申请人电话").fill("024-12345678")
    page.get_by_label("申请人与主体关系").select_option("legal_rep")
    assert page.get_by_label("查询期间自").input_value() == "2020-09-01"
    page.get_by_label("市场监管").check()
    page.get_by_label("生态环境").check()
    page.get_by_label("用途").fill("政府采购投标")
    page.get_by_label("申请材料（必填）").set_input_files(str(licence))
    assert _fits(page, width)
    page.screenshot(path=str(SHOTS / f"special-apply-form-{device}.png"), full_page=True)
    page.get_by_role("button", name="提交申请").click()

    page.wait_for_selector("#query-code")
    tracking = page.locator("#tracking-number").inner_text()
    code = page.locator("#query-code").inner_text()
    assert re.fullmatch(r"BG\d{12}", tracking) and len(code) == 10
    assert _fits(page, width)

    # The credit office accepts it in the console, which issues the report.
    office = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    office.goto(f"{live_server.url}/console/login/")
    office.get_by_label("用户名").fill(admin_user.username)
    office.get_by_label("密码").fill(TEST_PASSWORD)
    office.get_by_role("button", name="登录").click()
    office.wait_for_url(re.compile(r"/console/$"))
    request = SpecialReportRequest.objects.get(application__tracking_number=tracking)
    office.goto(f"{live_server.url}/console/reports/applications/")
    assert tracking in office.locator("main").inner_text()
    office.goto(f"{live_server.url}/console/reports/applications/{request.pk}/")
    office.get_by_role("button", name="受理并出具专项信用报告").click()
    office.wait_for_selector("#application-state")
    assert "已出具" in office.locator("#application-state").inner_text()
    office.screenshot(path=str(SHOTS / f"special-apply-console-{device}.png"), full_page=True)
    office.close()

    page.get_by_role("link", name="办理进度查询").click()
    page.get_by_label("受理编号").fill(tracking)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("#application-state")
    assert page.locator("#application-state").inner_text() == "已办结"
    number = page.locator("#report-number").inner_text()
    assert len(number) == 22
    assert _fits(page, width)
    page.screenshot(path=str(SHOTS / f"special-apply-status-{device}.png"), full_page=True)
    with page.expect_download() as got:
        page.locator("#download-report").click()
    path = got.value.path()
    with open(path, "rb") as downloaded:
        assert downloaded.read(5) == b"%PDF-"
    request.refresh_from_db()
    assert request.report.number == number
