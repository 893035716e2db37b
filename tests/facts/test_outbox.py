"""The outbox: events stored with the change, delivered after commit, retried, never lost."""

from __future__ import annotations

import pytest
from django.db import transaction

from credit.audit.models import ChangeLog
from credit.core import jobs
from credit.facts import RECORD, events, transitions
from credit.facts.models import FactDelivery, FactEvent

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


@pytest.fixture
def subscribed():
    """Register test subscribers for one test; unregistered afterwards."""
    names = []

    def register(name, func, label="测试订阅方"):
        events.subscribe(name, func, label)
        names.append(name)

    yield register
    for name in names:
        events.unsubscribe(name)


def _change(actor, fact_id=1, subject_id=7, state=None):
    return transitions.apply(
        actor,
        RECORD,
        transitions.Action.WITHDRAWN,
        fact_ids=[fact_id],
        subject_ids=[subject_id],
        state=state,
        log=transitions.ChangeLog("record_withdrawn", "record", fact_id, after={"x": 1}),
    )


def test_event_is_written_with_the_change_and_rolled_back_with_it(system_actor):
    with pytest.raises(Boom), transaction.atomic():
        _change(system_actor, fact_id=1)
        raise Boom
    assert not FactEvent.objects.exists()
    assert not ChangeLog.objects.filter(action="record_withdrawn").exists()

    # A failing state write takes the change log and the event with it as well.
    def failing_state():
        raise Boom

    with pytest.raises(Boom):
        _change(system_actor, fact_id=2, state=failing_state)
    assert not FactEvent.objects.exists()
    assert not ChangeLog.objects.filter(action="record_withdrawn").exists()

    _change(system_actor, fact_id=3, subject_id=9)
    event = FactEvent.objects.get()
    assert (event.kind, event.action, event.fact_ids, event.subject_ids) == (
        RECORD,
        "withdrawn",
        [3],
        [9],
    )
    assert event.actor_label == system_actor.label
    assert ChangeLog.objects.filter(action="record_withdrawn", object_id="3").exists()


def test_delivered_after_commit_to_registered_subscribers(
    system_actor, subscribed, django_capture_on_commit_callbacks
):
    seen = []
    subscribed("test.seen", lambda event: seen.append((event.action, event.subject_ids)))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        _change(system_actor, fact_id=1, subject_id=5)
        _change(system_actor, fact_id=2, subject_id=6)
        # Nothing is handed over before the commit.
        assert seen == []
    # One delivery task per transaction, however many events it wrote.
    assert len(callbacks) == 1
    assert seen == [("withdrawn", [5]), ("withdrawn", [6])]
    assert not FactEvent.objects.filter(delivered_at=None).exists()
    assert set(
        FactDelivery.objects.filter(subscriber="test.seen").values_list("state", flat=True)
    ) == {FactDelivery.State.DONE}


def test_failing_subscriber_is_retried_and_never_blocks_the_others(system_actor, subscribed):
    good, flaky = [], {"fail": True}

    def failing(event):
        if flaky["fail"]:
            raise RuntimeError("缓存服务不可用")

    subscribed("test.failing", failing, "会失败的订阅方")
    subscribed("test.good", lambda event: good.append(event.pk))
    with transaction.atomic():
        _change(system_actor)
    event = FactEvent.objects.get()

    events.deliver_pending()
    assert good == [event.pk]
    failed = FactDelivery.objects.get(subscriber="test.failing")
    assert failed.state == FactDelivery.State.FAILED
    assert failed.attempts == 1
    assert "缓存服务不可用" in failed.last_error
    assert failed.next_attempt_at is not None
    event.refresh_from_db()
    assert event.delivered_at is None  # not lost: still pending for the failing one

    # Before its backoff ends it is not tried again; the good one never gets it twice.
    events.deliver_pending()
    failed.refresh_from_db()
    assert failed.attempts == 1
    assert good == [event.pk]

    # Failing again doubles the wait.
    events.deliver_pending(now=failed.next_attempt_at)
    failed.refresh_from_db()
    assert failed.attempts == 2
    assert events.backoff(2) == 2 * events.backoff(1)

    flaky["fail"] = False
    events.deliver_pending(now=failed.next_attempt_at)
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.next_attempt_at) == (
        FactDelivery.State.DONE,
        3,
        None,
    )
    event.refresh_from_db()
    assert event.delivered_at is not None
    assert good == [event.pk]


def test_nothing_lost_between_commit_and_delivery(system_actor, subscribed):
    """The process dies after the commit, before the on-commit task: the daily job (and any
    later deliverer) hands the event over."""
    seen = []
    subscribed("test.seen", lambda event: seen.append(event.fact_ids))
    # In a test the on-commit callbacks never run: exactly the lost task.
    with transaction.atomic():
        _change(system_actor, fact_id=11)
    assert seen == []
    outcome = jobs.run_one(jobs.get("facts.deliver_pending"), job_id="t1")
    assert outcome.ok, outcome.error
    assert seen == [[11]]
    # Run again (cron twice, a second scheduler): nothing is delivered twice.
    jobs.run_one(jobs.get("facts.deliver_pending"), job_id="t2")
    assert seen == [[11]]


def test_emit_refuses_to_run_outside_a_transaction(system_actor, monkeypatch):
    from django.db import connection

    monkeypatch.setattr(type(connection), "in_atomic_block", False, raising=False)
    with pytest.raises(RuntimeError, match="inside the writer's transaction"):
        events.emit(RECORD, "withdrawn", fact_ids=[1])


