"""Every write of applications: creation with its materials, steps and closing.

The request apps (objections; repair and special reports later) call these inside their
own services, which check what the request itself needs; the rules common to every
application — who the subject is, who applies, the materials, the tracking number and query
code, the working-day clock of each step — are here.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from credit.applications import materials as material_files
from credit.applications import permissions
from credit.applications.models import (
    PREFIXES,
    Application,
    ApplicationKind,
    Channel,
    Material,
    Relationship,
    Step,
    StepPeriod,
)
from credit.audit import services as audit
from credit.core import deadlines, fieldcrypto
from credit.core.actors import Actor
from credit.core.errors import NotFound, PermissionDenied, ServiceError
from credit.core.identifiers import is_valid_id_number, is_valid_uscc
from credit.core.masking import mask_id_number
from credit.core.normalize import has_control_chars, name_key

# Unambiguous characters (no 0/O, 1/I/L): the code is read off a screen and typed again.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
QUERY_CODE_LENGTH = 10
_PHONE = re.compile(r"^[0-9+\-]{7,20}$")
_TRACKING = re.compile(r"^[A-Z]{2}\d{12}$")
RESOURCE_MATERIAL = "applications.material"
RESOURCE_APPLICATION = "applications.application"


@dataclass(frozen=True)
class Party:
    """Who the application is for and who makes it, as entered."""

    subject_name: str
    applicant_name: str
    applicant_phone: str
    applicant_relationship: str
    uscc: str = ""
    id_number: str = ""
    agent_name: str = ""
    agent_phone: str = ""
    agent_relationship: str = ""


def _field(label: str, problem: str, code: str = "invalid_field") -> ServiceError:
    return ServiceError(code, f"字段“{label}”：{problem}")


def _text(value: str, label: str, *, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if has_control_chars(value):
        raise _field(label, "不能包含控制字符")
    if required and not value:
        raise _field(label, "必须填写", "required")
    if len(value) > limit:
        raise _field(label, f"不能超过 {limit} 个字")
    return value


def _phone(value: str, label: str, *, required: bool) -> str:
    value = _text(value, label, required=required, limit=20).replace(" ", "")
    if value and not _PHONE.match(value):
        raise _field(label, "请填写 7 至 20 位电话号码（数字、+ 或 -）")
    return value


def check_party(party: Party, subject) -> dict:
    """The application's party columns, or a refusal naming the field.

    The subject given must be the fact's subject: by USCC for an organisation, by ID number
    (compared through the blind index) for a person. Identity itself is verified by the
    accepting office from the materials.
    """
    values = {
        "subject_name": _text(party.subject_name, "主体名称", required=True, limit=200),
        "applicant_name": _text(party.applicant_name, "申请人姓名", required=True, limit=100),
        "applicant_phone": _phone(party.applicant_phone, "申请人电话", required=True),
        "agent_name": _text(party.agent_name, "代理人姓名", required=False, limit=100),
        "agent_phone": _phone(party.agent_phone, "代理人电话", required=False),
        "agent_relationship": _text(
            party.agent_relationship, "代理人与主体关系", required=False, limit=100
        ),
    }
    if party.applicant_relationship not in Relationship.values:
        raise _field("申请人与主体关系", "请选择本人、法定代表人/负责人、单位工作人员或委托代理人")
    values["applicant_relationship"] = party.applicant_relationship
    if values["agent_name"] and not values["agent_phone"]:
        raise _field("代理人电话", "填写了代理人时必须填写", "required")
    uscc = (party.uscc or "").strip().upper()
    id_number = (party.id_number or "").strip().upper()
    if subject.kind == "person":
        if not id_number:
            raise _field("身份证号", "自然人主体必须填写身份证号", "required")
        if not is_valid_id_number(id_number):
            raise _field("身份证号", "号码格式或校验位不正确")
        digest = fieldcrypto.id_digest(id_number)
        if digest != subject.id_digest:
            raise _field("身份证号", "与该信息所属的信用主体不一致", "subject_mismatch")
        # The ID number found the person; a different name with it is a typing error or
        # someone else's application (an organisation may have been renamed: its USCC rules).
        if name_key(values["subject_name"]) != name_key(subject.name):
            raise _field("主体名称", "与该信息所属的信用主体不一致", "subject_mismatch")
        values.update(subject_id_cipher=fieldcrypto.encrypt_id(id_number), subject_id_digest=digest)
    else:
        if not uscc:
            raise _field("统一社会信用代码", "必须填写", "required")
        if not is_valid_uscc(uscc):
            raise _field("统一社会信用代码", "代码格式或校验位不正确")
        if uscc != (subject.uscc or ""):
            raise _field("统一社会信用代码", "与该信息所属的信用主体不一致", "subject_mismatch")
        values["subject_uscc"] = uscc
    return values


# Applications whose department must verify who applies from the materials.
NEEDS_MATERIALS = frozenset({ApplicationKind.OBJECTION, ApplicationKind.REPAIR})


def _new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def _next_tracking(kind: str, day: dt.date) -> str:
    stem = f"{PREFIXES[kind]}{day:%Y%m%d}"
    last = (
        Application.objects.filter(tracking_number__startswith=stem)
        .order_by("-tracking_number")
        .values_list("tracking_number", flat=True)
        .first()
    )
    serial = int(last[len(stem) :]) + 1 if last else 1
    return f"{stem}{serial:04d}"


def period(kind: str, code: str) -> StepPeriod:
    found = StepPeriod.objects.filter(kind=kind, code=code).first()
    if found is None:
        raise ServiceError("period_missing", f"未配置“{code}”环节的办理时限，请联系信用办")
    return found


def start_step(
    application: Application, code: str, on: dt.date | None = None, department=None
) -> Step:
    """Open step `code` on day `on` with its due date (working days from the data)."""
    configured = period(application.kind, code)
    on = on or timezone.localdate()
    return Step.objects.create(
        application=application,
        code=code,
        label=configured.label,
        started_on=on,
        due_on=deadlines.due_date(on, configured.workdays),
        department=department,
    )


def start_step_due(
    application: Application,
    code: str,
    label: str,
    on: dt.date,
    due_on: dt.date | None,
    department=None,
) -> Step:
    """Open a step whose clock the request app keeps itself (信用修复's configurable
    受理/决定 periods): the due date is given, not read from StepPeriod."""
    return Step.objects.create(
        application=application,
        code=code,
        label=label,
        started_on=on,
        due_on=due_on,
        department=department,
    )


def move_due(step: Step, due_on: dt.date) -> Step:
    """A step's clock extended (one extension with reason, logged by the request app)."""
    step.due_on = due_on
    step.save(update_fields=["due_on"])
    return step


