"""An objection's 异议标注 reaches the systems that received the fact: the client that
checked the subject gets a `disputed` notice when the objection is accepted and an
`undisputed` one when it is closed (the notices app subscribes to the kernel's events)."""

from __future__ import annotations

import pytest
from django.test import Client

from credit.core.actors import Actor
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
