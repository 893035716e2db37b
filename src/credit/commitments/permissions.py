"""Who may see and act on commitments. Pages, API and services call these alike."""

from __future__ import annotations

from credit.accounts import permissions as accounts
from credit.core.actors import Actor


def sees_every_department(actor: Actor) -> bool:
    """The credit office and auditors see every department's commitments."""
    return accounts.sees_every_department(actor)


def can_list_commitments(actor: Actor) -> bool:
    """The commitment queue: a department's operators and systems (its own commitments),
    the credit office (all), auditors (read only)."""
    return accounts.can_list_department_records(actor)


def can_read_commitment(actor: Actor, commitment) -> bool:
    if not can_list_commitments(actor):
        return False
    return commitment.department_id == actor.department_id or sees_every_department(actor)


def can_record_commitment(actor: Actor, department) -> bool:
    """Record a commitment accepted by `department` (console form, API): who may report
    that department's data; never an auditor."""
    return not accounts.is_auditor(actor) and accounts.can_upload(actor, department)


def can_verify_commitment(actor: Actor, commitment) -> bool:
    """Mark a commitment 履约 or 失信 after verification: the accepting department (its
    operators and systems) or a credit administrator; never an auditor."""
    return can_record_commitment(actor, commitment.department)
