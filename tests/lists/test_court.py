"""The court_dishonest dataset: each row becomes an entry of the 失信被执行人 list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from credit import facts
from credit.collection import services as collection
from credit.collection.models import BatchState
from credit.core.actors import Actor
from credit.core.fieldcrypto import decrypt_id
from credit.core.identifiers import make_uscc
from credit.lists import queries
from credit.lists.models import EntryState, ListEntry, ListType, Source
from credit.records.models import Record
from credit.subjects.models import Subject
from tests.collection.samples import company_uscc, person_id, write_csv, write_xlsx

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
COURT = "本溪市平山区人民法院"
COURT_USCC = make_uscc("11210502001200000")


def court_row(n: int, office, published: dt.date | None = None, **over) -> dict[str, str]:
    published = published or TODAY - dt.timedelta(days=5)
    row = {
        "被执行人名称": f"本溪市失信测试有限公司{n}",
        "被执行人类别": "法人及非法人组织",
        "统一社会信用代码": company_uscc(600 + n),
        "证件类型": "",
        "证件号码": "",
        "法定代表人或者负责人姓名": "吴十",
        "执行法院": COURT,
        "执行法院统一社会信用代码": COURT_USCC,
        "执行依据文号": f"（2024）辽0502民初{n}号",
        "立案日期": (published - dt.timedelta(days=90)).strftime("%Y/%m/%d"),
        "案号": f"（2025）辽0502执{n}号",
        "作出执行依据单位": COURT,
        "生效法律文书确定的义务": "支付货款10万元及利息",
        "被执行人的履行情况": "全部未履行",
        "失信被执行人行为具体情形": "有履行能力而拒不履行生效法律文书确定义务",
        "发布日期": published.strftime("%Y/%m/%d"),
        "数据来源单位": office.name,
        "数据来源单位统一社会信用代码": office.uscc,
    }
    row.update(over)
    return row


def person_row(n: int, office, **over) -> dict[str, str]:
    return court_row(
        n,
        office,
        **{
            "被执行人名称": f"郑{n}",
            "被执行人类别": "自然人",
            "统一社会信用代码": "",
            "证件类型": "身份证",
            "证件号码": person_id(n),
            "法定代表人或者负责人姓名": "",
            **over,
        },
    )


@pytest.fixture
def submit(db, credit_office, tmp_path):
    call_command("load_catalog", verbosity=0)

    def run(rows, actor=None, department=None, dry_run=False, xlsx=False, policy="reject_all"):
        path = tmp_path / ("失信.xlsx" if xlsx else "失信.csv")
        (write_xlsx if xlsx else write_csv)(path, rows)
        return collection.submit_file(
            actor or Actor.system(),
            dataset_code="court_dishonest",
            department=department or credit_office,
            fileobj=path,
            filename=path.name,
            policy=policy,
            dry_run=dry_run,
            run_now=True,
        )

    return run


def test_court_rows_become_published_list_entries(submit, credit_office, admin_user):
    rows = [court_row(1, credit_office), person_row(2, credit_office)]
    batch = submit(rows, actor=Actor.for_user(admin_user))
    assert batch.state == BatchState.DONE, batch.message
    court = ListType.objects.get(code="court_dishonest")
    entries = {e.decision_number: e for e in ListEntry.objects.filter(list_type=court)}
    assert set(entries) == {"（2025）辽0502执1号", "（2025）辽0502执2号"}
    company = entries["（2025）辽0502执1号"]
    assert company.state == EntryState.PUBLISHED and company.source == Source.IMPORT
    assert company.period_end is None
    assert company.authority_name == COURT and company.authority_uscc == COURT_USCC
    assert company.decision_date == TODAY - dt.timedelta(days=5)
    assert "有履行能力而拒不履行" in company.facts and "全部未履行" in company.facts
    assert "（2024）辽0502民初1号" in company.basis
    assert company.source_record.doc_number == "（2025）辽0502执1号"
    # The person is found by ID number, kept only encrypted.
    person = entries["（2025）辽0502执2号"].subject
    assert person.kind == "person" and person.uscc is None
    assert decrypt_id(person.id_cipher) == person_id(2)
    assert person_id(2) not in str(Record.objects.get(subject=person).data)
    # The entry is public and counts as a current entry of the subject.
    public = facts.readable(facts.LIST_ENTRY, facts.Audience.PUBLIC)
    assert set(public.filter(list_type=court)) == set(entries.values())
    assert queries.current_entries([company.subject_id])[company.subject_id] == [company]
    # The records themselves are not published (the entry is what the public sees).
    assert not facts.readable(facts.RECORD, facts.Audience.PUBLIC).exists()

    # Again, and again with a changed performance: one entry each, the record versioned.
    assert submit(rows).state == BatchState.DONE
    changed = [court_row(1, credit_office, **{"被执行人的履行情况": "部分未履行"})]
    batch = submit(changed, xlsx=True)
    assert batch.state == BatchState.DONE, batch.message
    assert batch.updated_rows == 1
    assert ListEntry.objects.filter(list_type=court).count() == 2
    assert Record.objects.get(doc_number="（2025）辽0502执1号").version_no == 2


def test_only_the_credit_office_sends_court_rulings(submit, scjg, operator_user):
    row = court_row(3, scjg)
    batch = submit([row], actor=Actor.for_user(operator_user), department=scjg)
    assert batch.state == BatchState.REJECTED
    error = batch.errors.get()
    assert (error.row, error.column, error.code) == (2, "数据来源单位", "list_not_allowed")
    assert "“失信被执行人”无本市认定部门（人民法院）" in error.message
    assert not Record.objects.exists() and not ListEntry.objects.exists()


def test_switched_off_list_refuses_new_cases_and_dry_run_stores_nothing(submit, credit_office):
    rows = [court_row(4, credit_office)]
    dry = submit(rows, dry_run=True)
    assert dry.state == BatchState.DONE and dry.error_rows == 0
    assert not ListEntry.objects.exists() and not Record.objects.exists()

    assert submit(rows).state == BatchState.DONE
    ListType.objects.filter(code="court_dishonest").update(active=False)
    # Sent again: no-op; a new case: refused with its row and column.
    assert submit(rows).state == BatchState.DONE
    batch = submit([court_row(5, credit_office)])
    assert batch.state == BatchState.REJECTED
    error = batch.errors.get()
    assert (error.row, error.column, error.code) == (2, "案号", "unknown_list_type")
    assert ListEntry.objects.count() == 1


def _broken(number: str) -> str:
    """The ID number with a wrong check digit."""
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def test_court_row_errors_name_row_and_column(submit, credit_office):
    rows = [
        court_row(6, credit_office, **{"被执行人的履行情况": "已履行"}),
        person_row(7, credit_office, **{"证件号码": _broken(person_id(7))}),
        court_row(8, credit_office, **{"案号": ""}),
    ]
    batch = submit(rows)
    assert batch.state == BatchState.REJECTED
    columns = {(e.row, e.column) for e in batch.errors.all()}
    assert {(2, "被执行人的履行情况"), (3, "证件号码"), (4, "案号")} <= columns
    assert not Subject.objects.exists()


def test_court_rows_by_api(client, credit_office, admin_user, db):
    from credit.accounts import services as accounts
    from credit.accounts.models import Scope

    call_command("load_catalog", verbosity=0)
    api = accounts.create_client(
        Actor.system(), "信用信息共享平台", credit_office, [Scope.RECORDS_WRITE]
    )
    token = accounts.issue_token(Actor.system(), api)
    response = client.post(
        "/api/v1/records",
        {"dataset": "court_dishonest", "items": [court_row(9, credit_office)]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    assert [i["result"] for i in response.json()["items"]] == ["新增"]
    assert ListEntry.objects.get().decision_number == "（2025）辽0502执9号"
