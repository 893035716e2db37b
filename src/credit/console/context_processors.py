"""Template context of the staff console layout."""

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from credit.core.workdays import calendar_status


def workday_calendar(request):
    """`workday_calendar`: the calendar's state when a credit office administrator must act.

    None for everybody else (operators cannot fix it; their import errors name the
    problem) and when nothing is due. Lazy: evaluated only by the console layout, so portal
    and API requests pay nothing.
    """

    def status():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_credit_admin:
            return None
        current = calendar_status(timezone.localdate())
        return current if current.needs_attention else None

    return {"workday_calendar": SimpleLazyObject(status)}


def permissions(request):
    """`can`: what the signed-in user may open, so the menu offers only that (the pages
    and services refuse the rest on their own). Lazy, as above."""
    from credit.accounts import permissions as rules
    from credit.commitments import permissions as commitment_rules
    from credit.core.actors import Actor
    from credit.repairs import permissions as repair_rules
    from credit.reports import permissions as report_rules
    from credit.supervision import permissions as supervision_rules

    def flags():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return {}
        actor = Actor.for_user(user)
        return {
            "upload": rules.can_upload(actor),
            "batches": rules.can_read_batches(actor),
            "checks": rules.can_read_checks(actor),
            "lists": rules.can_use_list_console(actor),
            "records": rules.can_list_department_records(actor),
            "audit": rules.can_browse_audit(user),
            "review": rules.can_read_subject_review(actor),
            "reports": report_rules.can_read_report_register(actor),
            "admin": user.is_credit_admin,
            "commitments": commitment_rules.can_list_commitments(actor),
            "supervision": supervision_rules.can_read_draws(actor),
            "repairs": repair_rules.can_use_queue(actor),
        }

    return {"can": SimpleLazyObject(flags)}
