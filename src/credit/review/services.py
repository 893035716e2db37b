"""The credit office's decisions on flagged subjects: merge, undo a merge, confirm as
distinct, keep or adopt a differing name.

Rules:
- Only the credit office decides (`permissions.can_review_subjects`); auditors read.
- The name + 负责人 + region signal only proposes candidates (review.queries); a merge is
  always a person's decision with a reason, and every decision goes into the change log.
- A merge never joins two registrations: when both subjects carry a USCC or an ID-number
  digest, or only the one to be merged does, it is refused. The merged subject therefore
  holds no identifier, unique columns (uscc, id_digest) never collide, and imports keep
  linking by identifier to the survivor.
- Records are keyed by (dataset, authority USCC, document number) and list entries by
  (list type, decision number), neither by subject, so moving them cannot duplicate a
  business key; `_check_business_keys` still refuses, with the document numbers, should
  both subjects ever hold the same key (a guard against a future key that includes the
  subject).
- Record history versions and credit-check results keep the subject they named then: they
  are evidence of what was stored and answered. The merged subject's pages redirect, so
  their links still lead to the survivor.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from credit.accounts import permissions
from credit.audit.services import log_change
from credit.core.actors import Actor
from credit.core.errors import NotFound, PermissionDenied, ServiceError
from credit.core.normalize import has_control_chars, name_key
from credit.facts import LIST_ENTRY, RECORD, transitions
from credit.lists.models import ListEntry
from credit.records.models import Record
from credit.subjects.models import (
    DistinctConfirmation,
    Subject,
    SubjectMerge,
    SubjectNameHistory,
    SubjectNameSeen,
)
from credit.subjects.signals import notify_subjects_changed

REVIEW_SOURCE = "信用办核对"
MAX_REASON = 1000


def _require_reviewer(actor: Actor) -> None:
    if permissions.is_auditor(actor):
        raise PermissionDenied(permissions.AUDITOR_WRITES_NOTHING)
    if not permissions.can_review_subjects(actor):
        raise PermissionDenied("只有信用办管理员可以核对、合并信用主体")


def _reason(text: str, what: str) -> str:
    reason = (text or "").strip()
    if not reason:
        raise ServiceError("reason_required", f"请填写{what}理由")
    if has_control_chars(reason, multiline=True):
        raise ServiceError("bad_reason", f"{what}理由不能包含控制字符")
    if len(reason) > MAX_REASON:
        raise ServiceError("bad_reason", f"{what}理由不能超过 {MAX_REASON} 字")
    return reason


def _locked(*subject_ids: int) -> dict[int, Subject]:
    # Always in id order, so two offices merging the same pair cannot deadlock.
    found = Subject.objects.select_for_update().filter(pk__in=subject_ids).order_by("pk")
    return {s.pk: s for s in found}


def _label(subject: Subject) -> str:
    return f"{subject.name}（{subject.public_id}）"


def _has_open_names(subject_id: int) -> bool:
    return SubjectNameSeen.objects.filter(subject_id=subject_id, resolved_at__isnull=True).exists()


def _check_mergeable(survivor: Subject, merged: Subject) -> None:
    for s in (survivor, merged):
        if s.merged_into_id is not None:
            raise ServiceError(
                "already_merged", f"主体「{s.name}」已被合并至其他主体，请从保留的主体操作"
            )
    if survivor.kind != merged.kind:
        raise ServiceError(
            "kind_differs",
            f"「{merged.name}」与「{survivor.name}」的主体类别不同"
            f"（{merged.get_kind_display()} / {survivor.get_kind_display()}），不能合并",
        )
    for field, label in (("uscc", "统一社会信用代码"), ("id_digest", "身份证号")):
        if getattr(merged, field) and getattr(survivor, field):
            raise ServiceError(
                "both_identified",
                f"两个主体各有{label}，是不同的登记主体，不能合并",
            )
        if getattr(merged, field):
            raise ServiceError(
                "merged_identified",
                f"被合并主体「{merged.name}」有{label}：请把它作为保留主体，合并没有代码的主体",
            )


def _check_business_keys(survivor: Subject, merged: Subject) -> None:
    """Refuse a merge that would give the survivor two records (or list entries) with the
    same business key; the message names them so the office can correct the data first.

    Read from the merged side (a name-only subject holds a few rows; a survivor may hold
    thousands): only the survivor's rows with one of those document keys are fetched."""
    theirs = {
        (dataset_id, authority, key): doc
        for dataset_id, authority, key, doc in Record.objects.filter(subject=merged).values_list(
            "dataset_id", "authority_uscc", "doc_key", "doc_number"
        )
    }
    clash = [
        theirs[k]
        for k in Record.objects.filter(
            subject=survivor, doc_key__in={k[2] for k in theirs}
        ).values_list("dataset_id", "authority_uscc", "doc_key")
        if k in theirs
    ]
    entries = {
        (list_type_id, key): doc
        for list_type_id, key, doc in ListEntry.objects.filter(subject=merged)
        .exclude(decision_key="")
        .values_list("list_type_id", "decision_key", "decision_number")
    }
    clash += [
        entries[k]
        for k in ListEntry.objects.filter(
            subject=survivor, decision_key__in={k[1] for k in entries}
        ).values_list("list_type_id", "decision_key")
        if k in entries
    ]
    if clash:
        shown = "、".join(clash[:5]) + ("等" if len(clash) > 5 else "")
        raise ServiceError(
            "business_key_conflict",
            f"两个主体有相同文书号的数据（{shown}），合并后会重复，请先更正数据",
        )


