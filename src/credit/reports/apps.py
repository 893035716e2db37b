from datetime import timedelta

from django.apps import AppConfig


def _facts_changed(event) -> None:
    """A subject's facts changed: its stored public report must be checked again before the
    next download (freshness.py), and is issued again in the background when someone asked
    for one recently, so the next download is the stored file instead of a
    rendering (the render, not the lookup, is what a report request costs)."""
    from django.conf import settings
    from django.utils import timezone

    from credit.reports import freshness
    from credit.reports.models import CreditReport, ReportKind
    from credit.reports.tasks import refresh_public_reports

    if not event.subject_ids:
        return
    freshness.forget(event.subject_ids)
    days = int(settings.CREDIT_REPORT_REFRESH_DAYS)
    if not days:
        return
    since = timezone.now() - timedelta(days=days)
    wanted = list(
        CreditReport.objects.filter(
            kind=ReportKind.PUBLIC,
            superseded_at__isnull=True,
            issued_at__gte=since,
            subject_id__in=event.subject_ids,
        ).values_list("subject_id", flat=True)
    )
    if wanted:
        refresh_public_reports.enqueue(sorted(set(wanted)))


class ReportsConfig(AppConfig):
    name = "credit.reports"
    label = "reports"
    verbose_name = "信用报告"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from credit.facts import events

        events.subscribe("reports.refresh", _facts_changed, "预先出具信息已变化主体的信用报告")
