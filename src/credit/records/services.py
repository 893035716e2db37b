"""Writes of the records app: withdrawal, the minor-penalty flag, windows, the rule table."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from credit.accounts import permissions
from credit.audit import services as audit
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.facts import RECORD, transitions
from credit.records import exposure, publicity
from credit.records.models import (
    PublicityRule,
    Record,
    RecordVisibilityChange,
    RecordWithdrawal,
    Visibility,
    WithdrawalBasis,
)

CHUNK = 2000
RULE_FIELDS = [
    "rule_key",
    "severity",
    "penalty_type",
    "publish",
    "min_months",
    "max_months",
    "law_reference",
    "active",
]


def _check_owner(actor: Actor, record: Record) -> None:
    """Only the department that sent a record, or the credit office, may change it."""
    if permissions.is_auditor(actor):
        raise PermissionDenied("审计员不能修改信用记录")
    if not permissions.can_change_record(actor, record):
        raise PermissionDenied("只能处理本单位报送的信用记录")


def _history(record_id, old, new, now, reason, actor: Actor, job_id="") -> None:
    RecordVisibilityChange.objects.create(
        record_id=record_id,
        from_state=old,
        to_state=new,
        at=now,
        reason=reason,
        actor_label=actor.label,
        job_id=job_id or actor.request_id,
    )


def withdraw(
    actor: Actor,
    record: Record,
    reason: str,
    *,
    basis: str = "",
    document_number: str = "",
    document_date: dt.date | None = None,
) -> Record:
    """Withdraw a published record at once (a changed, revoked or annulled decision).

    `basis` names what decided it (WithdrawalBasis: a review decision, a judgment, a
    revocation, or publication in error) with that document's number and date; the console
    and the API require it. The record stays in the archive with its reason, its document
    and its history; a later re-import of the same decision does not bring it back.
    """
    if permissions.is_auditor(actor):
        raise PermissionDenied("审计员不能修改信用记录")
    if not permissions.can_withdraw(actor, record):
        raise PermissionDenied("只能撤回本单位报送的信用记录")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", "请填写撤回原因")
    document_number = (document_number or "").strip()
    _check_basis(record, basis, document_number, document_date)
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        if record.withdrawn_at is not None:
            raise ServiceError("already_withdrawn", "该记录已撤回，不能重复撤回", status=409)
        now = timezone.now()
        old = record.visibility
        record.visibility = Visibility.WITHDRAWN
        record.withdrawn_at = now
        record.withdrawn_reason = reason
        record.withdrawn_by = actor.label
        after = {"visibility": Visibility.WITHDRAWN, "reason": reason}
        if basis:
            after.update(
                basis=WithdrawalBasis(basis).label,
                document_number=document_number,
                document_date=document_date.isoformat() if document_date else "",
            )

        def history() -> None:
            _history(record.pk, old, Visibility.WITHDRAWN, now, reason, actor)
            if basis:
                RecordWithdrawal.objects.create(
                    record_id=record.pk,
                    basis=basis,
                    document_number=document_number,
                    document_date=document_date,
                    reason=reason,
                    at=now,
                    actor_label=actor.label,
                    department_id=actor.department_id,
                )

        transitions.apply(
            actor,
            RECORD,
            transitions.Action.WITHDRAWN,
            fact_ids=[record.pk],
            subject_ids=[record.subject_id],
            state=lambda: record.save(
                update_fields=["visibility", "withdrawn_at", "withdrawn_reason", "withdrawn_by"]
            ),
            history=history,
            log=transitions.ChangeLog(
                "record_withdrawn",
                "record",
                record.pk,
                before={"visibility": old},
                after=after,
            ),
        )
    return record


def repair(actor: Actor, record: Record, reason: str) -> Record:
    """Stop publishing and sharing a record on a credit repair decision (信用修复).

    Called by `credit.repairs` once the deciding department decided 修复; the record stays
    in the archive with its dates and history, and neither the daily window job, a rule
    recomputation nor a re-import of the same decision publishes it again
    (`exposure.window_frozen`, `exposure.window_from_row`).
    """
    _check_owner(actor, record)
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        if record.withdrawn_at is not None:
            raise ServiceError("withdrawn", "该记录已撤回，无需信用修复", status=409)
        if record.repaired_at is not None:
            raise ServiceError("already_repaired", "该记录已信用修复", status=409)
        now = timezone.now()
        old = record.visibility
        record.visibility = Visibility.REPAIRED
        record.repaired_at = now
        transitions.apply(
            actor,
            RECORD,
            transitions.Action.REPAIRED,
            fact_ids=[record.pk],
            subject_ids=[record.subject_id],
            state=lambda: record.save(update_fields=["visibility", "repaired_at"]),
            history=lambda: _history(record.pk, old, Visibility.REPAIRED, now, reason, actor),
            log=transitions.ChangeLog(
                "record_repaired",
                "record",
                record.pk,
                before={"visibility": old},
                after={"visibility": Visibility.REPAIRED, "reason": reason},
            ),
        )
    return record


def revoke_repair(actor: Actor, record: Record, reason: str) -> Record:
    """Restore a repaired record (撤销修复: the repair was obtained with false materials):
    its window is what its dates and the rule table give today, as if never repaired."""
    _check_owner(actor, record)
    with transaction.atomic():
        record = (
            Record.objects.select_for_update().select_related("dataset_version").get(pk=record.pk)
        )
        if record.repaired_at is None:
            raise ServiceError("not_repaired", "该记录未经信用修复", status=409)
        now = timezone.now()
        old = record.visibility
        record.repaired_at = None
        record.public_from, record.public_until, record.visibility = publicity.compute_window(
            record, record.dataset_version, publicity.load_rules(), timezone.localdate()
        )
        new = record.visibility
        transitions.apply(
            actor,
            RECORD,
            transitions.Action.PUBLISHED
            if new == Visibility.PUBLIC
            else transitions.Action.CHANGED,
            fact_ids=[record.pk],
            subject_ids=[record.subject_id],
            state=lambda: record.save(
                update_fields=["visibility", "repaired_at", "public_from", "public_until"]
            ),
            history=lambda: _history(record.pk, old, new, now, reason, actor),
            log=transitions.ChangeLog(
                "record_repair_revoked",
                "record",
                record.pk,
                before={"visibility": old},
                after={"visibility": new, "reason": reason},
            ),
        )
    return record


def _check_basis(record: Record, basis: str, number: str, day: dt.date | None) -> None:
    """The deciding document of a withdrawal: a known kind; its number and date unless the
    record was published in error (no outside document decided that)."""
    if not basis:
        return
    if basis not in WithdrawalBasis.values:
        kinds = "、".join(WithdrawalBasis.labels)
        raise ServiceError("bad_basis", f"撤回依据只能是：{kinds}")
    label = WithdrawalBasis(basis).label
    if basis != WithdrawalBasis.ERROR:
        if not number:
            raise ServiceError("document_required", f"请填写{label}的文书号")
        if day is None:
            raise ServiceError("document_date_required", f"请填写{label}的日期")
    if len(number) > 128:
        raise ServiceError("document_too_long", "依据文书号不能超过 128 个字符")
    if day is not None:
        if day > timezone.localdate():
            raise ServiceError("document_date_future", f"{label}的日期不能晚于今天")
        if day < record.decision_date:
            raise ServiceError(
                "document_date_early",
                f"{label}的日期不能早于原决定日期（{record.decision_date:%Y/%m/%d}）",
            )


def set_publish_minor(
    actor: Actor, record: Record, flag: bool, today: dt.date | None = None
) -> Record:
    """Mark (or unmark) a 轻微 penalty as necessary to publish, and recompute its window."""
    _check_owner(actor, record)
    with transaction.atomic():
        record = (
            Record.objects.select_for_update().select_related("dataset_version").get(pk=record.pk)
        )
        if record.publish_minor == bool(flag):
            return record
        before = {
            "publish_minor": record.publish_minor,
            "visibility": record.visibility,
        }
        record.publish_minor = bool(flag)
        old = record.visibility
        record.public_from, record.public_until, record.visibility = publicity.compute_window(
            record, record.dataset_version, publicity.load_rules(), today or timezone.localdate()
        )
        reason = "部门认定轻微失信确需公示" if flag else "部门取消轻微失信公示认定"
        new = record.visibility
        transitions.apply(
            actor,
            RECORD,
            _action_to(new),
            fact_ids=[record.pk],
            subject_ids=[record.subject_id],
            state=lambda: record.save(
                update_fields=["publish_minor", "public_from", "public_until", "visibility"]
            ),
            history=(
                (lambda: _history(record.pk, old, new, timezone.now(), reason, actor))
                if new != old
                else None
            ),
            log=transitions.ChangeLog(
                "record_publish_minor",
                "record",
                record.pk,
                before=before,
                after={"publish_minor": record.publish_minor, "visibility": new},
            ),
        )
    return record


def end_expired_windows(today: dt.date | None = None, job_id: str = "") -> int:
    """Daily job: end windows that have passed and open pending ones whose day has come.

    Returns the number of records changed; a second run on the same day changes nothing.
    """
    today = today or timezone.localdate()
    actor = Actor.system("公示期自动处理", request_id=job_id)
    live = [Visibility.PUBLIC, Visibility.PENDING]
    job_ref = job_id or f"end_publicity_windows:{today.isoformat()}"
    # One event per action for the whole run (windows ended, windows started), however
    # many chunks it writes.
    with transitions.batch(actor, job_ref, request_id=job_id):
        # The stored state catches up with the window state the dates give (readers
        # already go by the dates).
        ended = _move(
            Record.objects.filter(exposure.window_is(Visibility.ENDED, today), visibility__in=live),
            Visibility.ENDED,
            "公示期满，自动停止公示",
            actor,
            job_id,
        )
        started = _move(
            Record.objects.filter(
                exposure.window_is(Visibility.PUBLIC, today), visibility=Visibility.PENDING
            ),
            Visibility.PUBLIC,
            "到达公示起始日，开始公示",
            actor,
            job_id,
        )
        if ended or started:
            audit.log_change(
                actor,
                "publicity_windows_updated",
                "job",
                job_ref,
                after={"date": today.isoformat(), "ended": ended, "started": started},
            )
    return ended + started


def _action_to(state: str) -> str:
    """The outbox action of a record moving to `state`."""
    return {
        Visibility.PUBLIC: transitions.Action.PUBLISHED,
        Visibility.ENDED: transitions.Action.WINDOW_ENDED,
        Visibility.WITHDRAWN: transitions.Action.WITHDRAWN,
    }.get(state, transitions.Action.CHANGED)


def _move(queryset, to_state: str, reason: str, actor: Actor, job_id: str) -> int:
    # A withdrawn (or repaired) record's stored state stays so whatever its window does.
    rows = list(
        queryset.exclude(exposure.window_frozen()).values_list("id", "visibility", "subject_id")
    )
    now = timezone.now()
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        ids = [rid for rid, _, _ in chunk]
        # A transition per chunk, folded into one event per action by the caller's batch;
        # the job's summary row is the change log (written by the caller), no row per record.
        transitions.apply(
            actor,
            RECORD,
            _action_to(to_state),
            fact_ids=ids,
            subject_ids=[sid for _, _, sid in chunk],
            request_id=job_id,
            state=lambda ids=ids: Record.objects.filter(id__in=ids).update(visibility=to_state),
            history=lambda chunk=chunk: RecordVisibilityChange.objects.bulk_create(
                RecordVisibilityChange(
                    record_id=rid,
                    from_state=old,
                    to_state=to_state,
                    at=now,
                    reason=reason,
                    actor_label=actor.label,
                    job_id=job_id,
                )
                for rid, old, _ in chunk
            ),
        )
    return len(rows)


def refresh_all_windows(actor: Actor, today: dt.date | None = None, job_id: str = "") -> int:
    """Recompute every record's window, e.g. after the rule table changed."""
    if not actor.is_credit_admin:
        raise PermissionDenied("只有信用主管部门可以重新计算公示期")
    with transaction.atomic():
        changed = publicity.refresh_records(
            Record.objects.all(),
            today,
            job_id=job_id or actor.request_id,
            reason="公示期限规则变更后重新计算",
            actor=actor,
        )
        audit.log_change(actor, "publicity_recomputed", "record", "*", after={"changed": changed})
    return changed


def save_rule(actor: Actor, rule: PublicityRule) -> PublicityRule:
    """Create or change a rule row (the credit office only), log it, recompute windows."""
    if not actor.is_credit_admin:
        raise PermissionDenied("只有信用主管部门可以修改公示期限规则")
    if rule.min_months and rule.max_months and rule.min_months > rule.max_months:
        raise ServiceError("bad_period", "最短公示期不能长于最长公示期")
    before = None
    if rule.pk:
        old = PublicityRule.objects.filter(pk=rule.pk).first()
        before = model_to_dict(old, fields=RULE_FIELDS) if old else None
    with transaction.atomic():
        rule.save()
        audit.log_change(
            actor,
            "publicity_rule_saved",
            "publicity_rule",
            rule.pk,
            before=before,
            after=model_to_dict(rule, fields=RULE_FIELDS),
        )
        transaction.on_commit(_enqueue_refresh)
    return rule


def _enqueue_refresh() -> None:
    from credit.records.tasks import refresh_all_windows_task

    refresh_all_windows_task.enqueue()
