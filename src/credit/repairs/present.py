"""What a repair application looks like to a department (API and console) and to the
applicant (status): Chinese labels, fact reference, clocks, steps."""

from __future__ import annotations

from credit.repairs import queries
from credit.repairs.models import FactKind, RepairApplication


def fact_reference(app: RepairApplication) -> dict:
    if app.fact_kind == FactKind.RECORD:
        record = app.record
        return {
            "type": "record",
            "dataset": record.dataset.code,
            "dataset_name": record.dataset.name,
            "document_number": record.doc_number,
            "decision_date": record.decision_date,
        }
    entry = app.list_entry
    return {
        "type": "list_entry",
        "dataset": "list_entry",
        "dataset_name": entry.list_type.name,
        "document_number": entry.decision_number,
        "decision_date": entry.decision_date,
    }


def steps(app: RepairApplication) -> list[dict]:
    return [
        {
            "action": step.action,
            "state": step.to_state,
            "state_label": step.get_to_state_display(),
            "at": step.at,
            "actor": step.actor_label,
            "note": step.note,
        }
        for step in app.steps.all()
    ]


def for_department(app: RepairApplication) -> dict:
    return {
        "tracking_number": app.tracking_number,
        "state": app.state,
        "state_label": app.get_state_display(),
        "subject_name": app.subject.name,
        "subject_uscc": app.subject.uscc or "",
        "department": app.department.name if app.department_id else "",
        "fact": fact_reference(app),
        "applicant_name": app.applicant_name,
        "applicant_phone": app.applicant_phone,
        "agent_name": app.agent_name,
        "relationship": app.relationship,
        "statement": app.statement,
        "commitment_signed_name": app.commitment_signed_name,
        "commitment_at": app.commitment_at,
        "submitted_at": app.submitted_at,
        "accept_due": app.accept_due,
        "decide_due": app.decide_due,
        "extended": app.extended_at is not None,
        "extension_reason": app.extension_reason,
        "overdue": queries.is_overdue(app),
        "outcome_reason": app.outcome_reason,
        "barred_until": app.barred_until,
        "commitment_code": app.commitment.code if app.commitment_id else "",
        "revocation_document": app.revocation_document,
        "steps": steps(app),
    }


def for_application(application) -> RepairApplication | None:
    """The repair behind a common application (status page and API), if it is one."""
    return (
        RepairApplication.objects.filter(application=application)
        .select_related("record__dataset", "list_entry__list_type")
        .first()
    )


def fact_label(app: RepairApplication) -> str:
    """The fact repaired, as the applicant's status page names it."""
    ref = fact_reference(app)
    return f"{ref['dataset_name']} {ref['document_number'] or ''}".strip()[:300]
