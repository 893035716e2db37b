"""Writes to the subject registry that come from registration data (登记注册基本信息).

The registration dataset's consumer (credit.registration) turns each registration record a
batch wrote into a `Registration` and calls `apply_registrations`: the subject's current
registration is replaced by a new version when anything differs, the older one stays as
history, and the subject row takes the status and legal representative. The name never
changes here: a registered name that differs from the subject's went to the credit
office's review when the batch was linked (subjects.linking `name_mismatch`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from credit.accounts import permissions
from credit.audit.services import log_change
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied
from credit.subjects.models import RegStatus, Subject, SubjectRegistration


@dataclass(frozen=True)
class Registration:
    """One registration as a record carries it (values already validated)."""

    name: str
    entity_type: str
    legal_rep: str
    established_on: dt.date | None
    capital: Decimal | None
    address: str
    business_scope: str
    term_from: dt.date | None
    term_to: dt.date | None
    authority: str
    authority_uscc: str
    status: str  # a RegStatus value
    approved_on: dt.date

    def differs_from(self, row: SubjectRegistration) -> bool:
        return any(getattr(row, f.name) != getattr(self, f.name) for f in fields(self))


def can_record_registration(actor: Actor) -> bool:
    """Whoever may report data may have registrations recorded from it (the pipeline has
    already checked the batch's department); an auditor never writes."""
    return permissions.can_upload(actor)


@dataclass
class Applied:
    created: int = 0  # subjects whose first registration arrived
    changed: int = 0  # subjects whose current registration was replaced
    unchanged: int = 0
    older: int = 0  # versions older than the current one, kept as history only
    status_changed: int = 0


def apply_registrations(
    actor: Actor,
    items: list[tuple[int, Registration, int | None]],
    *,
    source: str = "",
) -> Applied:
    """Record `(subject id, registration, source record id)` items, in the given order.

    The newest registration by approval date is current; one equal to the current version
    changes nothing, so re-importing a file writes nothing. One change-log entry per call
    (a batch) counts what changed; each version row is the subject's own history.
    """
    if not can_record_registration(actor):
        raise PermissionDenied("无权记录主体登记注册信息")
    result = Applied()
    if not items:
        return result
    now = timezone.now()
    with transaction.atomic():
        subject_ids = {subject_id for subject_id, _, _ in items}
        current = {
            row.subject_id: row
            for row in SubjectRegistration.objects.select_for_update().filter(
                subject_id__in=subject_ids, superseded_at__isnull=True
            )
        }
        subjects = Subject.objects.in_bulk(subject_ids)
        superseded: list[SubjectRegistration] = []
        new_rows: dict[int, SubjectRegistration] = {}
        history: list[SubjectRegistration] = []
        for subject_id, registration, record_id in items:
            row = SubjectRegistration(
                subject_id=subject_id,
                source_record_id=record_id,
                source=source[:100],
                recorded_at=now,
                **asdict(registration),
            )
            before = new_rows.get(subject_id) or current.get(subject_id)
            if before is None:
                result.created += 1
            elif not registration.differs_from(before):
                result.unchanged += 1
                continue
            elif registration.approved_on < before.approved_on:
                row.superseded_at = now
                history.append(row)
                result.older += 1
                continue
            else:
                result.changed += 1
                if before.pk is not None:
                    before.superseded_at = now
                    superseded.append(before)
                else:  # two versions in one batch: the earlier one is history at once
                    before.superseded_at = now
                    history.append(before)
            new_rows[subject_id] = row
        # Superseded first: one current version per subject (uniq_current_registration).
        SubjectRegistration.objects.bulk_update(superseded, ["superseded_at"], batch_size=500)
        SubjectRegistration.objects.bulk_create([*history, *new_rows.values()], batch_size=500)
        touched: list[Subject] = []
        for subject_id, row in new_rows.items():
            subject = subjects.get(subject_id)
            if subject is None:
                continue
            if subject.reg_status != row.status:
                result.status_changed += 1
            subject.reg_status = row.status
            subject.legal_rep = row.legal_rep[:100] or subject.legal_rep
            subject.updated_at = now
            touched.append(subject)
        Subject.objects.bulk_update(
            touched, ["reg_status", "legal_rep", "updated_at"], batch_size=500
        )
        if new_rows or history:
            log_change(
                actor,
                "subject.registration",
                "Subject",
                source or "subject_registration",
                after=asdict(result),
            )
    return result


STATUS_BY_LABEL = {label: value for value, label in RegStatus.choices}
