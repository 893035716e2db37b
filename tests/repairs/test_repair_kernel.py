"""Repair through the kernel: a repaired penalty leaves the portal, the public API, search
counts, the sharing API and check answers at once, stays in the archive, is not
republished by a re-import of the same decision, and is restored by 撤销修复."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from credit.audit.models import ChangeLog
from credit.checks.store import run_check
from credit.commitments.models import CommitmentKind, Fulfilment
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.facts import events
from credit.facts.models import FactEvent
from credit.notices.models import Notice
from credit.records import publicity
from credit.records import services as record_services
from credit.records.models import Record, RecordVisibilityChange, Visibility
from credit.repairs import eligibility, services
from credit.repairs.models import RepairStep, State
from tests.objections.conftest import PDF
from tests.repairs.conftest import OLD_DOC, import_rows, penalty_rows

pytestmark = pytest.mark.django_db


def apply_for(record, **overrides):
    fields = {
        "applicant_name": "李四",
        "applicant_phone": "13800000000",
        "commitment_signed_name": "李四",
        "commitment_accepted": True,
        "statement": "罚款已于当日缴清，违法行为已整改",
        # The subject's proof: public applications carry at least one file.
        "uploads": [SimpleUploadedFile("罚款缴纳凭证.pdf", PDF, content_type="application/pdf")],
    }
    fields.update(overrides)
    return services.submit(Actor.system("信用修复申请（门户）"), record, **fields)


def repair_now(record, operator):
    app, code = apply_for(record)
    services.accept(operator, app, "材料齐全，身份已核验")
    services.decide(operator, app, repair=True, reason="已履行处罚决定，纠正违法行为")
    return app


def _search_penalties(company) -> int:
    got = Client().get("/api/v1/public/subjects", {"q": company.uscc}).json()
    return got["items"][0]["penalties"]


def test_eligibility_uses_the_records_own_window(repair_world):
    today = timezone.localdate()
    old = eligibility.for_record(repair_world.old_penalty, today)
    assert old.repairable and old.eligible
    assert old.kind == "penalty_record"
    assert any("罚款缴纳凭证" in m for m in old.materials)

    new = eligibility.for_record(repair_world.new_penalty, today)
    rules = publicity.load_rules()
    end = publicity.minimum_period_end(
        repair_world.new_penalty, repair_world.new_penalty.dataset_version, rules
    )
    assert (new.repairable, new.eligible) == (True, False)
    assert new.earliest == end + dt.timedelta(days=1)
    assert new.earliest.isoformat() in new.message
    # An application that fails the check is refused with the date, nothing stored.
    with pytest.raises(ServiceError) as refused:
        apply_for(repair_world.new_penalty)
    assert new.earliest.isoformat() in refused.value.message
    assert not repair_world.new_penalty.repair_applications.exists()


def test_application_records_the_signed_repair_commitment(repair_world):
    app, code = apply_for(repair_world.old_penalty)
    commitment = app.commitment
    assert commitment.kind == CommitmentKind.REPAIR
    assert commitment.signer_name == "李四"
    assert commitment.subject_id == repair_world.company.pk
    assert commitment.department_id == repair_world.old_penalty.department_id
    assert app.tracking_number in commitment.matter
    # The query code is shown once and stored hashed only.
    stored = app.application.query_code_hash
    assert code not in stored and code not in app.query_code_hash
    assert services.query_code_matches(app, code) and not services.query_code_matches(app, "X")


def test_licences_are_not_repairable(repair_world):
    licence = Record.objects.get(dataset__code="licence")
    answer = eligibility.for_record(licence)
    assert (answer.repairable, answer.eligible) == (False, False)
    assert "不是失信信息" in answer.message


def test_repair_stops_publication_sharing_and_checks_at_once(
    repair_world, operator_user, django_capture_on_commit_callbacks
):
    operator = Actor.for_user(operator_user)
    company = repair_world.company
    before = _search_penalties(company)
    profile = Client().get(f"/api/v1/public/subjects/{company.public_id}").content.decode()
    assert OLD_DOC in profile

    app = repair_now(repair_world.old_penalty, operator)

    record = Record.objects.get(pk=repair_world.old_penalty.pk)
    assert record.visibility == Visibility.REPAIRED and record.repaired_at is not None
    assert app.state == State.REPAIRED
    # Public: profile page, public API, search counts.
    assert (
        OLD_DOC not in Client().get(f"/api/v1/public/subjects/{company.public_id}").content.decode()
    )
    assert OLD_DOC not in Client().get(f"/subjects/{company.public_id}/").content.decode()
    assert _search_penalties(company) == before - 1
    # Sharing API and a new credit check.
    shared = (
        Client()
        .get(
            f"/api/v1/shared/subjects/{company.public_id}/records",
            {"purpose": "环评审批核查"},
            headers={"Authorization": f"Bearer {repair_world.reader_token}"},
        )
        .content.decode()
    )
    assert OLD_DOC not in shared
    check = run_check(
        Actor.for_client(repair_world.checker),
        "bidding",
        [{"uscc": company.uscc}],
        purpose="复核",
    )
    answer = json.dumps(check.answer, ensure_ascii=False)
    assert OLD_DOC not in answer
    assert "本市监罚〔2026〕952号" in answer  # the other penalty is still there
    assert OLD_DOC in json.dumps(repair_world.check.answer, ensure_ascii=False)
    # The archive keeps it, with its history.
    change = RecordVisibilityChange.objects.filter(record=record).latest("at")
    assert (change.from_state, change.to_state) == ("public", "repaired")
    assert app.tracking_number in change.reason
    # The kernel wrote the event; the notices subscriber tells the checker and the reader.
    repaired = FactEvent.objects.filter(action="repaired", kind="record")
    assert [e.fact_ids for e in repaired] == [[record.pk]]
    with django_capture_on_commit_callbacks(execute=True):
        events.deliver_pending()
    told = Notice.objects.filter(action="repaired", document_number=OLD_DOC)
    assert {n.recipient.client_id for n in told} == {
        repair_world.checker.pk,
        repair_world.reader.pk,
    }
    checker_notice = told.get(recipient__client=repair_world.checker)
    assert checker_notice.check_ids == [repair_world.check.pk]
    # Every step is in the change log and on the application.
    actions = list(
        ChangeLog.objects.filter(object_type="RepairApplication", object_id=str(app.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["repair.submitted", "repair.accepted", "repair.decided"]
    assert ChangeLog.objects.filter(action="record_repaired", object_id=str(record.pk)).exists()
    assert list(RepairStep.objects.filter(application=app).values_list("action", flat=True)) == [
        "submitted",
        "accepted",
        "decided",
    ]


def test_reimport_of_the_same_decision_does_not_republish(
    repair_world, operator_user, scjg, tmp_path
):
    repair_now(repair_world.old_penalty, Actor.for_user(operator_user))
    import_rows(scjg, tmp_path, penalty_rows(dt.date.today()), name="again.csv")
    record = Record.objects.get(pk=repair_world.old_penalty.pk)
    assert record.visibility == Visibility.REPAIRED
    # Neither the daily window job nor a recomputation of every window brings it back.
    record_services.end_expired_windows()
    publicity.refresh_records(Record.objects.filter(pk=record.pk))
    assert Record.objects.get(pk=record.pk).visibility == Visibility.REPAIRED
    assert (
        OLD_DOC
        not in Client()
        .get(f"/api/v1/public/subjects/{repair_world.company.public_id}")
        .content.decode()
    )


def test_revoked_repair_restores_the_fact_and_bars_new_applications(
    repair_world, operator_user, settings
):
    settings.CREDIT_REPAIR_BAR_MONTHS = 6
    operator = Actor.for_user(operator_user)
    app = repair_now(repair_world.old_penalty, operator)
    services.revoke(operator, app, "申请材料中的缴款凭证经核实系伪造", "本市监撤修〔2026〕1号")
    record = Record.objects.get(pk=repair_world.old_penalty.pk)
    assert record.visibility == Visibility.PUBLIC and record.repaired_at is None
    assert (
        OLD_DOC
        in Client()
        .get(f"/api/v1/public/subjects/{repair_world.company.public_id}")
        .content.decode()
    )
    app.refresh_from_db()
    assert app.state == State.REVOKED
    today = timezone.localdate()
    assert app.barred_until > today + dt.timedelta(days=150)
    answer = eligibility.for_record(record)
    assert not answer.eligible and answer.repairable
    assert answer.earliest == app.barred_until + dt.timedelta(days=1)
    with pytest.raises(ServiceError) as refused:
        apply_for(record)
    assert answer.earliest.isoformat() in refused.value.message
    assert ChangeLog.objects.filter(action="record_repair_revoked").exists()
    # The 信用修复型 commitment signed with the application is now 失信, and the breach is a
    # negative record of the subject.
    commitment = app.commitment
    commitment.refresh_from_db()
    assert commitment.state == Fulfilment.BROKEN
    assert commitment.decision_number == "本市监撤修〔2026〕1号"
    breach = commitment.breach_record
    assert breach.subject_id == record.subject_id
    assert breach.dataset_version.category == "不良"
    assert app.revocation_document == "本市监撤修〔2026〕1号"


def test_only_the_deciding_department_decides(
    repair_world, other_operator, auditor_user, admin_user, operator_user
):
    app, _ = apply_for(repair_world.old_penalty)
    for who in (other_operator, auditor_user):
        with pytest.raises(PermissionDenied):
            services.accept(Actor.for_user(who), app)
    services.accept(Actor.for_user(admin_user), app)  # the credit office may act
    with pytest.raises(ServiceError) as twice:
        services.accept(Actor.for_user(operator_user), app)
    assert "不能办理" in twice.value.message
    # A second application for the same fact while one is open is refused.
    with pytest.raises(ServiceError) as duplicate:
        apply_for(repair_world.old_penalty)
    assert "正在办理" in duplicate.value.message


def test_refusal_and_rejection_leave_the_fact_public(repair_world, operator_user):
    operator = Actor.for_user(operator_user)
    app, _ = apply_for(repair_world.old_penalty)
    services.reject(operator, app, "申请人未提供营业执照")
    assert app.state == State.REJECTED
    app2, _ = apply_for(repair_world.old_penalty)
    services.accept(operator, app2)
    services.extend(operator, app2, "需向税务部门核实缴款情况")
    with pytest.raises(ServiceError):
        services.extend(operator, app2, "再次延期")
    services.decide(operator, app2, repair=False, reason="罚款尚未缴清")
    assert app2.state == State.REFUSED
    record = Record.objects.get(pk=repair_world.old_penalty.pk)
    assert record.visibility == Visibility.PUBLIC
    # A reason is required, and nothing is stored without it.
    app3, _ = apply_for(record)
    with pytest.raises(ServiceError) as no_reason:
        services.reject(operator, app3, "  ")
    assert "不予受理理由" in no_reason.value.message
    app3.refresh_from_db()
    assert app3.state == State.SUBMITTED


def test_clocks_count_working_days_across_national_day_and_its_make_up_saturday(
    repair_world, operator_user, admin_user
):
    """Received Wed 2026-09-30, the eve of the 国庆 holiday (10-01 … 10-07): 受理 within 3
    working days is 10-08, 10-09 and the make-up working Saturday 10-10. Accepted 10-09,
    决定 within 5 is 10-10, 10-12 … 10-15; the extension adds 10-16, 10-19 … 10-22."""
    operator = Actor.for_user(operator_user)
    app, _ = apply_for(repair_world.old_penalty, on=dt.date(2026, 9, 30))
    assert app.accept_due == dt.date(2026, 10, 10)
    services.accept(operator, app, on=dt.date(2026, 10, 9))
    assert app.decide_due == dt.date(2026, 10, 15)
    services.extend(operator, app, "需向税务部门核实")
    assert app.decide_due == dt.date(2026, 10, 22)
    assert app.extended_at is not None


def test_overdue_lists_breached_clocks_only(repair_world, operator_user):
    from credit.repairs import queries
    from credit.repairs.models import RepairApplication

    late, _ = apply_for(repair_world.old_penalty, on=dt.date(2026, 9, 30))
    overdue = RepairApplication.objects.filter(queries.overdue(dt.date(2026, 10, 11)))
    assert list(overdue) == [late]  # due 10-10: breached on 10-11
    assert not RepairApplication.objects.filter(queries.overdue(dt.date(2026, 10, 10))).exists()
    services.accept(Actor.for_user(operator_user), late, on=dt.date(2026, 10, 9))
    assert not RepairApplication.objects.filter(queries.overdue(dt.date(2026, 10, 15))).exists()
    assert RepairApplication.objects.filter(queries.overdue(dt.date(2026, 10, 16))).get() == late
