"""Background jobs of the records app (django-tasks)."""

from django_tasks import task


@task(takes_context=True)
def end_expired_windows_task(context) -> int:
    """Daily: end publicity windows that have passed (see services.end_expired_windows)."""
    from credit.records import services

    return services.end_expired_windows(job_id=f"task:{context.task_result.id}")


@task(takes_context=True)
def refresh_all_windows_task(context) -> int:
    """After a rule-table change: recompute every record's window."""
    from credit.core.actors import Actor
    from credit.records import services

    job = f"task:{context.task_result.id}"
    return services.refresh_all_windows(Actor.system(request_id=job), job_id=job)
