"""The credit office defines a dataset in the admin with a real browser, at desktop and
phone size: the page shows the YAML check's messages, grows field blocks, and saves v1.

Screenshots go to artifacts/screenshots/catalog_define_*.png for people to look at."""

from __future__ import annotations

import pytest

from tests.browser_support import SHOTS, needs_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]

SIZES = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}


def _fill_block(page, index: int, **values) -> None:
    for name, value in values.items():
        selector = f"#id_fields-{index}-{name}"
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        elif value is True:
            page.check(selector)
        else:
            page.fill(selector, value)


@pytest.mark.parametrize("size", list(SIZES))
def test_define_a_dataset_in_the_admin(admin_user, user_password, live_server, browser, size):
    from credit.catalog.models import Dataset

    context = browser.new_context(locale="zh-CN", viewport=SIZES[size])
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", user_password)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")

    page.goto(live_server.url + "/admin/catalog/dataset/")
    page.get_by_role("link", name="定义新信息事项").click()
    page.wait_for_url("**/admin/catalog/dataset/define/")
    page.fill("#id_code", "utility_arrears")
    page.fill("#id_name", "欠缴公用事业费")
    page.select_option("#id_category", "不良")
    page.fill("#id_national_category", "补充目录：本溪市欠缴公用事业费信息")
    page.check("input[name=subject_kinds][value=organization]")
    page.select_option("#id_share_attr", "有条件共享")
    page.select_option("#id_open_attr", "社会公开")
    page.select_option("#id_publicity_rule", "fixed_term")
    _fill_block(page, 0, code="QF_ZTMC", label="主体名称", required=True, role="subject_name")
    _fill_block(
        page,
        1,
        code="QF_TYDM",
        label="统一社会信用代码",
        type="identifier",
        identifier="uscc",
        required=True,
        role="subject_uscc",
    )
    page.get_by_role("button", name="检查并预览").click()

    # The YAML check's own message, and two fresh blocks for the remaining fields.
    problems = page.locator("#definition-problems")
    problems.wait_for(state="visible", timeout=15_000)
    assert "没有文书号字段（角色 document_number）时须用 business_key 指明业务主键" in (
        problems.inner_text()
    )
    assert page.locator("fieldset.catalog-field").count() == 4
    assert page.input_value("#id_fields-1-code") == "QF_TYDM"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"catalog_define_problems_{size}.png"), full_page=True)

    _fill_block(page, 2, code="QF_BH", label="认定文书编号", required=True, role="document_number")
    _fill_block(
        page,
        3,
        code="QF_RDDWDM",
        label="认定单位统一社会信用代码",
        type="identifier",
        identifier="uscc",
        required=True,
        role="authority_uscc",
    )
    page.get_by_role("button", name="检查并预览").click()
    page.locator("#definition-preview").wait_for(state="visible", timeout=15_000)
    assert "模板表头（4 列）" in page.locator("#content").inner_text()
    page.screenshot(path=str(SHOTS / f"catalog_define_preview_{size}.png"), full_page=True)

    page.get_by_role("button", name="保存并生成版本 v1").click()
    page.locator(".messagelist").wait_for(state="visible", timeout=15_000)
    assert "已新增信息事项：欠缴公用事业费（utility_arrears）v1" in (
        page.locator(".messagelist").inner_text()
    )
    assert page.get_by_role("link", name="导出 YAML").is_visible()
    page.screenshot(path=str(SHOTS / f"catalog_define_saved_{size}.png"), full_page=True)
    context.close()

    version = Dataset.objects.get(code="utility_arrears").current_version
    assert version.number == 1
    assert [f["code"] for f in version.definition["fields"]] == [
        "QF_ZTMC",
        "QF_TYDM",
        "QF_BH",
        "QF_RDDWDM",
    ]
    assert version.definition["subject_kinds"] == ["organization"]
