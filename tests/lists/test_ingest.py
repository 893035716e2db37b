"""List decisions imported through the collection pipeline become published list entries."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.core.management import call_command

from credit.audit.models import ChangeLog
from credit.catalog import queries as catalog
from credit.collection import reports
from credit.collection import services as collection
from credit.collection.models import BatchState
from credit.core.actors import Actor
from credit.lists import queries, services
from credit.lists.models import EntryState, ListEntry, ListType, Source
from credit.records.models import Record
from credit.subjects.models import Subject
from tests.collection.samples import SCJG_NAME, SCJG_USCC, company_uscc, person_id
from tests.collection.samples import write_csv as write_sample_csv

pytestmark = pytest.mark.django_db


def decision_row(n: int, decided: dt.date, **overrides) -> dict[str, str]:
    row = {
        "主体名称": f"本溪市名单导入有限公司{n}",
        "主体类别": "法人及非法人组织",
        "统一社会信用代码": company_uscc(500 + n),
        "名单类型代码": "samr_serious_violation",
        "决定文书号": f"本市监严失〔{decided.year}〕{n}号",
        "决定日期": decided.isoformat(),
        "认定依据": "《市场监督管理严重违法失信名单管理办法》",
        "认定事实": "因同一性质违法行为受到较重行政处罚",
        "有效期至": "",
        "认定机关": SCJG_NAME,
        "认定机关统一社会信用代码": SCJG_USCC,
        "数据来源单位": SCJG_NAME,
        "数据来源单位统一社会信用代码": SCJG_USCC,
        "备注": "",
    }
    row.update(overrides)
    return row


def write_csv(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def submit(db, tmp_path):
    call_command("load_catalog", verbosity=0)

    def run(department, rows, actor=None, dry_run=False, policy="reject_all", encoding=None):
        path = tmp_path / "名单认定.csv"
        if encoding:
            write_sample_csv(path, rows, encoding)
        else:
            write_csv(path, rows)
        return collection.submit_file(
            actor or Actor.system(),
            dataset_code="list_decision",
            department=department,
            fileobj=path,
            filename=path.name,
            policy=policy,
            dry_run=dry_run,
            run_now=True,
        )

    return run


def test_import_creates_published_entries_idempotently(submit, scjg, operator_user):
    decided = dt.date.today() - dt.timedelta(days=10)
    rows = [
        decision_row(1, decided),
        decision_row(2, decided, 有效期至=(decided + dt.timedelta(days=400)).isoformat()),
        decision_row(
            3,
            decided,
            主体名称="李四",
            主体类别="自然人",
            统一社会信用代码="",
            证件类型="身份证",
            证件号码=person_id(3),
            名单类型代码="市场监督管理严重违法失信名单",
        ),
    ]
    # Same columns in every row for DictWriter.
    for row in rows:
        row.setdefault("证件类型", "")
        row.setdefault("证件号码", "")
    batch = submit(scjg, rows, actor=Actor.for_user(operator_user), policy="reject_all")
    assert batch.state == BatchState.DONE, batch.message

    samr = ListType.objects.get(code="samr_serious_violation")
    entries = ListEntry.objects.filter(list_type=samr).order_by("decision_number")
    assert entries.count() == 3
    first, second, third = entries
    assert first.state == EntryState.PUBLISHED and first.source == Source.IMPORT
    # Same end as the console would give: three years including the decision day.
    assert first.period_end == services.period_end_for(decided, 36)
    assert first.period_end == decided.replace(year=decided.year + 3) - dt.timedelta(days=1)
    assert second.period_end == decided + dt.timedelta(days=400)
    assert first.facts == "因同一性质违法行为受到较重行政处罚"
    assert first.department_id == scjg.pk and first.authority_uscc == SCJG_USCC
    assert first.source_record.doc_number == first.decision_number
    assert third.subject.kind == "person"
    assert set(queries.public_entries(samr)) == {first, second, third}
    log = ChangeLog.objects.get(action="list_entry.import")
    assert log.after == {"created": 3, "existing": 0}

    again = submit(scjg, rows, actor=Actor.for_user(operator_user))
    assert again.state == BatchState.DONE
    assert ListEntry.objects.filter(list_type=samr).count() == 3

    # Sent once more after the list was switched off: still a no-op, not a row error; a
    # decision the list does not hold yet is refused.
    ListType.objects.filter(pk=samr.pk).update(active=False)
    third_time = submit(scjg, rows, actor=Actor.for_user(operator_user))
    assert third_time.state == BatchState.DONE, third_time.message
    assert third_time.error_rows == 0 and third_time.new_rows == 0
    assert ListEntry.objects.filter(list_type=samr).count() == 3
    new_row = {**rows[0], "决定文书号": f"本市监严失〔{decided.year}〕99号"}
    refused = submit(scjg, [new_row], actor=Actor.for_user(operator_user))
    assert refused.state == BatchState.REJECTED and refused.error_rows == 1


def test_system_import_enters_any_list_and_dry_run_stores_nothing(submit, scjg):
    decided = dt.date.today() - dt.timedelta(days=5)
    rows = [decision_row(7, decided, 名单类型代码="court_dishonest")]
    dry = submit(scjg, rows, dry_run=True)
    assert dry.state == BatchState.DONE
    assert not ListEntry.objects.exists()

    batch = submit(scjg, rows)
    assert batch.state == BatchState.DONE
    entry = ListEntry.objects.get()
    assert entry.list_type.code == "court_dishonest" and entry.period_end is None
    assert entry.department_id == scjg.pk
    assert queries.current_entries([entry.subject_id])[entry.subject_id] == [entry]


def test_unknown_list_type_is_a_row_error(submit, scjg):
    """The catalog knows the list types: an unknown one is refused with its row and column,
    instead of a record stored without its list entry."""
    decided = dt.date.today() - dt.timedelta(days=5)
    batch = submit(scjg, [decision_row(8, decided, 名单类型代码="no_such_list")])
    assert batch.state == BatchState.REJECTED
    error = batch.errors.get()
    assert (error.row, error.column, error.code) == (2, "名单类型代码", "enum_value")
    assert not ListEntry.objects.exists()


def test_list_type_may_be_given_by_name(submit, scjg):
    decided = dt.date.today() - dt.timedelta(days=5)
    batch = submit(scjg, [decision_row(9, decided, 名单类型代码="市场监督管理严重违法失信名单")])
    assert batch.state == BatchState.DONE, batch.message
    assert ListEntry.objects.get().list_type.code == "samr_serious_violation"


# --- list types the sending department may not use are row errors ---------------------------

UNKNOWN_MESSAGE = "「名单类型代码」（MD_LXDM）：名单类型“环保不良企业”不存在或已停用"
NOT_ALLOWED_MESSAGE = (
    "「名单类型代码」（MD_LXDM）：本单位不是“拖欠农民工工资失信联合惩戒对象”的认定部门，"
    "不能报送该名单的认定决定"
)


@pytest.fixture
def mixed_rows(db):
    """Rows 2 and 5 are good; row 3 names a deactivated list (by its name), row 4 a list
    that belongs to 人社, which 市场监管 may not enter."""
    ListType.objects.filter(code="env_bad").update(active=False)
    decided = dt.date.today() - dt.timedelta(days=6)
    return [
        decision_row(11, decided),
        decision_row(12, decided, 名单类型代码="环保不良企业"),
        decision_row(13, decided, 名单类型代码="wage_arrears"),
        decision_row(14, decided),
    ]


def report_rows(batch) -> list[tuple[str, str]]:
    rows = list(reports.iter_report_rows(batch))[1:]
    return [(row[-4], row[-3]) for row in rows]


def assert_list_errors(batch):
    found = [(e.row, e.column, e.code, e.message) for e in batch.errors.order_by("row")]
    assert found == [
        (3, "名单类型代码", "unknown_list_type", UNKNOWN_MESSAGE),
        (4, "名单类型代码", "list_not_allowed", NOT_ALLOWED_MESSAGE),
    ]
    assert batch.error_rows == 2


def test_bad_list_types_reject_the_whole_batch(submit, scjg, operator_user, mixed_rows):
    batch = submit(scjg, mixed_rows, actor=Actor.for_user(operator_user), encoding="gb18030")
    assert batch.state == BatchState.REJECTED, batch.message
    assert_list_errors(batch)
    assert not Record.objects.exists() and not ListEntry.objects.exists()
    assert report_rows(batch) == [
        ("未处理", ""),
        ("错误", UNKNOWN_MESSAGE),
        ("错误", NOT_ALLOWED_MESSAGE),
        ("未处理", ""),
    ]


def test_bad_list_types_are_failed_rows_the_others_are_stored(
    submit, scjg, operator_user, mixed_rows
):
    batch = submit(
        scjg,
        mixed_rows,
        actor=Actor.for_user(operator_user),
        policy="reject_failed_rows",
        encoding="gb18030",
    )
    assert batch.state == BatchState.DONE, batch.message
    assert_list_errors(batch)
    assert (batch.new_rows, batch.error_rows) == (2, 2)
    assert sorted(Record.objects.values_list("batch_row", flat=True)) == [2, 5]
    entries = ListEntry.objects.order_by("decision_number")
    assert [(e.list_type.code, e.source_record.batch_row) for e in entries] == [
        ("samr_serious_violation", 2),
        ("samr_serious_violation", 5),
    ]
    assert [result for result, _ in report_rows(batch)] == ["新增", "错误", "错误", "新增"]


def test_dry_run_reports_bad_list_types_and_stores_nothing(submit, scjg, operator_user, mixed_rows):
    batch = submit(
        scjg,
        mixed_rows,
        actor=Actor.for_user(operator_user),
        policy="reject_failed_rows",
        dry_run=True,
        encoding="gb18030",
    )
    assert batch.state == BatchState.DONE, batch.message
    assert_list_errors(batch)
    assert not Record.objects.exists() and not ListEntry.objects.exists()
    assert [result for result, _ in report_rows(batch)] == ["校验通过", "错误", "错误", "校验通过"]


def test_json_push_reports_bad_list_types_per_item(client, api_client_scjg, mixed_rows):
    call_command("load_catalog", verbosity=0)
    _api_client, token = api_client_scjg
    codes = {f.label: f.code for f in catalog.fields_of(catalog.current_version("list_decision"))}
    # Keyed by exchange code, as departments' systems send them.
    items = [{codes[label]: value for label, value in row.items()} for row in mixed_rows]
    response = client.post(
        "/api/v1/records",
        {"dataset": "list_decision", "policy": "reject_all", "items": items},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["batch"]["state"] == BatchState.REJECTED
    assert [item["result"] for item in body["items"]] == ["未处理", "错误", "错误", "未处理"]
    assert [
        (e["row"], e["column"], e["code"], e["message"])
        for item in body["items"]
        for e in item["errors"]
    ] == [  # JSON items are numbered from 1
        (2, "名单类型代码", "unknown_list_type", UNKNOWN_MESSAGE),
        (3, "名单类型代码", "list_not_allowed", NOT_ALLOWED_MESSAGE),
    ]
    assert not Record.objects.exists() and not ListEntry.objects.exists()

    good = client.post(
        "/api/v1/records",
        {"dataset": "list_decision", "policy": "reject_failed_rows", "items": items},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()
    assert [item["result"] for item in good["items"]] == ["新增", "错误", "错误", "新增"]
    assert ListEntry.objects.count() == 2


def test_list_without_local_department_is_only_for_the_credit_office(
    submit, scjg, operator_user, credit_office, admin_user
):
    decided = dt.date.today() - dt.timedelta(days=5)
    rows = [decision_row(21, decided, 名单类型代码="court_dishonest")]
    batch = submit(scjg, rows, actor=Actor.for_user(operator_user))
    assert batch.state == BatchState.REJECTED
    error = batch.errors.get()
    assert (error.row, error.column, error.code) == (2, "名单类型代码", "list_not_allowed")
    assert "“失信被执行人”无本市认定部门（人民法院）" in error.message
    assert "信用主管部门" in error.message

    # A credit administrator may enter it on the department's behalf.
    batch = submit(scjg, rows, actor=Actor.for_user(admin_user))
    assert batch.state == BatchState.DONE, batch.message
    assert ListEntry.objects.get().list_type.code == "court_dishonest"


def test_period_longer_than_the_list_allows_is_a_row_error(submit, scjg, operator_user):
    decided = dt.date.today() - dt.timedelta(days=5)
    ListType.objects.filter(code="samr_serious_violation").update(max_period_months=36)
    too_long = decided.replace(year=decided.year + 4)
    batch = submit(
        scjg,
        [decision_row(22, decided, 有效期至=too_long.isoformat())],
        actor=Actor.for_user(operator_user),
    )
    assert batch.state == BatchState.REJECTED
    error = batch.errors.get()
    assert (error.row, error.column, error.code) == (2, "有效期至", "list_period_too_long")
    assert error.message.startswith(
        "「有效期至」（MD_YXQZ）：“市场监督管理严重违法失信名单”列入期限最长 36 个月"
    )
    assert not Record.objects.exists()


def test_list_type_deactivated_after_validation_fails_the_batch(
    submit, scjg, operator_user, monkeypatch
):
    """The safety net: a row validation let through but loading cannot enter fails the whole
    batch with a clear message instead of storing the record without its entry."""
    from credit.collection import pipeline

    original = pipeline.upsert.apply

    def deactivate_then_apply(batch, now):
        ListType.objects.filter(code="samr_serious_violation").update(active=False)
        return original(batch, now)

    monkeypatch.setattr(pipeline.upsert, "apply", deactivate_then_apply)
    decided = dt.date.today() - dt.timedelta(days=5)
    actor = Actor.for_user(operator_user)
    batch = submit(scjg, [decision_row(23, decided)], actor=actor)
    assert batch.state == BatchState.FAILED
    assert "第 2 行：名单类型“samr_serious_violation”不存在或已停用" in batch.message
    assert "批次未入库，请重新处理" in batch.message
    assert not Record.objects.exists() and not ListEntry.objects.exists()

    # Run again once the list type really is inactive (the change above was rolled back
    # with the batch): the row is now an ordinary row error.
    monkeypatch.setattr(pipeline.upsert, "apply", original)
    ListType.objects.filter(code="samr_serious_violation").update(active=False)
    again = collection.rerun(actor, batch)
    again.refresh_from_db()
    assert again.state == BatchState.REJECTED
    assert again.errors.get().code == "unknown_list_type"


def test_decisions_dated_by_the_procedure_are_not_late_when_imported(
    submit, scjg, operator_user, make_subject
):
    """A list decision made in the console's procedure reached the platform the day it
    was made: its record sent later by file is not 超期; another decision of the same
    date and file is."""
    owner = Actor.for_user(operator_user)
    decided = dt.date.today() - dt.timedelta(days=45)  # far beyond 7 working days
    subject = make_subject("本溪市名单导入有限公司1")
    Subject.objects.filter(pk=subject.pk).update(uscc=company_uscc(501))
    samr = ListType.objects.get(code="samr_serious_violation")
    entry = services.notify(
        owner, samr, subject, "本市监告〔2026〕91号", decided - dt.timedelta(days=10), "理由"
    )
    services.waive_statement(owner, entry, decided - dt.timedelta(days=9), "放弃书〔2026〕91号")
    row = decision_row(1, decided)
    services.decide(owner, entry, row["决定文书号"], decided, "事实", "依据")

    batch = submit(scjg, [row, decision_row(2, decided)], actor=owner)
    assert batch.state == BatchState.DONE, batch.message
    assert batch.late_rows == 1
    by_number = dict(Record.objects.values_list("doc_number", "is_late"))
    assert by_number == {row["决定文书号"]: False, decision_row(2, decided)["决定文书号"]: True}
    # The procedure's entry stays the one entry of that decision.
    assert ListEntry.objects.filter(list_type=samr, decision_key=entry.decision_key).count() == 1
    report = list(reports.iter_report_rows(batch))
    late_column = report[0].index("是否超期")
    assert [r[late_column] for r in report[1:]] == ["否", "是"]


def test_an_imported_batch_of_decisions_writes_one_list_entry_event(submit, scjg):
    """Every entry is entered and published through facts.transitions (history and change
    log per entry), but the outbox gets one event per kind for the batch, not one per row."""
    from credit.facts import LIST_ENTRY, RECORD
    from credit.facts.models import FactEvent
    from credit.lists.models import ListEntryEvent

    decided = dt.date.today() - dt.timedelta(days=10)
    rows = [decision_row(n, decided) for n in (11, 12, 13)]
    batch = submit(scjg, rows)
    assert batch.state == BatchState.DONE, batch.message

    entries = ListEntry.objects.filter(source=Source.IMPORT)
    subjects = sorted(entries.values_list("subject_id", flat=True))
    assert len(subjects) == 3
    found = list(
        FactEvent.objects.order_by("id").values_list(
            "kind", "action", "batch_ref", "fact_ids", "subject_ids", "request_id"
        )
    )
    ref = str(batch.public_id)
    assert sorted(found) == sorted(
        [
            (RECORD, "imported", ref, [], subjects, f"batch:{ref}"),
            (LIST_ENTRY, "imported", ref, [], subjects, f"batch:{ref}"),
        ]
    )
    # Still each entry's own history and change-log rows.
    assert ListEntryEvent.objects.filter(entry__in=entries, action="publish").count() == 3
    assert ChangeLog.objects.filter(action="list_entry.publish").count() == 3

    # Re-sent: nothing entered, nothing changed, no event.
    submit(scjg, rows)
    assert FactEvent.objects.count() == 2


def test_entries_from_batch_alone_writes_its_own_single_event(submit, scjg):
    """Run outside the pipeline's load (a repair), the consumer still writes one event."""
    from credit.facts import LIST_ENTRY
    from credit.facts.models import FactEvent
    from credit.lists import ingest

    decided = dt.date.today() - dt.timedelta(days=10)
    batch = submit(scjg, [decision_row(n, decided) for n in (21, 22)])
    assert batch.state == BatchState.DONE, batch.message
    ListEntry.objects.all().delete()
    FactEvent.objects.all().delete()

    assert ingest.entries_from_batch(batch) == {"created": 2, "existing": 0}
    event = FactEvent.objects.get()
    assert (event.kind, event.action, event.batch_ref) == (
        LIST_ENTRY,
        "imported",
        str(batch.public_id),
    )
    assert event.subject_ids == sorted(ListEntry.objects.values_list("subject_id", flat=True))
