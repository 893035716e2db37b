"""Background jobs of the facts kernel (django-tasks)."""

from django_tasks import task


@task()
def deliver_pending_task() -> dict:
    """Queued on the commit of a fact change: hand the new events to the subscribers."""
    from credit.facts import events

    return events.deliver_pending()