def _move_facts(actor: Actor, record_ids, entry_ids, source: Subject, target: Subject):
    """Move records and list entries from `source` to `target` through the kernel's write
    path: one outbox event per kind naming both subjects, so whatever depends on either
    subject's facts (caches, evaluation, reports) hears of it. Returns the counts moved.

    The `SubjectMerge` row is the history of the move and the decision's own change-log
    row is written by the caller, so neither is repeated per kind here.
    """
    moved = []
    for kind, model, ids in ((RECORD, Record, record_ids), (LIST_ENTRY, ListEntry, entry_ids)):
        ids = sorted(ids)
        if ids:
            transitions.apply(
                actor,
                kind,
                transitions.Action.MOVED,
                fact_ids=ids,
                subject_ids=[source.pk, target.pk],
                state=lambda model=model, ids=ids: model.objects.filter(pk__in=ids).update(
                    subject=target
                ),
            )
        moved.append(len(ids))
    return tuple(moved)


def merge_subjects(actor: Actor, survivor: Subject, merged: Subject, reason: str) -> SubjectMerge:
    """Move `merged`'s records and list entries to `survivor`; `merged` then redirects."""
    _require_reviewer(actor)
    reason = _reason(reason, "合并")
    if survivor.pk == merged.pk:
        raise ServiceError("same_subject", "保留主体与被合并主体不能是同一个主体")
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(survivor.pk, merged.pk)
        if len(locked) != 2:
            raise NotFound("未找到要合并的信用主体")
        survivor, merged = locked[survivor.pk], locked[merged.pk]
        _check_mergeable(survivor, merged)
        _check_business_keys(survivor, merged)
        record_ids = sorted(Record.objects.filter(subject=merged).values_list("pk", flat=True))
        entry_ids = sorted(ListEntry.objects.filter(subject=merged).values_list("pk", flat=True))
        _move_facts(actor, record_ids, entry_ids, merged, survivor)
        merge = SubjectMerge.objects.create(
            survivor=survivor,
            merged=merged,
            reason=reason,
            merged_at=now,
            merged_by=actor.label,
            moved={"records": record_ids, "list_entries": entry_ids},
            merged_before={"needs_review": merged.needs_review},
            survivor_before={"needs_review": survivor.needs_review},
        )
        merged.merged_into = survivor
        merged.needs_review = False
        merged.save(update_fields=["merged_into", "needs_review", "updated_at"])
        # The merge is the office's decision on the survivor too; a differing name it
        # still has stays open until decided.
        survivor.needs_review = _has_open_names(survivor.pk)
        survivor.save(update_fields=["needs_review", "updated_at"])
        log_change(
            actor,
            "subject.merge",
            "Subject",
            merged.public_id,
            before={"subject": _label(merged), "needs_review": merge.merged_before["needs_review"]},
            after={
                "merged_into": _label(survivor),
                "records": len(record_ids),
                "list_entries": len(entry_ids),
                "merge": merge.pk,
                "reason": reason,
            },
        )
        notify_subjects_changed([survivor, merged])
    return merge


def undo_merge(actor: Actor, merge: SubjectMerge, reason: str) -> SubjectMerge:
    """Give the merged subject back exactly the rows the merge moved, and its flags."""
    _require_reviewer(actor)
    reason = _reason(reason, "撤销")
    now = timezone.now()
    with transaction.atomic():
        merge = SubjectMerge.objects.select_for_update().filter(pk=merge.pk).first()
        if merge is None:
            raise NotFound("未找到该合并记录")
        if merge.is_undone:
            raise ServiceError("already_undone", f"合并 #{merge.pk} 已于此前撤销")
        locked = _locked(merge.survivor_id, merge.merged_id)
        survivor, merged = locked[merge.survivor_id], locked[merge.merged_id]
        if survivor.merged_into_id is not None:
            later = Subject.objects.get(pk=survivor.merged_into_id)
            raise ServiceError(
                "survivor_merged",
                f"保留主体「{survivor.name}」此后又被合并至「{later.name}」，请先撤销那次合并",
            )
        if merged.merged_into_id != survivor.pk:
            raise ServiceError("state_changed", "被合并主体的状态已改变，不能撤销此次合并")
        records = merge.moved.get("records", [])
        entries = merge.moved.get("list_entries", [])
        # Only rows still on the survivor go back: a later import may have moved one to
        # another subject by its identifier, and that is not this merge's to undo.
        back_records, back_entries = _move_facts(
            actor,
            Record.objects.filter(pk__in=records, subject=survivor).values_list("pk", flat=True),
            ListEntry.objects.filter(pk__in=entries, subject=survivor).values_list("pk", flat=True),
            survivor,
            merged,
        )
        merged.merged_into = None
        merged.needs_review = bool(merge.merged_before.get("needs_review")) or _has_open_names(
            merged.pk
        )
        merged.save(update_fields=["merged_into", "needs_review", "updated_at"])
        survivor.needs_review = survivor.needs_review or bool(
            merge.survivor_before.get("needs_review")
        )
        survivor.save(update_fields=["needs_review", "updated_at"])
        merge.undone_at = now
        merge.undone_by = actor.label
        merge.undo_reason = reason
        merge.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        log_change(
            actor,
            "subject.merge_undo",
            "Subject",
            merged.public_id,
            before={"merged_into": _label(survivor), "merge": merge.pk},
            after={
                "subject": _label(merged),
                "records": back_records,
                "list_entries": back_entries,
                "not_returned": (len(records) - back_records) + (len(entries) - back_entries),
                "reason": reason,
            },
        )
        notify_subjects_changed([survivor, merged])
    return merge


