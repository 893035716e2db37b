"""Revocation notices: who received a fact is told when it is withdrawn (pull, cursor)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from credit.audit.models import AccessLog
from credit.core.actors import Actor
from credit.facts import events
from credit.notices import services
from credit.notices.models import Notice, Recipient, SharingReceipt
from credit.records import services as record_services

pytestmark = pytest.mark.django_db


def _withdraw(owner, record, capture, reason="处罚决定已被复议机关撤销"):
    record_services.withdraw(owner, record, reason)
    # The fixtures' own withdrawal left the outbox's on-commit task pending in the test's
    # never-committed transaction, so none is queued again: deliver as the daily job does.
    with capture(execute=True):
        events.deliver_pending()


def _pull(token, after=0, limit=100):
    response = Client().get(
        "/api/v1/notices",
        {"after": after, "limit": limit},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_withdrawal_notifies_the_checker_and_the_sharing_reader(
    world, operator_user, django_capture_on_commit_callbacks
):
    assert SharingReceipt.objects.filter(
        recipient__client=world.reader, subject=world.company
    ).exists()
    _withdraw(Actor.for_user(operator_user), world.record, django_capture_on_commit_callbacks)

    today = timezone.localdate().isoformat()
    by_client = {n.recipient.client_id: n for n in Notice.objects.select_related("recipient")}
    assert set(by_client) == {world.checker.pk, world.reader.pk}
    checked = by_client[world.checker.pk]
    assert (checked.action, checked.via, checked.check_ids) == (
        "withdrawn",
        "check",
        [world.check.pk],
    )
    assert checked.change == f"该记录已于 {today} 撤回"
    assert (checked.dataset, checked.document_number) == ("penalty", world.record.doc_number)
    assert checked.subject_public_id == world.company.public_id
    shared = by_client[world.reader.pk]
    assert (shared.via, shared.check_ids) == ("sharing", [])

    # Pull: the checker reads its notice, then nothing after its cursor.
    page = _pull(world.checker_token)
    assert [n["id"] for n in page["notices"]] == [str(checked.uid)]
    notice = page["notices"][0]
    assert notice["fact"]["document_number"] == world.record.doc_number
    assert notice["check_ids"] == [world.check.pk]
    assert notice["kind_label"] == "撤回"
    assert page["has_more"] is False
    assert _pull(world.checker_token, after=page["next_after"])["notices"] == []
    # A system that received nothing about the subject is told nothing.
    assert _pull(world.bystander_token)["notices"] == []
    # Reading notices names subjects: it is access-logged.
    assert AccessLog.objects.filter(resource="notices.pull", subject_id=world.company.pk).exists()


def test_outbox_delivering_an_event_twice_writes_no_second_notice(
    world, operator_user, django_capture_on_commit_callbacks
):
    _withdraw(Actor.for_user(operator_user), world.record, django_capture_on_commit_callbacks)
    event = events.FactEvent.objects.get(action="withdrawn", fact_ids=[world.record.pk])
    assert services.notify(event) == 0
    assert Notice.objects.count() == 2


def test_cursor_pages_in_order_and_resumes(
    world, operator_user, scjg, tmp_path, django_capture_on_commit_callbacks
):
    """Several changes: each client's notices are numbered 1, 2, 3 … and paged by cursor."""
    from tests.notices.support import import_penalties

    owner = Actor.for_user(operator_user)
    extra = import_penalties(scjg, tmp_path, [931, 932, 933])
    # The checker checks again (its new answer shows the three new penalties too).
    from credit.checks.store import run_check

    second = run_check(
        Actor.for_client(world.checker), "bidding", [{"uscc": world.company.uscc}], purpose="复核"
    )
    for record in [world.record, *extra]:
        _withdraw(owner, record, django_capture_on_commit_callbacks)

    recipient = Recipient.objects.get(client=world.checker)
    seqs = list(
        Notice.objects.filter(recipient=recipient).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == [1, 2, 3, 4]
    assert recipient.last_seq == 4
    first_notice = Notice.objects.get(recipient=recipient, seq=1)
    assert first_notice.check_ids == [world.check.pk, second.pk]
    # The new penalties did not exist at the first check: only the second is affected.
    assert Notice.objects.get(recipient=recipient, seq=2).check_ids == [second.pk]

    seen, after = [], 0
    while True:
        page = _pull(world.checker_token, after=after, limit=3)
        seen += [n["cursor"] for n in page["notices"]]
        after = page["next_after"]
        if not page["has_more"]:
            break
    assert seen == [1, 2, 3, 4]
    assert [
        n["fact"]["document_number"] for n in _pull(world.checker_token, after=2)["notices"]
    ] == [
        extra[1].doc_number,
        extra[2].doc_number,
    ]


def test_pull_refuses_bad_cursor_and_missing_scope(world):
    response = Client().get(
        "/api/v1/notices",
        {"after": "abc"},
        headers={"Authorization": f"Bearer {world.checker_token}"},
    )
    assert response.status_code == 422
    assert "after" in response.content.decode()
    from tests.notices.conftest import make_client

    _client, token = make_client("无通知权限系统", world.checker.department, ["checks:run"])
    response = Client().get("/api/v1/notices", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert "notices:read" in response.json()["message"]


def test_check_result_page_shows_what_changed_since(
    world, operator_user, scjg, django_capture_on_commit_callbacks
):
    from credit.checks.store import run_check

    owner = Actor.for_user(operator_user)
    console_check = run_check(
        owner, "bidding", [{"uscc": world.company.uscc}], purpose="政府采购供应商资格审查"
    )
    client = Client()
    client.force_login(operator_user)
    page = client.get(f"/console/checks/{console_check.pk}/").content.decode()
    assert "撤回" not in page
    _withdraw(owner, world.record, django_capture_on_commit_callbacks)
    page = client.get(f"/console/checks/{console_check.pk}/").content.decode()
    assert f"该记录已于 {timezone.localdate().isoformat()} 撤回" in page
    # The department's console check made the department a recipient too.
    assert Notice.objects.filter(recipient__department=scjg, check_ids=[console_check.pk]).exists()


def test_openapi_fuzz_of_the_notice_api_finds_no_server_error(world, keep_connection, settings):
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st
    from schemathesis.checks import not_a_server_error

    from credit.wsgi import application

    settings.CREDIT_NOTICE_WEBHOOK_ALLOWED_HOSTS = []
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
        path_regex=r"^/api/v1/notices"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 2
    headers = {"Authorization": f"Bearer {world.checker_token}"}
    statuses: list[int] = []

    @hypothesis_settings(
        max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=st.one_of([op.as_strategy() for op in operations]))
    def run(case):
        response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
        statuses.append(response.status_code)

    run()
    assert statuses and all(code < 500 for code in statuses)
