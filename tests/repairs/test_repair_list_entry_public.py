"""A list entry through the public due-process paths, as a record goes (issue 13): the
public API's profile gives each entry an id; with it the subject checks eligibility, applies
for repair (portal form and POST /api/v1/public/repairs) and files an objection (portal
form and POST /api/v1/public/objections). The entry's department decides; 修复 removes the
entry with the kind 信用修复, so it leaves the list page, the profile and the public API."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from credit.core.actors import Actor
from credit.lists import services as lists
from credit.lists.models import ListEntry, ListType
from credit.objections.models import Objection
from credit.portal.opaque import entry_token, record_token
from credit.repairs import services
from credit.repairs.models import RepairApplication
from tests.objections.conftest import PDF
from tests.repairs.test_repair_portal import form, nothing_stored, upload

pytestmark = pytest.mark.django_db
LIST = "samr_serious_violation"


@pytest.fixture
def no_limits(settings):
    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 1_000_000
    settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 1_000


def enter(subject, number: str, days_ago: int) -> ListEntry:
    """A decided entry on the SAMR list (early removal by repair after 12 months)."""
    entry, created = lists.enter_decided(
        Actor.system("测试"),
        ListType.objects.get(code=LIST),
        subject,
        number,
        dt.date.today() - dt.timedelta(days=days_ago),
        "提交虚假材料取得登记",
        "《市场监督管理严重违法失信名单管理办法》第九条",
    )
    assert created and entry.department_id is not None
    return entry


def profile_entries(company) -> list[dict]:
    got = Client().get(f"/api/v1/public/subjects/{company.public_id}")
    assert got.status_code == 200, got.content
    return got.json()["blacklist"]


def test_entry_ids_in_the_public_profile_open_eligibility_and_the_api_application(
    repair_world, operator_user, no_limits
):
    company = repair_world.company
    old = enter(company, "本市监严违〔2025〕7号", 400)
    young = enter(company, "本市监严违〔2026〕8号", 30)
    listed = {e["decision_number"]: e for e in profile_entries(company)}
    assert listed[old.decision_number]["id"] == entry_token(old.pk)
    section = next(
        s
        for s in Client().get(f"/api/v1/public/subjects/{company.public_id}").json()["sections"]
        if s["entries"]
    )
    assert {e["id"] for e in section["entries"]} == {entry_token(old.pk), entry_token(young.pk)}

    def eligibility(token):
        got = Client().get("/api/v1/public/repairs/eligibility", {"record": token})
        assert got.status_code == 200, got.content
        return got.json()

    ready, waiting = eligibility(entry_token(old.pk)), eligibility(entry_token(young.pk))
    assert ready["kind"] == "list_entry" and ready["eligible"] is True
    assert waiting["eligible"] is False and waiting["earliest"] > dt.date.today().isoformat()
    assert waiting["earliest"] in waiting["message"]

    # Too early: refused with the date, nothing stored.
    early = Client().post(
        "/api/v1/public/repairs", {**form(), "record": entry_token(young.pk), "materials": upload()}
    )
    assert early.status_code == 409 and waiting["earliest"] in early.json()["message"]

    made = Client().post(
        "/api/v1/public/repairs", {**form(), "record": entry_token(old.pk), "materials": upload()}
    )
    assert made.status_code == 201, made.content
    app = RepairApplication.objects.get(tracking_number=made.json()["tracking_number"])
    assert app.fact_kind == "list_entry" and app.list_entry_id == old.pk
    assert app.department_id == old.department_id  # 谁认定、谁修复

    scjg = Actor.for_user(operator_user)
    services.accept(scjg, app, "身份已核验")
    services.decide(scjg, app, repair=True, reason="已纠正失信行为")
    old.refresh_from_db()
    assert old.removed_on is not None and old.removal_kind == "repair"
    numbers = {e["decision_number"] for e in profile_entries(company)}
    assert old.decision_number not in numbers and young.decision_number in numbers
    assert old.decision_number not in Client().get(f"/lists/{LIST}/").content.decode()
    gone = Client().get("/api/v1/public/repairs/eligibility", {"record": entry_token(old.pk)})
    assert gone.status_code == 404


def test_portal_form_applies_for_an_entry_from_its_self_check(repair_world, no_limits):
    company = repair_world.company
    entry = enter(company, "本市监严违〔2025〕9号", 400)
    token = entry_token(entry.pk)
    check_url = f"/lists/{LIST}/entries/{token}/repair/"
    apply_url = f"/lists/{LIST}/entries/{token}/repair/apply/"
    # Reached from the profile's black-list row and the list page.
    assert check_url in Client().get(f"/subjects/{company.public_id}/").content.decode()
    page = Client().get(check_url).content.decode()
    assert apply_url in page and f"/objections/new/{token}/" in page
    shown = Client().get(apply_url)
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "市场监督管理严重违法失信名单 本市监严违〔2025〕9号" in text and "移出名单" in text

    refused = Client().post(apply_url, {**form(commitment_accepted=""), "materials": upload()})
    assert refused.status_code == 400 and RepairApplication.objects.count() == 0

    done = Client().post(apply_url, {**form(), "materials": upload()})
    assert done.status_code == 200, done.content.decode()
    tracking = re.search(r"XF\d{12}", done.content.decode()).group(0)
    app = RepairApplication.objects.get(tracking_number=tracking)
    assert app.list_entry_id == entry.pk and app.application.channel == "portal"
    # One open application per fact: the second is refused with the reason.
    again = Client().post(apply_url, {**form(), "materials": upload()})
    assert again.status_code == 409 and RepairApplication.objects.count() == 1


def test_entry_addresses_take_only_entries_of_their_own_list(repair_world, settings):
    company = repair_world.company
    entry = enter(company, "本市监严违〔2025〕10号", 400)
    record = record_token(repair_world.old_penalty.pk)
    token = entry_token(entry.pk)
    for url in (
        f"/lists/{LIST}/entries/{record}/repair/apply/",  # a record's id
        f"/lists/wage_arrears/entries/{token}/repair/apply/",  # another list
        f"/publicity/records/{token}/repair/apply/",  # an entry under a record's address
        f"/lists/{LIST}/entries/{'A' * 22}/repair/apply/",
    ):
        got = Client().post(url, {**form(), "materials": upload()})
        assert got.status_code == 404, url
    assert nothing_stored(settings)


def test_objection_to_an_entry_by_portal_and_api(repair_world, no_limits):
    company = repair_world.company
    entry = enter(company, "本市监严违〔2025〕11号", 40)
    token = entry_token(entry.pk)
    page = Client().get(f"/objections/new/{token}/")
    assert page.status_code == 200
    assert "市场监督管理严重违法失信名单 本市监严违〔2025〕11号" in page.content.decode()
    fields = {k: v for k, v in form().items() if not k.startswith(("commitment", "statement"))}
    by_portal = Client().post(
        f"/objections/new/{token}/",
        {**fields, "reason": "该决定已被行政复议撤销", "materials": upload("复议决定书.pdf", PDF)},
    )
    assert by_portal.status_code == 200, by_portal.content.decode()
    by_api = Client().post(
        "/api/v1/public/objections",
        {**fields, "record": token, "reason": "列入依据的事实不成立", "materials": upload()},
    )
    assert by_api.status_code == 201, by_api.content
    made = Objection.objects.order_by("pk")
    assert [(o.fact_kind, o.fact_id) for o in made] == [("list_entry", entry.pk)] * 2
    assert made[0].department_id == entry.department_id
    assert all(o.fact_label.endswith(entry.decision_number) for o in made)
    unknown = Client().post(
        "/api/v1/public/objections", {**fields, "record": "B" * 22, "reason": "理由"}
    )
    assert unknown.status_code == 404 and "未找到" in unknown.json()["message"]
    assert Objection.objects.count() == 2


def test_a_red_list_entry_may_be_objected_to_but_not_repaired(repair_world, no_limits):
    red = ListType.objects.filter(color="red", active=True).first()
    entry, _ = lists.enter_decided(
        Actor.system("测试"),
        red,
        repair_world.company,
        "本红〔2026〕1号",
        dt.date.today() - dt.timedelta(days=10),
        "纳税信用 A 级",
        "依据",
    )
    token = entry_token(entry.pk)
    answer = Client().get("/api/v1/public/repairs/eligibility", {"record": token}).json()
    assert answer["repairable"] is False and answer["eligible"] is False
    profile = Client().get(f"/subjects/{repair_world.company.public_id}/").content.decode()
    assert f"/objections/new/{token}/" in profile
    applied = Client().post(
        "/api/v1/public/repairs",
        {**form(), "record": token, "materials": [SimpleUploadedFile("a.pdf", PDF)]},
    )
    assert applied.status_code == 409 and RepairApplication.objects.count() == 0


def test_a_persons_name_is_not_put_in_the_public_forms(repair_world, no_limits):
    from credit.subjects.models import Subject

    person = Subject.objects.create(
        public_id="pub-entry-person",
        kind="person",
        name="欧阳小明",
        name_norm="欧阳小明",
    )
    entry = enter(person, "本市监严违〔2025〕12号", 400)
    token = entry_token(entry.pk)
    for url in (f"/objections/new/{token}/", f"/lists/{LIST}/entries/{token}/repair/apply/"):
        page = Client().get(url)
        assert page.status_code == 200, url
        assert "欧阳小明" not in page.content.decode(), url
    # An organisation's name (public anyway) is filled in for the applicant.
    company = enter(repair_world.company, "本市监严违〔2025〕13号", 400)
    page = Client().get(f"/objections/new/{entry_token(company.pk)}/").content.decode()
    assert f'value="{repair_world.company.name}"' in page


def test_the_entry_form_is_rate_limited_and_stores_nothing_when_refused(
    repair_world, settings, monkeypatch
):
    from credit.core import ratelimit

    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 1_000_000
    settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 1
    monkeypatch.setattr(ratelimit, "_clock", lambda: 1_700_000_000.0)
    entry = enter(repair_world.company, "本市监严违〔2025〕14号", 400)
    url = f"/lists/{LIST}/entries/{entry_token(entry.pk)}/repair/apply/"
    first = Client().post(url, {**form(applicant_name=""), "materials": upload()})
    assert first.status_code == 400
    limited = Client().post(url, {**form(), "materials": upload()})
    assert limited.status_code == 429 and "访问过于频繁" in limited.content.decode()
    assert nothing_stored(settings)


def test_an_entry_of_a_list_switched_off_links_to_no_missing_page(repair_world, no_limits):
    entry = enter(repair_world.company, "本市监严违〔2025〕15号", 400)
    ListType.objects.filter(code=LIST).update(active=False)
    token = entry_token(entry.pk)
    assert Client().get(f"/lists/{LIST}/").status_code == 404
    for url in (f"/objections/new/{token}/", f"/lists/{LIST}/entries/{token}/repair/"):
        page = Client().get(url)
        assert page.status_code == 200, url
        assert f'href="/lists/{LIST}/"' not in page.content.decode(), url
