"""The review queue in a real browser, desktop and phone: a merge and its undo.

Screenshots land in artifacts/screenshots/review-*.png for people to look at.
"""

from __future__ import annotations

import re

import pytest

from credit.records.models import Record
from credit.subjects.models import Subject
from tests.browser_support import SHOTS, needs_chromium

pytestmark = [
    pytest.mark.browser,
    # The live server reads through another connection: data must be committed (and the
    # seeded rows restored afterwards, see tests/portal/test_browser.py).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


@pytest.mark.parametrize(
    ("device", "width", "height"), [("desktop", 1280, 900), ("phone", 375, 812)]
)
def test_the_office_merges_three_profiles_and_undoes_one(
    duplicates, admin_user, user_password, live_server, browser, device, width, height
):
    survivor, merged, third = duplicates.profiles
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")

    def shot(name: str) -> None:
        # Nothing wider than the screen: wide tables scroll inside their own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        page.screenshot(path=str(SHOTS / f"review-{name}-{device}.png"), full_page=True)

    page.goto(live_server.url + "/console/login/")
    page.get_by_label("用户名").fill(admin_user.username)
    page.get_by_label("密码").fill(user_password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/console/$"))

    page.get_by_role("link", name="主体核对").first.click()
    page.wait_for_url(re.compile(r"/console/review/$"))
    assert "同名、同负责人、同地区" in page.locator("main").inner_text()
    shot("queue")

    page.get_by_role("link", name="比对核对").first.click()
    page.wait_for_url(re.compile(r"/console/review/subjects/"))
    table = page.locator("table.compare").inner_text()
    assert all(s.public_id in table for s in duplicates.profiles)
    shot("compare")

    page.locator(f'input[name="survivor"][value="{survivor.public_id}"]').check()
    for s in (merged, third):
        page.locator(f'input[name="selected"][value="{s.public_id}"]').check()
    page.get_by_label("理由（必填，记入变更日志）").fill("同一经营者：负责人、地址相同")
    page.get_by_role("button", name="合并", exact=True).click()
    page.wait_for_url(re.compile(rf"/console/review/subjects/{survivor.public_id}/$"))
    assert "已将 2 个主体合并至" in page.locator("main").inner_text()
    shot("merged")
    assert Record.objects.filter(subject=survivor).count() == 3

    # The merged profile on the portal leads to the survivor's.
    page.goto(f"{live_server.url}/subjects/{third.public_id}/")
    assert page.url.endswith(f"/subjects/{survivor.public_id}/")
    assert "本市监罚〔2026〕703号" in page.locator("main").inner_text()

    page.goto(live_server.url + "/console/review/merges/")
    row = page.locator("tr", has_text=third.public_id)
    row.get_by_label("撤销理由").fill("核实后为另一家店")
    row.get_by_role("button", name="撤销合并").click()
    page.wait_for_url(re.compile(rf"/console/review/subjects/{third.public_id}/$"))
    assert "已撤销合并" in page.locator("main").inner_text()
    shot("undone")
    third.refresh_from_db()
    assert third.merged_into_id is None
    assert Record.objects.filter(subject=third).count() == 1
    page.goto(live_server.url + "/console/review/merges/")
    assert "核实后为另一家店" in page.locator("main").inner_text()
    shot("history")
    page.goto(f"{live_server.url}/subjects/{third.public_id}/")
    assert page.url.endswith(f"/subjects/{third.public_id}/")
    assert Subject.objects.get(pk=merged.pk).merged_into_id == survivor.pk
    page.close()


@pytest.mark.parametrize(
    ("device", "width", "height"), [("desktop", 1280, 900), ("phone", 375, 812)]
)
def test_a_renamed_subjects_public_profile(
    import_rows, scjg, admin_user, live_server, browser, device, width, height
):
    """A name adopted by the office after an import sent another one: the public profile
    answers (it once gave 500 on SQLite for a subject renamed by an import) under the new
    name, with the records sent under both names."""
    from credit.core.actors import Actor
    from credit.review import services
    from credit.subjects.models import SubjectNameSeen
    from tests.collection.samples import penalty_row

    first = penalty_row(1)
    import_rows(scjg, [first])
    renamed = penalty_row(
        1,
        **{
            "行政相对人名称": "本溪市新名称商贸有限公司",
            "行政处罚决定书文号": "本市监罚〔2026〕8号",
        },
    )
    import_rows(scjg, [renamed])
    seen = SubjectNameSeen.objects.get(name="本溪市新名称商贸有限公司")
    services.resolve_name(Actor.for_user(admin_user), seen, adopt=True, reason="已变更登记")
    subject = Subject.objects.get(uscc=first["行政相对人代码_1（统一社会信用代码）"])

    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    response = page.goto(f"{live_server.url}/subjects/{subject.public_id}/")
    assert response.status == 200
    main = page.locator("main").inner_text()
    assert "本溪市新名称商贸有限公司" in main
    assert "本市监罚〔2026〕1号" in main and "本市监罚〔2026〕8号" in main
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"review-renamed-profile-{device}.png"), full_page=True)