def test_subjects_changed_subscriber_sends_the_signal(system_actor):
    from credit.subjects.models import Subject
    from credit.subjects.signals import subjects_changed

    subject = Subject.objects.create(
        public_id="pub-outbox-1", kind="organization", name="本溪市事件测试有限公司"
    )
    received = []

    def receiver(sender, subject_ids, public_ids, **kwargs):
        received.append((sender, subject_ids, public_ids))

    subjects_changed.connect(receiver)
    try:
        with transaction.atomic():
            _change(system_actor, subject_id=subject.pk)
        events.deliver_pending()
    finally:
        subjects_changed.disconnect(receiver)
    assert received == [("facts", [subject.pk], [subject.public_id])]


def test_admin_lists_failures_and_retries_them(
    client, admin_user, user_password, system_actor, subscribed
):
    flaky = {"fail": True}

    def failing(event):
        if flaky["fail"]:
            raise RuntimeError("下游接口超时")

    subscribed("test.failing", failing, "测试下游接口")
    with transaction.atomic():
        _change(system_actor)
    events.deliver_pending()
    failed = FactDelivery.objects.get(subscriber="test.failing")

    client.force_login(admin_user)
    page = client.get("/admin/facts/factdelivery/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "测试下游接口" in text
    assert "送达失败，等待重试" in text
    assert "下游接口超时" in text

    flaky["fail"] = False
    answer = client.post(
        "/admin/facts/factdelivery/",
        {"action": "retry_now", "_selected_action": [failed.pk]},
        follow=True,
    )
    assert answer.status_code == 200
    assert "其中 1 项已送达" in answer.content.decode()
    failed.refresh_from_db()
    assert failed.state == FactDelivery.State.DONE
    assert ChangeLog.objects.filter(action="fact_delivery.retry").exists()


def test_a_batch_writes_one_event_per_kind_and_action(system_actor):
    from credit.facts import LIST_ENTRY

    with transitions.batch(system_actor, "job-1", request_id="job-1") as batch:
        for fact_id, subject_id in ((1, 7), (2, 8), (3, 7)):
            _change(system_actor, fact_id=fact_id, subject_id=subject_id)
        # Code that opens its own batch joins the outer one.
        with transitions.batch(system_actor, "inner", action="imported") as inner:
            assert inner is batch
            transitions.imported(system_actor, LIST_ENTRY, "inner", [9, 7])
        assert not FactEvent.objects.exists()  # written when the batch ends
    found = list(
        FactEvent.objects.order_by("id").values_list(
            "kind", "action", "fact_ids", "subject_ids", "batch_ref", "request_id"
        )
    )
    assert found == [
        (RECORD, "withdrawn", [1, 2, 3], [7, 8], "job-1", "job-1"),
        (LIST_ENTRY, "imported", [], [7, 9], "job-1", "job-1"),
    ]
    # Every change still has its own change-log row.
    assert ChangeLog.objects.filter(action="record_withdrawn").count() == 3


def test_a_batch_can_name_one_action_and_only_the_subjects(system_actor):
    with transitions.batch(system_actor, "b-2", action="imported", name_facts=False):
        _change(system_actor, fact_id=1, subject_id=5)
        _change(system_actor, fact_id=2, subject_id=6)
    event = FactEvent.objects.get()
    assert (event.action, event.fact_ids, event.subject_ids) == ("imported", [], [5, 6])


def test_a_failed_batch_writes_nothing_and_the_next_change_emits_again(system_actor):
    with pytest.raises(Boom), transitions.batch(system_actor, "b-3"):
        _change(system_actor, fact_id=1)
        raise Boom
    assert not FactEvent.objects.exists()
    assert not ChangeLog.objects.filter(action="record_withdrawn").exists()
    # Outside any batch again: one event per change.
    with transaction.atomic():
        _change(system_actor, fact_id=2)
    assert FactEvent.objects.get().fact_ids == [2]


def _enqueues_pending():
    from django.db import connection

    return sum(1 for _, func, _ in connection.run_on_commit if func is events._enqueue)


def test_many_emits_in_one_transaction_queue_one_delivery_task(
    system_actor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for n in range(50):
            _change(system_actor, fact_id=n, subject_id=n)
    assert FactEvent.objects.count() == 50
    assert [c for c in callbacks if c is events._enqueue] == [events._enqueue]


def test_a_rolled_back_savepoint_does_not_cost_the_transaction_its_task(system_actor):
    with transaction.atomic():
        with pytest.raises(Boom), transaction.atomic():
            _change(system_actor, fact_id=1)
            assert _enqueues_pending() == 1
            raise Boom
        # Django dropped the savepoint's callback with it ...
        assert _enqueues_pending() == 0
        _change(system_actor, fact_id=2)
        _change(system_actor, fact_id=3)
        # ... so the next emit registers the task again, once.
        assert _enqueues_pending() == 1
        # A savepoint released (not rolled back) keeps it: no second one.
        with transaction.atomic():
            _change(system_actor, fact_id=4)
        with pytest.raises(Boom), transaction.atomic():
            raise Boom
        _change(system_actor, fact_id=5)
        assert _enqueues_pending() == 1
    assert list(FactEvent.objects.values_list("fact_ids", flat=True).order_by("id")) == [
        [2],
        [3],
        [4],
        [5],
    ]


# Real commits: the task must be queued again in the next transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_committed_transaction_queues_its_own_task(system_actor, subscribed):
    runs = []
    subscribed("test.runs", lambda event: runs.append(event.fact_ids[0]))
    for first in (1, 4):
        with transaction.atomic():
            for fact_id in range(first, first + 3):
                _change(system_actor, fact_id=fact_id)
            assert _enqueues_pending() == 1
        # The task ran on this commit (immediate backend in tests) and delivered all three.
        assert runs == list(range(1, first + 3))
    assert not FactEvent.objects.filter(delivered_at=None).exists()
