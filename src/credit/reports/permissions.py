"""Who may do what with credit reports (named predicates for views, API and services)."""

from credit.accounts.permissions import is_auditor
from credit.core.actors import Actor


def can_issue_special_report(actor: Actor) -> bool:
    """Special reports state non-public facts of a subject: issued by the credit office on
    the subject's application (or, with the applications app, through it)."""
    return actor.is_credit_admin and not is_auditor(actor)


def can_read_report_register(actor: Actor) -> bool:
    """The register of issued reports: the credit office and the auditor."""
    return actor.is_credit_admin or is_auditor(actor)
