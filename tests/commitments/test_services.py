"""The service functions other apps call: recording, the platform's 信用修复型 commitment,
verification as kept and as broken (the breach record through the kernel)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from credit import facts
from credit.audit.models import ChangeLog
from credit.collection import services as collection
from credit.commitments import services
from credit.commitments.models import Commitment, CommitmentKind, Fulfilment
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.records.models import Record, RecordHistory
from credit.subjects.models import Subject

from .samples import commitment_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(catalog, scjg, operator_user):
    """Two commitments sent by 市场监管 as a JSON push (the normal pipeline)."""
    actor = Actor.for_user(operator_user)
    batch = collection.submit_rows(
        actor,
        dataset_code="commitment",
        department=scjg,
        items=[commitment_row(1), commitment_row(2, 承诺类型="主动型")],
    )
    assert batch.state == "done", batch.message
    return {c.code[-1]: c for c in Commitment.objects.all()}


def test_the_consumer_keeps_a_commitment_row_per_record(sent, scjg):
    first = sent["1"]
    assert first.kind == CommitmentKind.APPROVAL
    assert first.state == Fulfilment.PENDING
    assert first.department == scjg
    assert first.record.doc_number == first.code
    assert first.subject.name == "本溪市承诺测试有限公司1"
    assert first.due_on == first.made_on + dt.timedelta(days=30)
    assert sent["2"].kind == CommitmentKind.VOLUNTARY
    assert sent["2"].public


def test_mark_kept_writes_a_new_version_of_the_record(sent, operator_user):
    actor = Actor.for_user(operator_user)
    commitment = services.mark_kept(sent["1"], actor=actor, note="现场核查属实")
    assert commitment.state == Fulfilment.KEPT
    assert commitment.verified_on == timezone.localdate()
    assert commitment.verification_note == "现场核查属实"
    record = Record.objects.get(pk=commitment.record_id)
    assert record.data["CN_LYZT"] == "履约"
    assert record.version_no == 2
    assert RecordHistory.objects.filter(record=record, data__CN_LYZT="未到期").exists()
    log = ChangeLog.objects.get(action="commitment.kept", object_id=commitment.code)
    assert log.after["履约状态"] == "履约"
    with pytest.raises(ServiceError) as exc:
        services.mark_kept(commitment, actor=actor)
    assert exc.value.code == "already_kept"


def test_mark_broken_makes_the_breach_record_through_the_kernel(sent, operator_user):
    actor = Actor.for_user(operator_user)
    breach = services.mark_broken(
        sent["1"],
        facts="经核查，申请人承诺的经营场所不存在",
        decision="本市监信〔2026〕8号",
        actor=actor,
    )
    commitment = Commitment.objects.get(pk=sent["1"].pk)
    assert commitment.state == Fulfilment.BROKEN
    assert commitment.breach_record == breach
    assert commitment.decision_number == "本市监信〔2026〕8号"
    # The breach: a 不良 record of the commitment's subject, severity 一般, naming it.
    assert breach.dataset.code == "commitment_breach"
    assert breach.subject_id == commitment.subject_id
    assert breach.severity == "一般"
    assert breach.doc_number == "本市监信〔2026〕8号"
    assert breach.data["WB_CNBM"] == commitment.code
    # Public and shared the way a 一般 penalty decided today is.
    today = timezone.localdate()
    assert breach.public_from == today
    public = facts.readable(facts.RECORD, facts.Audience.PUBLIC)
    shared = facts.readable(facts.RECORD, facts.Audience.SHARING)
    assert public.filter(pk=breach.pk).exists()
    assert shared.filter(pk=breach.pk).exists()
    # The commitment's record shows 失信 as a new version; the old one is in history.
    record = Record.objects.get(pk=commitment.record_id)
    assert record.data["CN_LYZT"] == "失信"
    assert "本市监信〔2026〕8号" in record.data["CN_SXQK"]
    assert RecordHistory.objects.filter(record=record, data__CN_LYZT="未到期").exists()
    assert ChangeLog.objects.filter(action="commitment.broken", object_id=commitment.code).exists()
    with pytest.raises(ServiceError) as exc:
        services.mark_broken(commitment, facts="x", decision="y", actor=actor)
    assert exc.value.code == "already_broken"


def test_a_kept_commitment_may_still_be_found_broken(sent, operator_user):
    actor = Actor.for_user(operator_user)
    services.mark_kept(sent["1"], actor=actor)
    breach = services.mark_broken(
        sent["1"], facts="材料虚假", decision="本市监信〔2026〕9号", actor=actor
    )
    assert breach.data["WB_CNBM"] == sent["1"].code


def test_refused_breach_stores_nothing(sent, operator_user):
    actor = Actor.for_user(operator_user)
    with pytest.raises(ServiceError) as exc:
        services.mark_broken(sent["1"], facts="材料虚假", decision="x" * 129, actor=actor)
    assert "失信认定文书号" in exc.value.message
    commitment = Commitment.objects.get(pk=sent["1"].pk)
    assert commitment.state == Fulfilment.PENDING
    assert not Record.objects.filter(dataset__code="commitment_breach").exists()
    with pytest.raises(ServiceError) as exc:
        services.mark_broken(sent["1"], facts="  ", decision="本市监信〔2026〕1号", actor=actor)
    assert exc.value.message == "请填写失信事实"


def test_only_the_accepting_department_verifies(sent, other_operator, auditor_user):
    for user in (other_operator, auditor_user):
        with pytest.raises(PermissionDenied):
            services.mark_kept(sent["1"], actor=Actor.for_user(user))
        with pytest.raises(PermissionDenied):
            services.mark_broken(
                sent["1"],
                facts="材料虚假",
                decision="本市监信〔2026〕9号",
                actor=Actor.for_user(user),
            )
    assert Commitment.objects.get(pk=sent["1"].pk).state == Fulfilment.PENDING


def test_repair_commitment_is_made_by_the_platform_and_not_public(catalog, scjg, sent):
    subject = Subject.objects.get(name="本溪市承诺测试有限公司1")
    signed = timezone.now()
    applicant = Actor.system(label="门户申请人")
    commitment = services.create_repair_commitment(
        subject=subject,
        department=scjg,
        text="本单位承诺已履行行政处罚决定，所提交材料真实有效。",
        signer_name="李四",
        signed_at=signed,
        matter="信用修复：本市监罚〔2026〕1号",
        actor=applicant,
    )
    assert commitment.kind == CommitmentKind.REPAIR
    assert commitment.signer_name == "李四"
    assert commitment.signed_at == signed
    assert commitment.code.startswith(f"210500{timezone.localdate():%Y%m%d}")
    assert commitment.subject == subject
    assert commitment.due_on is None
    assert not commitment.public
    record = commitment.record
    assert record.data["CN_CNLX"] == "信用修复型"
    assert not facts.readable(facts.RECORD, facts.Audience.PUBLIC).filter(pk=record.pk).exists()
    assert facts.readable(facts.RECORD, facts.Audience.SHARING).filter(pk=record.pk).exists()
    # A second one the same day takes the next serial.
    again = services.create_repair_commitment(
        subject=subject,
        department=scjg,
        text="承诺内容",
        signer_name="李四",
        signed_at=signed,
        matter="信用修复：本市监罚〔2026〕2号",
        actor=applicant,
    )
    assert int(again.code[-6:]) == int(commitment.code[-6:]) + 1
    # Revocation of the repair: the breach of the 信用修复型 commitment, by the department.
    breach = services.mark_broken(
        commitment, facts="修复材料虚假", decision="本市监撤〔2026〕1号", actor=Actor.system()
    )
    assert breach.subject_id == subject.pk


def test_repair_commitment_of_a_person(catalog, scjg):
    from tests.collection.samples import person_penalty_row, write_csv  # noqa: F401

    batch = collection.submit_rows(
        Actor.system(), dataset_code="penalty", department=scjg, items=[person_penalty_row(3)]
    )
    assert batch.state == "done", batch.message
    person = Subject.objects.get(kind="person")
    commitment = services.create_repair_commitment(
        subject=person,
        department=scjg,
        text="本人承诺所提交材料真实有效。",
        signer_name=person.name,
        signed_at=timezone.now(),
        matter="信用修复",
        actor=Actor.system(),
    )
    assert commitment.subject == person
    assert commitment.record.data["CN_XDR_ZJHM"] != ""
    breach = services.mark_broken(
        commitment, facts="修复材料虚假", decision="本市监撤〔2026〕2号", actor=Actor.system()
    )
    assert breach.subject_id == person.pk
