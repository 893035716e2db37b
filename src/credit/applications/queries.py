"""What the applicant sees of an application on the status page and the public API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from credit.applications.models import Application


@dataclass(frozen=True)
class StepStatus:
    label: str
    started_on: dt.date
    due_on: dt.date | None
    done_on: dt.date | None
    result: str
    overdue: bool


@dataclass(frozen=True)
class Status:
    tracking_number: str
    kind: str
    state: str
    received_on: dt.date
    subject_name: str
    about: str
    steps: list[StepStatus] = field(default_factory=list)
    outcome: str = ""
    outcome_note: str = ""
    closed_on: dt.date | None = None


def status(application: Application, about: str = "", today: dt.date | None = None) -> Status:
    """The applicant's view: each step with its dates and result, the outcome and its
    reason. Staff notes of intermediate steps stay internal; the reason of a refusal and
    of the outcome are the applicant's to read."""
    today = today or timezone.localdate()
    steps = [
        StepStatus(
            label=s.label,
            started_on=s.started_on,
            due_on=s.due_on,
            done_on=timezone.localdate(s.done_at) if s.done_at else None,
            result=s.result,
            overdue=s.done_at is None and s.due_on is not None and today > s.due_on,
        )
        for s in application.steps.order_by("id")
    ]
    return Status(
        tracking_number=application.tracking_number,
        kind=application.get_kind_display(),
        state=application.get_state_display(),
        received_on=timezone.localdate(application.received_at),
        subject_name=application.subject_name,
        about=about,
        steps=steps,
        outcome=application.outcome_label,
        outcome_note=application.outcome_note,
        closed_on=timezone.localdate(application.closed_at) if application.closed_at else None,
    )
