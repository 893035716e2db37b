"""The portal's objection flow in a real browser (Debian's Chromium through Playwright), at
desktop and phone size: from the record page to the form with a material, the tracking
number and query code shown once, the status page, and the 异议标注 once accepted.

Screenshots land in artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import re

import pytest

from credit.applications.models import Application
from credit.core.actors import Actor
from credit.objections import services
from credit.portal.opaque import record_token
from tests.browser_support import SHOTS, needs_chromium
from tests.objections.conftest import PDF
from tests.portal.conftest import COMPANY_USCC, load_portal_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


@pytest.fixture
def data(scjg, tmp_path, settings, admin_user):
    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 1_000_000
    settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 1_000
    return load_portal_data(scjg, tmp_path), admin_user


@pytest.mark.parametrize(
    ("device", "width", "height"), [("desktop", 1280, 900), ("phone", 375, 812)]
)
def test_subject_objects_to_its_penalty_and_follows_it(
    data, live_server, browser, tmp_path, device, width, height
):
    portal, admin_user = data
    record = portal.public_penalty
    SHOTS.mkdir(parents=True, exist_ok=True)
    material = tmp_path / "营业执照.pdf"
    material.write_bytes(PDF)
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    page.goto(f"{live_server.url}/publicity/records/{record_token(record.pk)}/")
    assert "异议处理中" not in page.locator("main").inner_text()
    page.get_by_role("link", name="对该信息提出异议").click()
    page.wait_for_url(re.compile(r"/objections/new/"))

    page.get_by_label("统一社会信用代码").fill(COMPANY_USCC)
    page.get_by_label("申请人姓名").fill("李四")
    page.get_by_label("申请人电话").fill("024-12345678")
    page.get_by_label("申请人与主体关系").select_option("legal_rep")
    page.get_by_label("异议内容及理由").fill("处罚金额登记错误，应为二百元。")
    page.get_by_label("证明材料").set_input_files(str(material))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"objection-form-{device}.png"), full_page=True)
    page.get_by_role("button", name="提交异议申请").click()

    page.wait_for_selector("#query-code")
    tracking = page.locator("#tracking-number").inner_text()
    code = page.locator("#query-code").inner_text()
    assert re.fullmatch(r"YY\d{12}", tracking) and len(code) == 10
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"objection-submitted-{device}.png"), full_page=True)

    page.get_by_role("link", name="办理进度查询").click()
    page.get_by_label("受理编号").fill(tracking)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("#application-state")
    assert page.locator("#application-state").inner_text() == "待受理"
    assert "受理" in page.locator("table").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"objection-status-{device}.png"), full_page=True)

    # The credit office accepts it: the record page now carries the marker.
    objection = Application.objects.get(tracking_number=tracking).objection
    services.accept(Actor.for_user(admin_user), objection, "核验无误")
    page.goto(f"{live_server.url}/publicity/records/{record_token(record.pk)}/")
    assert "异议处理中" in page.locator("h1").inner_text()
    page.goto(f"{live_server.url}/subjects/{portal.company.public_id}/")
    assert "异议处理中" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"objection-marked-profile-{device}.png"), full_page=True)
