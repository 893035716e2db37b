"""Record state changes and imports write their outbox events through facts.transitions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from credit.audit.models import ChangeLog
from credit.collection.models import BatchState
from credit.core.actors import Actor
from credit.facts import RECORD
from credit.facts.models import FactEvent
from credit.records import services
from credit.records.models import Record, RecordVisibilityChange, Visibility
from credit.records.publicity import add_months
from tests.collection.samples import penalty_row, write_csv

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


class Boom(Exception):
    pass


def _import(run_file, dept, tmp_path, rows, name="p.csv"):
    batch = run_file(dept, write_csv(tmp_path / name, rows))
    assert batch.state == BatchState.DONE, batch.message
    return batch


def test_one_event_per_imported_batch_naming_the_subjects(scjg, run_file, tmp_path):
    rows = [penalty_row(n) for n in (1, 2, 3)]
    # Two decisions about the same company: three rows, two subjects.
    rows[2]["行政相对人名称"] = rows[0]["行政相对人名称"]
    rows[2]["行政相对人代码_1（统一社会信用代码）"] = rows[0][
        "行政相对人代码_1（统一社会信用代码）"
    ]
    batch = _import(run_file, scjg, tmp_path, rows)
    assert batch.new_rows == 3
    event = FactEvent.objects.get()
    assert (event.kind, event.action, event.batch_ref, event.fact_ids) == (
        RECORD,
        "imported",
        str(batch.public_id),
        [],
    )
    subjects = sorted(set(Record.objects.values_list("subject_id", flat=True)))
    assert len(subjects) == 2
    assert event.subject_ids == subjects

    # An unchanged re-import touches nothing: no event.
    _import(run_file, scjg, tmp_path, rows, "same.csv")
    assert FactEvent.objects.count() == 1

    # A changed row: one more event, naming only that row's subject.
    rows[1]["处罚内容"] = "警告并处罚款3000元"
    again = _import(run_file, scjg, tmp_path, rows, "changed.csv")
    assert again.updated_rows == 1
    changed = Record.objects.get(doc_number=rows[1]["行政处罚决定书文号"])
    latest = FactEvent.objects.filter(action="imported").latest("id")
    assert (latest.batch_ref, latest.subject_ids) == (str(again.public_id), [changed.subject_id])
    # The changed record is a corrected version: its own event names it (issue 13).
    corrected = FactEvent.objects.get(action="corrected")
    assert (corrected.batch_ref, corrected.fact_ids) == (str(again.public_id), [changed.pk])


def test_dry_run_writes_no_event(scjg, catalog, tmp_path):
    from credit.collection import services as collection

    batch = collection.submit_file(
        Actor.system(),
        dataset_code="penalty",
        department=scjg,
        fileobj=write_csv(tmp_path / "dry.csv", [penalty_row(1)]),
        filename="dry.csv",
        policy="reject_all",
        dry_run=True,
        run_now=True,
    )
    assert batch.state == BatchState.DONE, batch.message
    assert not Record.objects.exists()
    assert not FactEvent.objects.exists()


def test_withdrawal_writes_state_history_log_and_event_together(
    scjg, operator_user, run_file, tmp_path
):
    _import(run_file, scjg, tmp_path, [penalty_row(1)])
    FactEvent.objects.all().delete()
    record = Record.objects.get()
    actor = Actor.for_user(operator_user)

    with pytest.raises(Boom), transaction.atomic():
        services.withdraw(actor, record, "决定已撤销")
        raise Boom
    record.refresh_from_db()
    assert record.visibility == Visibility.PUBLIC
    assert not RecordVisibilityChange.objects.exists()
    assert not ChangeLog.objects.filter(action="record_withdrawn").exists()
    assert not FactEvent.objects.exists()

    services.withdraw(actor, record, "决定已撤销")
    event = FactEvent.objects.get()
    assert (event.kind, event.action, event.fact_ids, event.subject_ids) == (
        RECORD,
        "withdrawn",
        [record.pk],
        [record.subject_id],
    )
    assert event.actor_label == operator_user.username
    assert RecordVisibilityChange.objects.filter(record=record).count() == 1
    assert ChangeLog.objects.filter(action="record_withdrawn").count() == 1


def test_window_job_writes_one_event_per_move(scjg, run_file, tmp_path):
    today = timezone.localdate()
    decided = today - dt.timedelta(days=20)
    rows = [penalty_row(n, decided=decided, 失信严重程度="一般") for n in (1, 2)]
    _import(run_file, scjg, tmp_path, rows)
    FactEvent.objects.all().delete()
    last_day = add_months(decided, 12)
    assert services.end_expired_windows(today=last_day + DAY, job_id="t1") == 2
    event = FactEvent.objects.get()
    records = Record.objects.order_by("id")
    assert (event.action, event.fact_ids, event.request_id) == (
        "window_ended",
        [r.pk for r in records],
        "t1",
    )
    assert event.subject_ids == sorted({r.subject_id for r in records})
    # The job's own summary row stays the only change-log row, as before.
    assert ChangeLog.objects.filter(action="publicity_windows_updated").count() == 1
    # A second run moves nothing and writes no event.
    assert services.end_expired_windows(today=last_day + DAY, job_id="t2") == 0
    assert FactEvent.objects.count() == 1


def test_window_job_folds_its_chunks_into_one_event_per_move(scjg, run_file, tmp_path, monkeypatch):
    today = timezone.localdate()
    decided = today - dt.timedelta(days=20)
    _import(run_file, scjg, tmp_path, [penalty_row(n, decided=decided) for n in (1, 2, 3)])
    FactEvent.objects.all().delete()
    # One record per chunk: three transitions, still one event for the run.
    monkeypatch.setattr(services, "CHUNK", 1)
    last_day = add_months(decided, 12)
    assert services.end_expired_windows(today=last_day + DAY, job_id="t3") == 3
    event = FactEvent.objects.get()
    records = Record.objects.order_by("id")
    assert (event.action, event.fact_ids, event.subject_ids, event.batch_ref) == (
        "window_ended",
        [r.pk for r in records],
        sorted({r.subject_id for r in records}),
        "t3",
    )
    assert RecordVisibilityChange.objects.filter(job_id="t3").count() == 3


def test_recomputing_windows_writes_one_event_naming_the_subjects(
    scjg, run_file, tmp_path, admin_user, monkeypatch
):
    from credit.records import publicity
    from credit.records.models import PublicityRule, Severity

    decided = timezone.localdate() - dt.timedelta(days=40)
    _import(run_file, scjg, tmp_path, [penalty_row(n, decided=decided) for n in (1, 2, 3)])
    FactEvent.objects.all().delete()
    assert set(Record.objects.values_list("visibility", flat=True)) == {Visibility.PUBLIC}

    # The credit office shortens 一般 penalties to one month: all three windows have ended.
    PublicityRule.objects.filter(
        rule_key=publicity.PENALTY, severity=Severity.GENERAL, penalty_type=""
    ).update(max_months=1, min_months=1)
    monkeypatch.setattr(publicity, "CHUNK", 2)  # two chunks, one event
    office = Actor.for_user(admin_user)
    assert services.refresh_all_windows(office, job_id="r1") == 3

    records = Record.objects.order_by("id")
    assert set(r.visibility for r in records) == {Visibility.ENDED}
    event = FactEvent.objects.get()
    assert (event.kind, event.action, event.batch_ref, event.request_id, event.fact_ids) == (
        RECORD,
        "changed",
        "r1",
        "r1",
        [],
    )
    assert event.subject_ids == sorted({r.subject_id for r in records})
    assert event.actor_label == office.label
    changes = RecordVisibilityChange.objects.filter(job_id="r1")
    assert changes.count() == 3
    assert {c.actor_label for c in changes} == {office.label}
    assert ChangeLog.objects.filter(action="publicity_recomputed").count() == 1

    # Nothing left to change: no event.
    assert services.refresh_all_windows(office, job_id="r2") == 0
    assert FactEvent.objects.count() == 1


def test_a_failing_recomputation_leaves_no_event_and_no_window(scjg, run_file, tmp_path):
    from credit.records import publicity
    from credit.records.models import PublicityRule, Severity

    decided = timezone.localdate() - dt.timedelta(days=40)
    _import(run_file, scjg, tmp_path, [penalty_row(1, decided=decided)])
    FactEvent.objects.all().delete()
    PublicityRule.objects.filter(
        rule_key=publicity.PENALTY, severity=Severity.GENERAL, penalty_type=""
    ).update(max_months=1, min_months=1)
    with pytest.raises(Boom), transaction.atomic():
        assert publicity.refresh_records(Record.objects.all(), job_id="r3") == 1
        assert FactEvent.objects.count() == 1  # written with the change ...
        raise Boom
    # ... and gone with it.
    assert not FactEvent.objects.exists()
    assert Record.objects.get().visibility == Visibility.PUBLIC
