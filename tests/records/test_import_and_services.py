"""Windows stored by a real import, withdrawal, the minor flag, the daily job, rule edits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from credit.audit.models import AccessLog, ChangeLog
from credit.catalog.models import DatasetVersion
from credit.collection.models import BatchState
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.records import queries, services
from credit.records.models import PublicityRule, Record, RecordVisibilityChange, Visibility
from credit.records.publicity import add_months
from credit.records.tasks import end_expired_windows_task
from tests.collection.samples import penalty_row, write_csv

from .samples import licence_row

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


def import_penalties(run_file, dept, tmp_path, rows, name="p.csv"):
    batch = run_file(dept, write_csv(tmp_path / name, rows))
    assert batch.state == BatchState.DONE, batch.message
    return batch


def record(doc_no: int) -> Record:
    return Record.objects.get(doc_number=f"本市监罚〔2026〕{doc_no}号")


def test_import_sets_windows_by_severity(scjg, run_file, tmp_path, today):
    decided = today - dt.timedelta(days=10)
    rows = [
        penalty_row(1, decided=decided, 失信严重程度="一般"),
        penalty_row(2, decided=decided, 失信严重程度="严重"),
        penalty_row(3, decided=decided, 失信严重程度="轻微"),
    ]
    import_penalties(run_file, scjg, tmp_path, rows)
    general, serious, minor = record(1), record(2), record(3)
    assert (general.public_from, general.public_until, general.visibility) == (
        decided,
        add_months(decided, 12),
        Visibility.PUBLIC,
    )
    assert (serious.public_until, serious.visibility) == (
        add_months(decided, 36),
        Visibility.PUBLIC,
    )
    assert (minor.public_from, minor.public_until, minor.visibility) == (
        None,
        None,
        Visibility.NOT_PUBLISHED,
    )
    public = set(queries.public_records().values_list("doc_number", flat=True))
    assert public == {general.doc_number, serious.doc_number}
    assert queries.public_counts() == {"licences": 0, "penalties": 2}
    # New records carry their batch as provenance, not a history row each.
    assert not RecordVisibilityChange.objects.exists()


def test_import_licences_valid_expired_invalid_long_term(scjg, run_file, tmp_path, today):
    decided = today - dt.timedelta(days=400)
    rows = [
        licence_row(1, decided=decided, until=today),
        licence_row(2, decided=decided, until=today - DAY),
        licence_row(3, decided=decided, until=today + dt.timedelta(days=30), state="2"),
        licence_row(4, decided=decided + DAY, until=dt.date(2099, 12, 31)),
    ]
    batch = run_file(scjg, write_csv(tmp_path / "l.csv", rows), dataset="licence")
    assert batch.state == BatchState.DONE, batch.message
    by_no = {
        r.doc_number: (r.public_until, r.visibility)
        for r in Record.objects.filter(dataset__code="licence")
    }
    assert by_no == {
        "本市监许〔2026〕1号": (today, Visibility.PUBLIC),
        "本市监许〔2026〕2号": (today - DAY, Visibility.ENDED),
        "本市监许〔2026〕3号": (None, Visibility.NOT_PUBLISHED),
        "本市监许〔2026〕4号": (None, Visibility.PUBLIC),
    }
    assert queries.public_counts() == {"licences": 2, "penalties": 0}
    assert queries.public_counts(today + DAY) == {"licences": 1, "penalties": 0}
    assert [r.doc_number for r in queries.latest_public("licence")] == [
        "本市监许〔2026〕4号",
        "本市监许〔2026〕1号",
    ]


def test_public_records_filters_dates_even_when_state_is_stale(scjg, run_file, tmp_path, today):
    decided = today - dt.timedelta(days=5)
    import_penalties(run_file, scjg, tmp_path, [penalty_row(1, decided=decided)])
    last_day = add_months(decided, 12)
    assert queries.public_records(last_day).count() == 1
    # The daily job has not run: the column still says public, the query does not.
    assert record(1).visibility == Visibility.PUBLIC
    assert queries.public_records(last_day + DAY).count() == 0
    assert queries.public_records(decided - DAY).count() == 0


def test_item_not_open_to_society_is_hidden_by_the_query(scjg, run_file, tmp_path):
    import_penalties(run_file, scjg, tmp_path, [penalty_row(1)])
    DatasetVersion.objects.filter(dataset__code="penalty").update(open_attr="依申请公开")
    assert queries.public_records().count() == 0


def test_public_records_of_subject(scjg, run_file, tmp_path):
    import_penalties(run_file, scjg, tmp_path, [penalty_row(1), penalty_row(2)])
    subject = record(1).subject
    assert [r.doc_number for r in queries.public_records_of(subject)] == [record(1).doc_number]
    assert list(queries.public_records_of(subject, "licence")) == []


def test_withdrawal_hides_at_once_and_keeps_reason_and_history(
    scjg, operator_user, run_file, tmp_path
):
    rows = [penalty_row(1), penalty_row(2)]
    import_penalties(run_file, scjg, tmp_path, rows)
    actor = Actor.for_user(operator_user)
    services.withdraw(actor, record(1), "  处罚决定已被复议撤销  ")
    withdrawn = record(1)
    assert withdrawn.visibility == Visibility.WITHDRAWN
    assert withdrawn.withdrawn_reason == "处罚决定已被复议撤销"
    assert withdrawn.withdrawn_by == operator_user.username
    assert withdrawn.withdrawn_at is not None
    assert list(queries.public_records().values_list("doc_number", flat=True)) == [
        record(2).doc_number
    ]
    change = RecordVisibilityChange.objects.get(record=withdrawn)
    assert (change.from_state, change.to_state, change.reason, change.actor_label) == (
        Visibility.PUBLIC,
        Visibility.WITHDRAWN,
        "处罚决定已被复议撤销",
        operator_user.username,
    )
    assert ChangeLog.objects.filter(action="record_withdrawn", object_id=str(withdrawn.pk)).exists()
    # A re-import of the changed decision does not bring it back.
    rows[0]["处罚内容"] = "警告并处罚款3000元"
    rows[0]["罚款金额（万元）"] = "0.3"
    batch = import_penalties(run_file, scjg, tmp_path, rows, "again.csv")
    assert batch.updated_rows == 1
    again = record(1)
    assert again.version_no == 2
    assert again.visibility == Visibility.WITHDRAWN
    assert queries.public_records().count() == 1


def test_withdrawal_rules(scjg, operator_user, other_operator, auditor_user, run_file, tmp_path):
    import_penalties(run_file, scjg, tmp_path, [penalty_row(1)])
    with pytest.raises(PermissionDenied, match="本单位"):
        services.withdraw(Actor.for_user(other_operator), record(1), "错误")
    with pytest.raises(PermissionDenied, match="审计员"):
        services.withdraw(Actor.for_user(auditor_user), record(1), "错误")
    with pytest.raises(ServiceError, match="撤回原因") as exc:
        services.withdraw(Actor.for_user(operator_user), record(1), "   ")
    assert exc.value.code == "reason_required"
    assert record(1).visibility == Visibility.PUBLIC
    services.withdraw(Actor.system("信用办"), record(1), "信用办依申请撤回")
    with pytest.raises(ServiceError, match="已撤回"):
        services.withdraw(Actor.for_user(operator_user), record(1), "再次撤回")


def test_set_publish_minor_publishes_three_months(scjg, operator_user, run_file, tmp_path, today):
    decided = today - dt.timedelta(days=3)
    import_penalties(
        run_file, scjg, tmp_path, [penalty_row(1, decided=decided, 失信严重程度="轻微")]
    )
    assert record(1).visibility == Visibility.NOT_PUBLISHED
    actor = Actor.for_user(operator_user)
    marked = services.set_publish_minor(actor, record(1), True, today=today)
    assert (marked.publish_minor, marked.public_until, marked.visibility) == (
        True,
        add_months(decided, 3),
        Visibility.PUBLIC,
    )
    assert queries.public_records().count() == 1
    change = RecordVisibilityChange.objects.get(record=marked)
    assert (change.from_state, change.to_state) == (Visibility.NOT_PUBLISHED, Visibility.PUBLIC)
    unmarked = services.set_publish_minor(actor, record(1), False, today=today)
    assert unmarked.visibility == Visibility.NOT_PUBLISHED
    assert RecordVisibilityChange.objects.filter(record=marked).count() == 2
    assert ChangeLog.objects.filter(action="record_publish_minor").count() == 2


def test_end_expired_windows_twice_changes_nothing_the_second_time(scjg, run_file, tmp_path, today):
    decided = today - dt.timedelta(days=20)
    rows = [
        penalty_row(1, decided=decided, 失信严重程度="一般"),
        penalty_row(2, decided=decided, 失信严重程度="严重"),
    ]
    import_penalties(run_file, scjg, tmp_path, rows)
    last_day = add_months(decided, 12)
    assert services.end_expired_windows(today=last_day, job_id="t1") == 0
    assert services.end_expired_windows(today=last_day + DAY, job_id="t2") == 1
    assert services.end_expired_windows(today=last_day + DAY, job_id="t3") == 0
    assert record(1).visibility == Visibility.ENDED
    assert record(2).visibility == Visibility.PUBLIC
    change = RecordVisibilityChange.objects.get()
    assert (change.record, change.from_state, change.to_state, change.job_id) == (
        record(1),
        Visibility.PUBLIC,
        Visibility.ENDED,
        "t2",
    )
    assert ChangeLog.objects.filter(action="publicity_windows_updated").count() == 1


def test_end_expired_windows_starts_pending_records(scjg, run_file, tmp_path, today):
    import_penalties(run_file, scjg, tmp_path, [penalty_row(1, decided=today)])
    Record.objects.update(visibility=Visibility.PENDING)  # as if computed the day before
    assert services.end_expired_windows(today=today) == 1
    assert record(1).visibility == Visibility.PUBLIC
    assert services.end_expired_windows(today=today) == 0


def test_daily_command_and_task(scjg, run_file, tmp_path, today, capsys):
    decided = today - dt.timedelta(days=2)
    import_penalties(run_file, scjg, tmp_path, [penalty_row(1, decided=decided)])
    after = add_months(decided, 12) + DAY
    call_command("end_publicity_windows", date=after.isoformat())
    assert "1 条记录" in capsys.readouterr().out
    assert record(1).visibility == Visibility.ENDED
    result = end_expired_windows_task.enqueue()
    assert result.return_value == 0
    assert record(1).visibility == Visibility.ENDED


def test_rule_change_recomputes_windows(
    scjg, admin_user, operator_user, run_file, tmp_path, today, django_capture_on_commit_callbacks
):
    decided = today - dt.timedelta(days=2)
    import_penalties(run_file, scjg, tmp_path, [penalty_row(1, decided=decided)])
    rule = PublicityRule.objects.get(rule_key="penalty_severity", severity="一般", penalty_type="")
    rule.max_months = 24
    with pytest.raises(PermissionDenied):
        services.save_rule(Actor.for_user(operator_user), rule)
    rule.min_months = 30
    with pytest.raises(ServiceError, match="最短公示期"):
        services.save_rule(Actor.for_user(admin_user), rule)
    rule.min_months = 3
    with django_capture_on_commit_callbacks(execute=True):
        services.save_rule(Actor.for_user(admin_user), rule)
    assert record(1).public_until == add_months(decided, 24)
    log = ChangeLog.objects.get(action="publicity_rule_saved")
    assert (log.before["max_months"], log.after["max_months"]) == (12, 24)


def test_shared_records_logs_access_and_skips_withdrawn(scjg, operator_user, run_file, tmp_path):
    rows = [penalty_row(1), penalty_row(2, **{"行政相对人名称": "本溪市测试商贸有限公司1"})]
    rows[1]["行政相对人代码_1（统一社会信用代码）"] = rows[0][
        "行政相对人代码_1（统一社会信用代码）"
    ]
    import_penalties(run_file, scjg, tmp_path, rows)
    subject = record(1).subject
    assert record(2).subject == subject
    services.withdraw(Actor.for_user(operator_user), record(2), "决定已撤销")
    actor = Actor.for_user(operator_user)
    shared = list(queries.shared_records(actor, subject, purpose="行政审批核查"))
    assert [r.doc_number for r in shared] == [record(1).doc_number]
    entry = AccessLog.objects.get()
    assert (entry.subject_id, entry.purpose, entry.resource) == (
        subject.pk,
        "行政审批核查",
        "records.shared",
    )


def test_reimport_of_changed_decisions_moves_windows_and_logs_state_changes(
    scjg, operator_user, run_file, tmp_path, today
):
    decided = today - dt.timedelta(days=10)
    rows = [
        penalty_row(1, decided=decided, 失信严重程度="一般"),
        penalty_row(2, decided=decided, 失信严重程度="轻微"),
        penalty_row(3, decided=decided, 失信严重程度="一般"),
        penalty_row(4, decided=decided, 失信严重程度="一般"),
    ]
    import_penalties(run_file, scjg, tmp_path, rows)
    actor = Actor.for_user(operator_user)
    services.set_publish_minor(actor, record(2), True, today=today)
    services.withdraw(actor, record(3), "决定已撤销")
    before = RecordVisibilityChange.objects.count()
    rows[0]["失信严重程度"] = "轻微"  # public -> not published
    rows[1]["处罚内容"] = "警告（更正）"  # marked minor: stays public for three months
    rows[2]["失信严重程度"] = "严重"  # withdrawn: stays withdrawn, dates follow the rule
    batch = import_penalties(run_file, scjg, tmp_path, rows, "again.csv")
    assert (batch.new_rows, batch.updated_rows, batch.unchanged_rows) == (0, 3, 1)
    one, two, three, four = record(1), record(2), record(3), record(4)
    assert (one.public_from, one.public_until, one.visibility) == (
        None,
        None,
        Visibility.NOT_PUBLISHED,
    )
    assert (two.public_until, two.visibility) == (add_months(decided, 3), Visibility.PUBLIC)
    assert (three.public_until, three.visibility) == (
        add_months(decided, 36),
        Visibility.WITHDRAWN,
    )
    assert four.version_no == 1 and four.visibility == Visibility.PUBLIC
    changes = RecordVisibilityChange.objects.filter(job_id=f"batch:{batch.public_id}")
    assert [(c.record_id, c.from_state, c.to_state) for c in changes] == [
        (one.pk, Visibility.PUBLIC, Visibility.NOT_PUBLISHED)
    ]
    assert RecordVisibilityChange.objects.count() == before + 1
    # The same file once more changes nothing.
    again = import_penalties(run_file, scjg, tmp_path, rows, "third.csv")
    assert (again.new_rows, again.updated_rows, again.unchanged_rows) == (0, 0, 4)
    assert RecordVisibilityChange.objects.count() == before + 1