def open_step(application: Application, code: str) -> Step:
    step = application.steps.filter(code=code, done_at__isnull=True).first()
    if step is None:
        raise ServiceError("wrong_state", "该申请当前不在此办理环节")
    return step


def finish_step(actor: Actor, step: Step, result: str, note: str) -> Step:
    step.done_at = timezone.now()
    step.actor_label = actor.label
    step.result = result
    step.note = note
    step.save(update_fields=["done_at", "actor_label", "result", "note"])
    audit.log_change(
        actor,
        "application.step",
        "Application",
        step.application.tracking_number,
        after={"step": step.label, "result": result, "note": note},
    )
    return step


def note_step(
    actor: Actor, application: Application, code: str, label: str, result: str, note: str
):
    """A step that is done as it happens (告知): no clock."""
    today = timezone.localdate()
    step = Step.objects.create(
        application=application, code=code, label=label, started_on=today, due_on=today
    )
    return finish_step(actor, step, result, note)


def create(
    actor: Actor,
    kind: str,
    *,
    subject,
    party: Party,
    uploads: list,
    channel: str,
    department=None,
) -> tuple[Application, str]:
    """Store a new application with its materials; returns it and its query code (the only
    time the code exists in clear). Refused input stores nothing, files included."""
    if channel == Channel.WINDOW and not permissions.can_enter_at_window(actor):
        raise PermissionDenied("只有信用办工作人员可以录入窗口受理的申请")
    values = check_party(party, subject)
    if not uploads and kind in NEEDS_MATERIALS and channel != Channel.WINDOW:
        # The accepting department verifies identity from them (营业执照, 身份证明, 授权
        # 委托书); at the window the papers are handed over in person.
        raise ServiceError(
            "materials_required",
            "字段“证明材料”：请至少上传一个文件（营业执照或身份证明；委托办理的另附授权委托书）",
        )
    checked = material_files.check_uploads(list(uploads))
    code = _new_code()
    written: list[tuple[int, str]] = []
    try:
        with transaction.atomic():
            application = _insert(actor, kind, subject, values, code, channel, department)
            for item in checked:
                stored = material_files.store(application.pk, item.data)
                written.append((application.pk, stored))
                Material.objects.create(
                    application=application,
                    filename=item.filename,
                    file_type=item.file_type,
                    size=len(item.data),
                    sm3=material_files.sm3(item.data),
                    stored_name=stored,
                )
            audit.log_change(
                actor,
                "application.create",
                "Application",
                application.tracking_number,
                after={
                    "kind": kind,
                    "channel": channel,
                    "subject": subject.name,
                    "materials": len(checked),
                },
            )
    except BaseException:
        for application_id, stored in written:
            material_files.remove(application_id, stored)
        raise
    return application, code


