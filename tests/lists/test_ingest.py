"""List decisions imported through the collection pipeline become published list entries."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.core.management import call_command

from credit.audit.models import ChangeLog
from credit.collection import services as collection
from credit.collection.models import BatchState
from credit.core.actors import Actor
from credit.lists import queries
from credit.lists.models import EntryState, ListEntry, ListType, Source
from tests.collection.samples import SCJG_NAME, SCJG_USCC, company_uscc, person_id

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

    def run(department, rows, actor=None, dry_run=False, policy="reject_all"):
        path = write_csv(tmp_path / "名单认定.csv", rows)
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
            名单类型代码="拖欠农民工工资失信联合惩戒对象",
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
    assert entries.count() == 2
    first, second = entries
    assert first.state == EntryState.PUBLISHED and first.source == Source.IMPORT
    assert first.period_end == decided.replace(year=decided.year + 3)
    assert second.period_end == decided + dt.timedelta(days=400)
    assert first.facts == "因同一性质违法行为受到较重行政处罚"
    assert first.department_id == scjg.pk and first.authority_uscc == SCJG_USCC
    assert first.source_record.doc_number == first.decision_number
    assert set(queries.public_entries(samr)) == {first, second}

    # The wage list belongs to 人社: 市场监管 may not enter it, so the row is skipped.
    assert not ListEntry.objects.filter(list_type__code="wage_arrears").exists()
    log = ChangeLog.objects.get(action="list_entry.import")
    assert log.after["created"] == 2
    assert log.after["skipped"][0]["row"] == 4

    again = submit(scjg, rows, actor=Actor.for_user(operator_user))
    assert again.state == BatchState.DONE
    assert ListEntry.objects.filter(list_type=samr).count() == 2


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
