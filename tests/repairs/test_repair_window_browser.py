"""The credit office's window entry of a paper repair application in a real browser
(Chromium through Playwright), desktop and phone: from the repair queue to the form, the
fact by its document number, the paper commitment ticked and its signer named, a scanned
material; the tracking number and query code shown once.

Screenshots land in artifacts/screenshots/repair-window-*.png for people to look at.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client

from credit.collection import services as collection
from credit.core.actors import Actor
from credit.repairs.models import RepairApplication
from tests.browser_support import SHOTS, needs_chromium
from tests.collection.samples import company_uscc, penalty_row, write_csv

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]

TODAY = dt.date.today()
DOC = "本市监罚〔2026〕1号"


@pytest.mark.parametrize(
    ("device", "width", "height"), [("desktop", 1280, 900), ("phone", 375, 812)]
)
def test_window_entry_shows_the_tracking_number_and_code_once(
    scjg, admin_user, tmp_path, live_server, browser, settings, device, width, height
):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_catalog", verbosity=0)
    rows = [
        penalty_row(
            1, decided=TODAY - dt.timedelta(days=130), 行政相对人名称="本溪市窗口修复有限公司"
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
    SHOTS.mkdir(parents=True, exist_ok=True)
    login = Client()
    login.force_login(admin_user)
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.add_cookies(
        [{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/console/repairs/")
    page.get_by_role("link", name="窗口录入信用修复申请").click()
    page.wait_for_url("**/console/repairs/window/")
    page.get_by_label("申请修复的信息类型").select_option("record")
    page.get_by_label("决定文书号").fill(DOC)
    page.get_by_label("主体名称").fill("本溪市窗口修复有限公司")
    page.get_by_label("统一社会信用代码").fill(company_uscc(1))
    page.get_by_label("申请人姓名").fill("李四")
    page.get_by_label("申请人电话").fill("13800000000")
    page.get_by_label("申请人与主体关系").select_option("legal_rep")
    page.get_by_label("修复理由及履行情况").fill("罚款已缴清，违法行为已整改")
    page.get_by_label("申请人已签署书面信用修复承诺书").check()
    page.get_by_label("书面承诺签署人姓名").fill("李四")
    proof = tmp_path / "罚款缴纳凭证.pdf"
    proof.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.set_input_files("#materials", str(proof))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"repair-window-form-{device}.png"), full_page=True)
    page.get_by_role("button", name="录入").click()
    page.wait_for_selector("text=窗口录入完成")
    app = RepairApplication.objects.get()
    assert page.get_by_text(app.tracking_number).count() == 1
    assert page.get_by_text("只显示这一次").count() == 1
    assert app.application.channel == "window"
    page.screenshot(path=str(SHOTS / f"repair-window-done-{device}.png"), full_page=True)
    context.close()