def _insert(actor, kind, subject, values, code, channel, department) -> Application:
    today = timezone.localdate()
    for _ in range(5):
        try:
            with transaction.atomic():
                return Application.objects.create(
                    kind=kind,
                    tracking_number=_next_tracking(kind, today),
                    query_code_hash=make_password(code),
                    channel=channel,
                    subject=subject,
                    department=department,
                    entered_by=actor.user if channel == Channel.WINDOW else None,
                    **values,
                )
        except IntegrityError:
            continue  # another submission took the serial at the same moment
    raise ServiceError("busy", "系统繁忙，请稍后再提交")


def close(
    actor: Actor,
    application: Application,
    state: str,
    outcome: str,
    outcome_label: str,
    note: str,
) -> Application:
    application.state = state
    application.outcome = outcome
    application.outcome_label = outcome_label
    application.outcome_note = note
    application.closed_at = timezone.now()
    application.save(
        update_fields=["state", "outcome", "outcome_label", "outcome_note", "closed_at"]
    )
    audit.log_change(
        actor,
        "application.close",
        "Application",
        application.tracking_number,
        after={"state": state, "outcome": outcome_label, "note": note},
    )
    return application


def set_state(application: Application, state: str) -> None:
    application.state = state
    application.save(update_fields=["state"])


# --- the applicant's view -------------------------------------------------------------------

# A hash of a code nobody has, so an unknown tracking number costs the same as a wrong code.
_DUMMY_HASH: list[str] = []


def find_for_applicant(tracking_number: str, query_code: str) -> Application:
    """The application the tracking number and query code open, or NotFound (the same
    answer for an unknown number and a wrong code)."""
    tracking_number = (tracking_number or "").strip().upper()
    query_code = (query_code or "").strip().upper()
    found = None
    if _TRACKING.match(tracking_number) and 0 < len(query_code) <= 40:
        found = Application.objects.filter(tracking_number=tracking_number).first()
    if found is None:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(make_password(_new_code()))
        check_password(query_code or "-", _DUMMY_HASH[0])
        raise NotFound("受理编号或查询码不正确", code="application_not_found")
    if not check_password(query_code, found.query_code_hash):
        raise NotFound("受理编号或查询码不正确", code="application_not_found")
    return found


# --- staff reads ----------------------------------------------------------------------------


def read_application(actor: Actor, application: Application, purpose: str) -> Application:
    """Open an application's page for staff: permission, and the access log (it names a
    subject and its applicant, who are not public)."""
    if not permissions.can_read_application(actor, application):
        raise NotFound("申请不存在")
    audit.log_access(
        actor,
        RESOURCE_APPLICATION,
        purpose or f"查看申请（{application.tracking_number}）",
        subject_id=application.subject_id,
        subject_label=application.subject_name,
    )
    return application


def read_material(
    actor: Actor, application: Application, material_id: int
) -> tuple[Material, bytes]:
    """A material's clear bytes for the deciding department, credit office or auditor."""
    if not permissions.can_read_materials(actor, application):
        raise NotFound("申请材料不存在")
    material = application.materials.filter(pk=material_id).first()
    if material is None:
        raise NotFound("申请材料不存在")
    data = material_files.read(application.pk, material.stored_name, material.sm3)
    audit.log_access(
        actor,
        RESOURCE_MATERIAL,
        f"查看申请材料（{application.tracking_number}：{material.filename}）",
        subject_id=application.subject_id,
        subject_label=application.subject_name,
    )
    return material, data


def masked_id(application: Application) -> str:
    if not application.subject_id_cipher:
        return ""
    return mask_id_number(fieldcrypto.decrypt_id(application.subject_id_cipher))
