from django.apps import AppConfig


def _deliver_pending(job_id: str) -> dict:
    from credit.facts import events

    return events.deliver_pending()


def _subjects_changed(event) -> None:
    """Tell whatever keeps subject pages (caches, search) which subjects' facts changed,
    as the review app's `subjects_changed` signal does for merges and renames."""
    from credit.subjects.models import Subject
    from credit.subjects.signals import subjects_changed

    if not event.subject_ids:
        return
    rows = Subject.objects.filter(pk__in=event.subject_ids).values_list("pk", "public_id")
    ids, public_ids = zip(*rows, strict=True) if rows else ((), ())
    subjects_changed.send(sender="facts", subject_ids=list(ids), public_ids=list(public_ids))


class FactsConfig(AppConfig):
    name = "credit.facts"
    verbose_name = "信用事实"

    def ready(self) -> None:
        from credit.core import jobs
        from credit.facts import events

        # The on-commit task delivers at once; this run delivers what a lost task left.
        jobs.register_daily("facts.deliver_pending", _deliver_pending, "补送事实变更事件")
        events.subscribe("subjects.changed", _subjects_changed, "通知主体信息变更（缓存、检索）")
