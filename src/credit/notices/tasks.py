"""Background jobs of the notices app (django-tasks)."""

from django_tasks import task


@task()
def push_task(recipient_ids: list[int]) -> dict:
    """Queued on the commit of new notices: push them to the recipients' webhooks."""
    from credit.notices import webhooks

    counts = {"sent": 0, "failed": 0}
    for start in range(0, len(recipient_ids), webhooks.GROUP):
        got = webhooks.deliver_many(recipient_ids[start : start + webhooks.GROUP])
        counts["sent"] += got["sent"]
        counts["failed"] += got["failed"]
    return counts


@task()
def deliver_due_task() -> dict:
    """Retry the pushes whose backoff has passed (queued by `credit scheduler` and by
    failed pushes)."""
    from credit.notices import webhooks

    return webhooks.deliver_due()
