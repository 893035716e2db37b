"""The objection procedure through its services: submit → 受理 → 自查 → 协查 → outcome, the
异议标注 while open, the change log, and the refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from credit import facts
from credit.applications import services as applications
from credit.applications.models import Application, Material
from credit.audit.models import AccessLog, ChangeLog
from credit.core.actors import Actor
from credit.core.errors import NotFound, PermissionDenied, ServiceError
from credit.facts.models import FactEvent
from credit.objections import services
from credit.objections.models import Objection, ObjectionState
from credit.records.models import Record
from tests.collection.samples import company_uscc
from tests.objections.conftest import company_party, pdf, person_party

pytestmark = pytest.mark.django_db
PUBLIC = Actor(label="公众申请人")


def _submit(portal_data, **kwargs):
    values = {
        "kind": "record",
        "fact_id": portal_data.public_penalty.pk,
        "party": company_party(),
        "reason": "处罚金额登记错误，应为二百元",
        "uploads": [pdf()],
        "channel": "portal",
    }
    values.update(kwargs)
    return services.submit(PUBLIC, **values)


def test_full_flow_marks_the_record_while_open_and_withdraws_it_on_deletion(
    portal_data, admin_user, operator_user
):
    record = portal_data.public_penalty
    objection, code = _submit(portal_data)
    application = objection.application
    assert application.tracking_number.startswith("YY")
    assert len(code) == applications.QUERY_CODE_LENGTH
    assert code not in application.query_code_hash
    assert applications.find_for_applicant(application.tracking_number, code) == application
    # Submitted but not yet accepted: no marker.
    assert facts.disputed("record", [record.pk]) == set()

    office = Actor.for_user(admin_user)
    services.accept(office, objection, "营业执照与授权委托书核验无误")
    assert facts.disputed("record", [record.pk]) == {record.pk}
    services.self_check(office, objection, False, "平台归集与部门报送一致")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.VERIFYING
    assert facts.disputed("record", [record.pk]) == {record.pk}

    department = Actor.for_user(operator_user)
    services.verify(department, objection, "deleted", "处罚决定已被复议撤销")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.CLOSED
    assert objection.outcome == "deleted"
    assert facts.disputed("record", [record.pk]) == set()
    assert Record.objects.get(pk=record.pk).withdrawn_at is not None
    actions = [
        e.action
        for e in FactEvent.objects.filter(kind="record").order_by("id")
        if record.pk in e.fact_ids
    ]
    assert actions[-3:] == ["disputed", "withdrawn", "undisputed"]
    steps = list(application.steps.values_list("label", "result"))
    assert steps == [
        ("受理", "受理"),
        ("平台自查", "转数据提供单位协查"),
        ("部门协查", "删除"),
        ("告知申请人", "已告知"),
    ]
    logged = set(
        ChangeLog.objects.filter(object_id=application.tracking_number).values_list(
            "action", flat=True
        )
    )
    assert {"application.create", "application.step", "application.close"} <= logged
    assert {"fact_disputed", "fact_undisputed"} <= logged


def test_upheld_outcome_leaves_the_record_and_removes_the_marker(
    portal_data, admin_user, operator_user
):
    objection, _ = _submit(portal_data)
    office = Actor.for_user(admin_user)
    services.accept(office, objection)
    services.self_check(office, objection, False, "无平台差错")
    services.verify(Actor.for_user(operator_user), objection, "upheld", "处罚决定有效")
    record = Record.objects.get(pk=portal_data.public_penalty.pk)
    assert record.withdrawn_at is None
    assert facts.disputed("record", [record.pk]) == set()
    objection.application.refresh_from_db()
    assert objection.application.outcome_label == "维持"


def test_platform_error_is_corrected_at_once_by_the_self_check(portal_data, admin_user):
    objection, _ = _submit(portal_data)
    office = Actor.for_user(admin_user)
    services.accept(office, objection)
    services.self_check(office, objection, True, "主体关联错误，已在主体核对中更正")
    objection.refresh_from_db()
    assert (objection.state, objection.outcome, objection.platform_error) == (
        ObjectionState.CLOSED,
        "corrected",
        True,
    )
    assert not objection.application.steps.filter(code="verify").exists()
    assert facts.disputed("record", [portal_data.public_penalty.pk]) == set()


def test_rejection_needs_a_reason_and_never_marks(portal_data, admin_user):
    objection, _ = _submit(portal_data)
    office = Actor.for_user(admin_user)
    with pytest.raises(ServiceError, match="不予受理理由"):
        services.reject(office, objection, " ")
    services.reject(office, objection, "申请人不能证明与该主体的关系")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.REJECTED
    assert objection.application.state == "rejected"
    assert not FactEvent.objects.filter(action="disputed").exists()


def test_only_the_office_accepts_and_only_the_provider_verifies(
    portal_data, admin_user, operator_user, other_operator, auditor_user
):
    objection, _ = _submit(portal_data)
    for user in (operator_user, other_operator, auditor_user):
        with pytest.raises(PermissionDenied):
            services.accept(Actor.for_user(user), objection)
    services.accept(Actor.for_user(admin_user), objection)
    services.self_check(Actor.for_user(admin_user), objection, False, "转协查")
    for user in (other_operator, auditor_user):
        with pytest.raises(PermissionDenied):
            services.verify(Actor.for_user(user), objection, "upheld", "无")
    with pytest.raises(ServiceError, match="已办结|当前为"):
        services.accept(Actor.for_user(admin_user), objection)


def test_a_person_objects_by_id_number_which_is_stored_encrypted(portal_data):
    objection, _ = _submit(portal_data, fact_id=portal_data.person_penalty.pk, party=person_party())
    application = objection.application
    from tests.portal.conftest import PERSON_ID

    assert PERSON_ID not in application.subject_id_cipher
    assert application.subject_id_digest == portal_data.person.id_digest
    assert applications.masked_id(application) != PERSON_ID
    assert PERSON_ID not in str(
        list(ChangeLog.objects.filter(object_id=application.tracking_number).values())
    )


@pytest.mark.parametrize(
    ("party", "message"),
    [
        ({"uscc": "91210500MA0Y9E5K1X"}, "统一社会信用代码"),
        ({"applicant_phone": "电话"}, "申请人电话"),
        ({"applicant_name": ""}, "申请人姓名"),
        ({"applicant_relationship": "boss"}, "申请人与主体关系"),
        ({"agent_name": "王五", "agent_phone": ""}, "代理人电话"),
    ],
)
def test_bad_party_is_refused_naming_the_field_and_nothing_is_stored(portal_data, party, message):
    with pytest.raises(ServiceError, match=message):
        _submit(portal_data, party=company_party(**party))
    assert not Application.objects.exists()
    assert not Material.objects.exists()


def test_someone_else_cannot_object_to_the_company_record(portal_data):
    with pytest.raises(ServiceError, match="不一致"):
        _submit(portal_data, party=company_party(uscc=company_uscc(42)))
    with pytest.raises(ServiceError, match="统一社会信用代码”：必须填写"):
        _submit(portal_data, party=person_party())
    assert not Objection.objects.exists()


def test_only_public_or_shared_facts_may_be_objected(portal_data):
    with pytest.raises(NotFound):
        _submit(portal_data, fact_id=portal_data.withdrawn_penalty.pk)
    with pytest.raises(NotFound):
        _submit(portal_data, kind="nonsense")


def test_status_lookup_refuses_a_wrong_code_like_an_unknown_number(portal_data):
    objection, code = _submit(portal_data)
    number = objection.application.tracking_number
    for tracking, query in ((number, "WRONGCODE2"), ("YY209901010001", code), ("x", code)):
        with pytest.raises(NotFound, match="受理编号或查询码不正确"):
            applications.find_for_applicant(tracking, query)
    assert (
        applications.find_for_applicant(number.lower(), code.lower()).pk == objection.application.pk
    )


def test_material_read_is_for_staff_and_access_logged(
    portal_data, admin_user, operator_user, other_operator, auditor_user
):
    objection, _ = _submit(portal_data)
    application = objection.application
    material = application.materials.get()
    for user in (admin_user, operator_user, auditor_user):
        found, data = applications.read_material(Actor.for_user(user), application, material.pk)
        assert data.startswith(b"%PDF-")
    with pytest.raises(NotFound):
        applications.read_material(Actor.for_user(other_operator), application, material.pk)
    with pytest.raises(NotFound):
        applications.read_material(PUBLIC, application, material.pk)
    assert AccessLog.objects.filter(resource=applications.RESOURCE_MATERIAL).count() == 3


def test_tracking_numbers_count_per_day(portal_data):
    first, _ = _submit(portal_data)
    second, _ = _submit(portal_data)
    today = dt.date.today().strftime("%Y%m%d")
    assert first.application.tracking_number == f"YY{today}0001"
    assert second.application.tracking_number == f"YY{today}0002"


def test_a_persons_id_number_with_another_name_is_refused(portal_data):
    with pytest.raises(ServiceError, match="主体名称") as refused:
        _submit(
            portal_data,
            fact_id=portal_data.person_penalty.pk,
            party=person_party(subject_name="张三"),
        )
    assert "不一致" in refused.value.message
    assert not Application.objects.exists() and not Material.objects.exists()
    # The same name written with full-width brackets or spaces is the same name.
    objection, _ = _submit(
        portal_data,
        fact_id=portal_data.person_penalty.pk,
        party=person_party(subject_name=" " + person_party().subject_name + " "),
    )
    assert objection.pk