def confirm_distinct(
    actor: Actor, subject: Subject, others: list[Subject], reason: str
) -> list[DistinctConfirmation]:
    """`subject` is none of `others`: the pairs are stored and its review flag cleared (a
    differing name it still has stays open). With no `others`, the office confirms a
    lone flagged subject (no candidate found) as a subject of its own."""
    _require_reviewer(actor)
    reason = _reason(reason, "确认")
    others = [o for o in others if o.pk != subject.pk]
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(subject.pk)
        if not locked:
            raise NotFound("未找到该信用主体")
        subject = locked[subject.pk]
        if subject.merged_into_id is not None:
            raise ServiceError("already_merged", f"主体「{subject.name}」已被合并，无需确认")
        pairs = []
        for other in others:
            a, b = sorted((subject.pk, other.pk))
            pair, _ = DistinctConfirmation.objects.get_or_create(
                subject_a_id=a,
                subject_b_id=b,
                defaults={"reason": reason, "confirmed_at": now, "confirmed_by": actor.label},
            )
            pairs.append(pair)
        before = subject.needs_review
        subject.needs_review = _has_open_names(subject.pk)
        subject.save(update_fields=["needs_review", "updated_at"])
        log_change(
            actor,
            "subject.confirm_distinct",
            "Subject",
            subject.public_id,
            before={"subject": _label(subject), "needs_review": before},
            after={
                "distinct_from": "、".join(_label(o) for o in others) or "无候选主体",
                "needs_review": subject.needs_review,
                "reason": reason,
            },
        )
        notify_subjects_changed([subject])
    return pairs


def resolve_name(actor: Actor, seen: SubjectNameSeen, adopt: bool, reason: str = "") -> Subject:
    """Keep the registered name (`adopt=False`) or adopt the name a department sent; the
    former name goes into the name history. Either way the name is no longer open."""
    _require_reviewer(actor)
    reason = (reason or "").strip()
    if reason:
        reason = _reason(reason, "处理")
    now = timezone.now()
    with transaction.atomic():
        seen = SubjectNameSeen.objects.select_for_update().filter(pk=seen.pk).first()
        if seen is None:
            raise NotFound("未找到该名称记录")
        if seen.resolved_at is not None:
            raise ServiceError("already_resolved", f"名称「{seen.name}」已处理")
        subject = _locked(seen.subject_id)[seen.subject_id]
        if subject.merged_into_id is not None:
            raise ServiceError(
                "already_merged", f"主体「{subject.name}」已被合并，请在保留主体处理"
            )
        before = {"name": subject.name, "needs_review": subject.needs_review}
        if adopt:
            SubjectNameHistory.objects.create(
                subject=subject, name=subject.name, source=REVIEW_SOURCE
            )
            subject.name = seen.name
            subject.name_norm = name_key(seen.name)
            # The registered name is now only a former name: if it arrives again it is a
            # new question, so an open row for it is not kept.
        seen.resolved_at = now
        seen.resolution = "adopted" if adopt else "kept"
        seen.resolved_by = actor.label
        seen.save(update_fields=["resolved_at", "resolution", "resolved_by"])
        if adopt:
            # Other open names equal to the adopted one (normalised) are answered with it.
            SubjectNameSeen.objects.filter(
                subject=subject, resolved_at__isnull=True, name_norm=subject.name_norm
            ).update(resolved_at=now, resolution="adopted", resolved_by=actor.label)
        # Names are only compared for verified subjects, so the open names are the question.
        subject.needs_review = _has_open_names(subject.pk)
        subject.save(update_fields=["name", "name_norm", "needs_review", "updated_at"])
        log_change(
            actor,
            "subject.name_adopt" if adopt else "subject.name_keep",
            "Subject",
            subject.public_id,
            before=before,
            after={
                "name": subject.name,
                "seen_name": seen.name,
                "needs_review": subject.needs_review,
                **({"reason": reason} if reason else {}),
            },
        )
        notify_subjects_changed([subject])
    return subject
