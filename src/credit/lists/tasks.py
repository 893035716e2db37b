"""Background jobs of the lists app (django-tasks)."""

from django_tasks import task


@task()
def expire_list_entries_task() -> int:
    """Daily: mark removed the entries whose period has ended (see services.expire_entries)."""
    from credit.lists import services

    return services.expire_entries()
