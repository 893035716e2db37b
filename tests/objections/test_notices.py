"""An objection's 异议标注 reaches the systems that received the fact: the client that
checked the subject gets a `disputed` notice when the objection is accepted and an
`undisputed` one when it is closed (the notices app subscribes to the kernel's events)."""

from __future__ import annotations

import pytest
from django.test import Client

from credit.collection import corrections
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.facts import events
from credit.objections import services
from tests.notices.conftest import world  # noqa: F401  (the notices world: a checker, a reader)
from tests.objections.conftest import company_party, pdf

pytestmark = pytest.mark.django_db
PUBLIC = Actor(label="公众申请人")


def _pull(token, after=0):
    response = Client().get(
        "/api/v1/notices", {"after": after}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.content
    return response.json()


def _deliver(capture):
    # The fixtures' writes left the outbox's on-commit task pending in the test's
    # never-committed transaction: deliver as the daily job does.
    with capture(execute=True):
        events.deliver_pending()


def test_accepted_objection_and_its_close_reach_the_checker_as_notices(
    world,  # noqa: F811
    admin_user,
    django_capture_on_commit_callbacks,
):
    office = Actor.for_user(admin_user)
    objection, _code = services.submit(
        PUBLIC,
        kind="record",
        fact_id=world.record.pk,
        party=company_party(),
        reason="处罚对象错误",
        uploads=[pdf()],
        channel="portal",
    )
    services.accept(office, objection)
    _deliver(django_capture_on_commit_callbacks)

    page = _pull(world.checker_token)
    assert [n["kind"] for n in page["notices"]] == ["disputed"]
    notice = page["notices"][0]
    assert notice["fact"]["document_number"] == world.record.doc_number
    assert notice["check_ids"] == [world.check.pk]
    assert "异议" in notice["change"]
    # The system that read the record by the sharing API is told too; a bystander is not.
    assert [n["kind"] for n in _pull(world.reader_token)["notices"]] == ["disputed"]
    assert _pull(world.bystander_token)["notices"] == []

    services.self_check(office, objection, False, "转协查")
    services.verify(office, objection, "upheld", "核实无误，维持")
    _deliver(django_capture_on_commit_callbacks)
    later = _pull(world.checker_token, after=page["next_after"])
    assert [n["kind"] for n in later["notices"]] == ["undisputed"]


def test_corrected_outcome_reaches_the_checker_as_a_corrected_notice(
    world,  # noqa: F811
    admin_user,
    operator_user,
    django_capture_on_commit_callbacks,
):
    office = Actor.for_user(admin_user)
    objection, _code = services.submit(
        PUBLIC,
        kind="record",
        fact_id=world.record.pk,
        party=company_party(),
        reason="罚款金额登记错误",
        uploads=[pdf()],
        channel="portal",
    )
    services.accept(office, objection)
    services.self_check(office, objection, False, "非平台差错，转协查")
    _deliver(django_capture_on_commit_callbacks)
    seen = _pull(world.checker_token)
    assert [n["kind"] for n in seen["notices"]] == ["disputed"]
    # While open, the sharing API answer carries the marker too.
    shared = (
        Client()
        .get(
            f"/api/v1/shared/subjects/{world.company.public_id}/records",
            {"purpose": "环评审批核查"},
            headers={"Authorization": f"Bearer {world.reader_token}"},
        )
        .json()
    )
    marks = {r["document_number"]: r["disputed"] for r in shared["records"]}
    assert marks[world.record.doc_number] is True

    # The providing department verifies by its API and sends the corrected fields with it.
    department = Client()
    department.force_login(operator_user)
    response = department.post(
        f"/api/v1/objections/{objection.pk}/verify",
        {
            "outcome": "corrected",
            "note": "罚款金额登记有误，已更正",
            "changes": {"罚款金额（万元）": "0.3"},
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "corrected"
    world.record.refresh_from_db()
    assert world.record.version_no == 2
    assert "0.3" in world.record.data.values()
    _deliver(django_capture_on_commit_callbacks)

    later = _pull(world.checker_token, after=seen["next_after"])["notices"]
    kinds = [n["kind"] for n in later]
    assert "corrected" in kinds and "undisputed" in kinds
    corrected = next(n for n in later if n["kind"] == "corrected")
    assert corrected["fact"]["document_number"] == world.record.doc_number
    assert corrected["check_ids"] == [world.check.pk]
    shared = (
        Client()
        .get(
            f"/api/v1/shared/subjects/{world.company.public_id}/records",
            {"purpose": "环评审批核查"},
            headers={"Authorization": f"Bearer {world.reader_token}"},
        )
        .json()
    )
    assert not any(r["disputed"] for r in shared["records"])


def test_corrected_fields_refused_whole_and_the_objection_stays_open(world, admin_user):  # noqa: F811
    office = Actor.for_user(admin_user)
    objection, _code = services.submit(
        PUBLIC,
        kind="record",
        fact_id=world.record.pk,
        party=company_party(),
        reason="内容有误",
        uploads=[pdf()],
        channel="portal",
    )
    services.accept(office, objection)
    services.self_check(office, objection, False, "转协查")
    with pytest.raises(corrections.CorrectionRefused, match="不是该信息事项的字段"):
        services.verify(office, objection, "corrected", "更正", {"没有的字段": "x"})
    with pytest.raises(ServiceError, match="更正内容"):
        services.verify(office, objection, "upheld", "维持", {"罚款金额（万元）": "0.3"})
    objection.refresh_from_db()
    assert objection.state == "verifying"
    world.record.refresh_from_db()
    assert world.record.version_no == 1
