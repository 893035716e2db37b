"""The admin reads in Chinese: forms, widgets, inline rows, filters, task results.

Screenshots of each page go to artifacts/screenshots/admin_*.png for people to look at;
the test fails on any English word left in what the page shows."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser_support import SHOTS, needs_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]

# Words a Chinese page may show: codes and names the data itself carries.
# (Django's Chinese help for multiple choice names the keys: 按住 Control 键或 Mac 上的 Command 键.)
ALLOWED = {"Control", "Command", "Mac"}
# Words, also inside snake_case codes (licence_validity) and camel case (ListEntryEvent).
WORD = re.compile(r"[A-Z]?[a-z]{3,}")


def _english(text: str, data_words: set[str]) -> set[str]:
    return {w for w in WORD.findall(text) if w not in ALLOWED and w.lower() not in data_words}


def _entry(operator_user):
    from credit.core.actors import Actor
    from credit.lists import services
    from credit.lists.models import ListType
    from credit.subjects.models import Subject

    subject = Subject.objects.create(
        public_id="pub-admin-zh",
        kind="organization",
        name="本溪市后台中文有限公司",
        name_norm="本溪市后台中文有限公司",
        uscc="91210502MB0000010X",
    )
    actor = Actor.for_user(operator_user)
    entry = services.notify(
        actor,
        ListType.objects.get(code="samr_serious_violation"),
        subject,
        "本市监告〔2025〕9号",
        dt.date(2025, 9, 26),
        "多次抽检不合格拒不整改",
        "直接送达",
    )
    return entry


def test_admin_pages_are_chinese(
    admin_user, operator_user, scjg, user_password, live_server, browser
):
    from django_tasks_db.models import DBTaskResult

    from credit.measures.models import Measure, Scenario

    entry = _entry(operator_user)
    scenario = Scenario.objects.first()
    measure = Measure.objects.first()
    DBTaskResult.objects.create(
        task_path="credit.records.tasks.end_expired_windows_task",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=dt.datetime(9999, 1, 1, tzinfo=dt.UTC),
        exception_class_path="",
        traceback="",
    )
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", user_password)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    # Codes the data itself holds (user names, scenario and measure codes) are not English.
    data_words = {
        part
        for code in (admin_user.username, operator_user.username, scenario.code, measure.code)
        for part in re.split(r"[^a-z]+", code.lower())
    }
    pages = {
        "index": "/admin/",
        "user_add": "/admin/accounts/user/add/",
        "user_change": f"/admin/accounts/user/{operator_user.pk}/change/",
        "user_password": f"/admin/accounts/user/{operator_user.pk}/password/",
        "list_entry": f"/admin/lists/listentry/{entry.pk}/change/",
        "publicity_rules": "/admin/records/publicityrule/",
        "scenario": f"/admin/measures/scenario/{scenario.pk}/change/",
        "measure": f"/admin/measures/measure/{measure.pk}/change/",
        "holiday_add": "/admin/core/holiday/add/",
        "tasks": "/admin/django_tasks_database/dbtaskresult/",
        "changelog": "/admin/audit/changelog/",
    }
    found = {}
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.locator("#content").wait_for(state="visible", timeout=15_000)
        page.screenshot(path=str(SHOTS / f"admin_{name}.png"), full_page=True)
        text = page.locator("#container").inner_text()
        # The password summary shows the random salt and hash prefixes before their
        # asterisks (哈希: cab410****): letters of no word, but sometimes an English one.
        text = re.sub(r"[0-9A-Za-z+/=$]+\*{4,}", "", text)
        words = _english(text, data_words)
        if words:
            found[name] = sorted(words)
    # The auditors' pages of the same trail: the list procedure, the admin's reads.
    for name, path in {
        "audit_changes": "/console/audit/changes/",
        "audit_access": "/console/audit/access/",
    }.items():
        page.goto(live_server.url + path)
        page.locator("main table").wait_for(state="visible", timeout=15_000)
        page.screenshot(path=str(SHOTS / f"admin_{name}.png"), full_page=True)
        # Request ids are hex: letters of no word.
        text = re.sub(r"\b[0-9a-f]{32}\b", "", page.locator("main").inner_text())
        words = _english(text, data_words)
        if words:
            found[name] = sorted(words)
    context.close()
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())
