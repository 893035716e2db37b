"""The 异议标注 reaches the credit check answer (API dict, result page, Excel) for records
and list entries while the objection is open, and leaves it once closed; the marker is one
kernel state, written and read through credit.facts."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from credit import facts
from credit.checks.store import run_check
from credit.core.actors import Actor
from credit.facts import transitions
from credit.facts.models import Dispute
from credit.lists.models import ListEntry
from credit.objections import services
from credit.portal.opaque import entry_token
from tests.checks.test_checks_helpers import put_on_list
from tests.objections.conftest import company_party, pdf

pytestmark = pytest.mark.django_db
PUBLIC = Actor(label="公众申请人")


def _open(office, kind, fact_id):
    objection, _ = services.submit(
        PUBLIC,
        kind=kind,
        fact_id=fact_id,
        party=company_party(),
        reason="信息有误",
        uploads=[pdf()],
        channel="portal",
    )
    return services.accept(office, objection)


def _check(operator_user, company):
    return run_check(
        Actor.for_user(operator_user), "bidding", [{"uscc": company.uscc}], purpose="异议标注测试"
    )


def test_check_answer_page_and_excel_carry_the_marker_while_open(
    portal_data, scjg, admin_user, operator_user
):
    office = Actor.for_user(admin_user)
    company = portal_data.company
    entry = put_on_list(company, "samr_serious_violation")
    ListEntry.objects.filter(pk=entry.pk).update(department=scjg)
    record_objection = _open(office, "record", portal_data.public_penalty.pk)
    entry_objection = _open(office, "list_entry", entry.pk)

    check = _check(operator_user, company)
    item = check.answer["items"][0]
    flags = {r["doc_number"]: r["disputed"] for r in item["records"]}
    assert flags[portal_data.public_penalty.doc_number] is True
    assert [e["disputed"] for e in item["black_entries"]] == [True]

    client = Client()
    client.force_login(operator_user)
    page = client.get(f"/console/checks/{check.pk}/").content.decode()
    assert page.count("异议处理中") >= 2
    workbook = load_workbook(
        io.BytesIO(client.get(f"/console/checks/{check.pk}/export.xlsx").content)
    )
    cells = [str(c.value) for row in workbook.active.iter_rows() for c in row if c.value]
    assert any("异议处理中" in c for c in cells)

    for objection in (record_objection, entry_objection):
        services.self_check(office, objection, False, "转协查")
        services.verify(Actor.for_user(admin_user), objection, "upheld", "核实无误")
    later = _check(operator_user, company).answer["items"][0]
    assert not any(r["disputed"] for r in later["records"])
    assert [e["disputed"] for e in later["black_entries"]] == [False]


def test_the_marker_is_one_kernel_state_with_its_events(portal_data):
    record = portal_data.public_penalty
    actor = Actor.system("测试")
    from django.db import transaction

    with transaction.atomic():
        transitions.open_dispute(actor, "record", record.pk, record.subject_id, "YY202612060099")
    assert facts.disputed("record", [record.pk, portal_data.licence.pk]) == {record.pk}
    with transaction.atomic():
        assert (
            transitions.close_dispute(
                actor, "record", record.pk, record.subject_id, "YY202612060099", "办结"
            )
            == 1
        )
        # Closing twice changes nothing and writes no second event.
        assert (
            transitions.close_dispute(
                actor, "record", record.pk, record.subject_id, "YY202612060099", "办结"
            )
            == 0
        )
    assert facts.disputed("record", [record.pk]) == set()
    assert Dispute.objects.get().closed_reason == "办结"
    from credit.facts.models import FactEvent

    assert list(
        FactEvent.objects.filter(action__in=["disputed", "undisputed"]).values_list(
            "action", flat=True
        )
    ) == ["disputed", "undisputed"]


def test_a_disputed_entry_is_marked_on_the_profile_the_api_and_the_console(
    portal_data, scjg, admin_user
):
    office = Actor.for_user(admin_user)
    company = portal_data.company
    entry = put_on_list(company, "samr_serious_violation")
    ListEntry.objects.filter(pk=entry.pk).update(department=scjg)
    marker = "异议处理中"
    url = f"/subjects/{company.public_id}/"

    def black_section(html):
        return html.split("严重失信主体名单</h2>", 1)[1].split("</section>", 1)[0]

    assert marker not in black_section(Client().get(url).content.decode())
    objection = _open(office, "list_entry", entry.pk)
    assert marker in black_section(Client().get(url).content.decode())
    # The list's public page and the entry's self-check carry it too.
    assert marker in Client().get("/lists/samr_serious_violation/").content.decode()
    check = f"/lists/samr_serious_violation/entries/{entry_token(entry.pk)}/repair/"
    assert marker in Client().get(check).content.decode()
    api = Client().get(f"/api/v1/public/subjects/{company.public_id}").json()
    assert [e["disputed"] for e in api["blacklist"]] == [True]
    assert [e["disputed"] for s in api["sections"] for e in s["entries"]] == [True]
    console = Client()
    console.force_login(admin_user)
    page = console.get(f"/console/subjects/{company.public_id}/").content.decode()
    assert marker in black_section(page)

    services.self_check(office, objection, False, "转协查")
    services.verify(office, objection, "upheld", "核实无误")
    assert marker not in black_section(Client().get(url).content.decode())
    assert marker not in Client().get("/lists/samr_serious_violation/").content.decode()
    page = console.get(f"/console/subjects/{company.public_id}/").content.decode()
    assert marker not in black_section(page)


def test_a_disputed_record_is_marked_on_the_public_lists(portal_data, admin_user):
    record = portal_data.public_penalty
    lists = ("/", f"/publicity/{record.dataset.code}/")  # the home page lists the newest
    _open(Actor.for_user(admin_user), "record", record.pk)
    for url in lists:
        page = Client().get(url)
        if page.status_code == 302:
            page = Client().get(page["Location"])
        html = page.content.decode()
        assert record.doc_number in html and "异议处理中" in html, url
