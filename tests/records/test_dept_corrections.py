"""Withdrawal with its deciding document and correction of a record by its department
(issue 13): through the kernel (state, history, change log and a FactEvent together), the
correction through the same validator and upsert as a file import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from credit.audit.models import ChangeLog
from credit.collection import corrections
from credit.collection.models import Batch, BatchState
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.facts.models import FactEvent
from credit.records import queries, services
from credit.records.models import (
    Record,
    RecordHistory,
    RecordVisibilityChange,
    RecordWithdrawal,
    Visibility,
    WithdrawalBasis,
)
from tests.collection.samples import penalty_row, person_penalty_row, write_csv

pytestmark = pytest.mark.django_db


def _import(run_file, dept, tmp_path, rows, name="p.csv"):
    batch = run_file(dept, write_csv(tmp_path / name, rows))
    assert batch.state == BatchState.DONE, batch.message
    return batch


def record(n: int) -> Record:
    return Record.objects.get(doc_number=f"本市监罚〔2026〕{n}号")


def test_withdraw_with_document_stops_publication_and_keeps_the_archive(
    scjg, operator_user, run_file, tmp_path
):
    _import(run_file, scjg, tmp_path, [penalty_row(1), penalty_row(2)])
    actor = Actor.for_user(operator_user)
    before = FactEvent.objects.count()
    today = timezone.localdate()
    services.withdraw(
        actor,
        record(1),
        "复议决定撤销原处罚",
        basis=WithdrawalBasis.REVIEW,
        document_number="本政复决〔2026〕3号",
        document_date=today,
    )
    withdrawn = record(1)
    assert withdrawn.visibility == Visibility.WITHDRAWN
    assert not queries.public_records().filter(pk=withdrawn.pk).exists()
    kept = RecordWithdrawal.objects.get(record=withdrawn)
    assert (kept.basis, kept.document_number, kept.document_date) == (
        "review",
        "本政复决〔2026〕3号",
        today,
    )
    event = FactEvent.objects.order_by("id").last()
    assert FactEvent.objects.count() == before + 1
    assert (event.action, event.fact_ids) == ("withdrawn", [withdrawn.pk])
    log = ChangeLog.objects.filter(action="record_withdrawn").last()
    assert log.after["basis"] == "复议决定"
    assert log.after["document_number"] == "本政复决〔2026〕3号"
    assert RecordVisibilityChange.objects.filter(record=withdrawn, to_state="withdrawn").exists()


def test_withdraw_refuses_a_missing_or_wrong_document(scjg, operator_user, run_file, tmp_path):
    _import(run_file, scjg, tmp_path, [penalty_row(1)])
    actor = Actor.for_user(operator_user)
    today = timezone.localdate()
    cases = [
        ({"basis": "nonsense", "document_number": "x", "document_date": today}, "撤回依据只能是"),
        ({"basis": "judgment", "document_date": today}, "诉讼判决的文书号"),
        ({"basis": "revocation", "document_number": "撤〔2026〕1号"}, "撤销决定的日期"),
        (
            {
                "basis": "review",
                "document_number": "复〔2026〕1号",
                "document_date": today + dt.timedelta(days=1),
            },
            "不能晚于今天",
        ),
        (
            {
                "basis": "review",
                "document_number": "复〔2026〕1号",
                "document_date": dt.date(2000, 1, 1),
            },
            "不能早于原决定日期",
        ),
    ]
    for kwargs, message in cases:
        with pytest.raises(ServiceError, match=message):
            services.withdraw(actor, record(1), "原因", **kwargs)
    assert record(1).visibility == Visibility.PUBLIC
    assert not RecordWithdrawal.objects.exists()
    # Published in error: no outside document, the reason says why.
    services.withdraw(actor, record(1), "文书号录入错误导致错误公示", basis=WithdrawalBasis.ERROR)
    assert record(1).withdrawal.get_basis_display() == "错误公示"
    with pytest.raises(ServiceError) as exc:
        services.withdraw(actor, record(1), "再次撤回", basis=WithdrawalBasis.ERROR)
    assert exc.value.status == 409


def test_credit_office_withdraws_any_department_record_other_operator_cannot(
    scjg, sthj, credit_office, operator_user, other_operator, auditor_user, run_file, tmp_path
):
    from credit.accounts import services as accounts
    from credit.accounts.models import Role

    _import(run_file, scjg, tmp_path, [penalty_row(1)])
    with pytest.raises(PermissionDenied, match="本单位"):
        services.withdraw(Actor.for_user(other_operator), record(1), "不是本单位的")
    with pytest.raises(PermissionDenied, match="审计员"):
        services.withdraw(Actor.for_user(auditor_user), record(1), "审计员不写")
    office_operator = accounts.create_user(
        Actor.system(),
        "t_office_op",
        "Aa1!aaaaaaaaaaaa",
        Role.OPERATOR,
        credit_office,
        "信用办操作员",
    )
    services.withdraw(
        Actor.for_user(office_operator), record(1), "信用办依法院判决撤回", basis="error"
    )
    assert record(1).withdrawal.department_id == credit_office.pk


def test_console_correction_keeps_the_old_version_and_emits_corrected(
    scjg, operator_user, run_file, tmp_path
):
    _import(run_file, scjg, tmp_path, [penalty_row(1), penalty_row(2)])
    original = record(1)
    before_events = FactEvent.objects.count()
    corrected = corrections.correct(
        Actor.for_user(operator_user),
        original,
        {"处罚内容": "警告并处罚款3000元", "罚款金额（万元）": "0.3"},
        "罚款金额录入错误",
    )
    assert corrected.version_no == 2
    assert corrected.data != original.data
    old = RecordHistory.objects.get(record=corrected)
    assert old.version_no == 1 and old.data == original.data
    actions = list(
        FactEvent.objects.filter(id__gt=0).order_by("id").values_list("action", flat=True)
    )[before_events:]
    assert actions == ["corrected", "imported"]
    event = FactEvent.objects.get(action="corrected")
    assert event.fact_ids == [corrected.pk]
    assert event.subject_ids == [corrected.subject_id]
    log = ChangeLog.objects.get(action="record_corrected")
    assert log.object_id == str(corrected.pk)
    assert log.after["reason"] == "罚款金额录入错误"
    assert log.actor_label == operator_user.username
    # The field-level diff is in the import's own row for the update.
    update = ChangeLog.objects.filter(action="record_updated", object_id=str(corrected.pk)).get()
    assert set(update.after) >= {"version", "batch"}
    # The other record is untouched.
    assert record(2).version_no == 1


def test_correction_refused_with_the_import_messages_nothing_stored(
    scjg, operator_user, run_file, tmp_path
):
    _import(run_file, scjg, tmp_path, [penalty_row(1)])
    actor = Actor.for_user(operator_user)
    batches = Batch.objects.count()
    with pytest.raises(corrections.CorrectionRefused) as exc:
        corrections.correct(actor, record(1), {"处罚决定日期": "2026/13/45"}, "日期错误")
    assert exc.value.status == 422
    assert any("格式不正确或日期不存在" in m for _, m in exc.value.problems)
    with pytest.raises(corrections.CorrectionRefused) as exc:
        corrections.correct(
            actor, record(1), {"行政处罚决定书文号": "本市监罚〔2026〕99号"}, "文号"
        )
    assert "标识该决定" in exc.value.message
    with pytest.raises(corrections.CorrectionRefused, match="不是该信息事项的字段"):
        corrections.correct(actor, record(1), {"没有的字段": "x"}, "x")
    with pytest.raises(ServiceError, match="更正原因"):
        corrections.correct(actor, record(1), {"处罚内容": "新内容"}, "  ")
    with pytest.raises(ServiceError, match="相同"):
        corrections.correct(
            actor, record(1), {"处罚内容": record(1).data and "警告并处罚款2000元"}, "同"
        )
    assert Batch.objects.count() == batches
    assert record(1).version_no == 1
    assert not FactEvent.objects.filter(action="corrected").exists()


def test_correction_of_a_person_keeps_the_id_number_never_shown(
    scjg, operator_user, run_file, tmp_path
):
    _import(run_file, scjg, tmp_path, [person_penalty_row(1)])
    target = Record.objects.get()
    shown = {f.field.label: f for f in corrections.form_fields(target)}
    number = shown["证件号码"]
    assert number.secret and "*" in number.value
    corrected = corrections.correct(
        Actor.for_user(operator_user),
        target,
        {"违法事实": "销售过期食品", "证件号码": number.value},
        "违法事实表述更正",
    )
    assert corrected.version_no == 2
    assert corrected.subject_id == target.subject_id
    assert corrections.stored_values(corrected, [number.field]) == corrections.stored_values(
        target, [number.field]
    )


def test_corrected_row_sent_by_file_emits_corrected(scjg, run_file, tmp_path):
    _import(run_file, scjg, tmp_path, [penalty_row(1), penalty_row(2)])
    _import(
        run_file,
        scjg,
        tmp_path,
        [penalty_row(1, 处罚内容="警告"), penalty_row(2), penalty_row(3)],
        "again.csv",
    )
    event = FactEvent.objects.get(action="corrected")
    assert event.fact_ids == [record(1).pk]
    assert not ChangeLog.objects.filter(action="record_corrected").exists()


def test_withdrawn_record_cannot_be_corrected(scjg, operator_user, run_file, tmp_path):
    _import(run_file, scjg, tmp_path, [penalty_row(1)])
    actor = Actor.for_user(operator_user)
    services.withdraw(actor, record(1), "错误公示", basis="error")
    with pytest.raises(ServiceError) as exc:
        corrections.correct(actor, record(1), {"处罚内容": "警告"}, "更正")
    assert exc.value.status == 409
