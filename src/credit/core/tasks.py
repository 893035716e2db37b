"""Background jobs of the core app (django-tasks)."""

from django_tasks import task


class DailyJobFailed(Exception):
    """Marks the task of a failed daily job as failed (the job's own error is logged)."""


@task(takes_context=True)
def run_daily_job(context, name: str):
    """Run the registered daily job `name` (core.jobs), queued by `credit scheduler`."""
    from credit.core import jobs

    outcome = jobs.run_one(jobs.get(name), job_id=f"task:{context.task_result.id}")
    if not outcome.ok:
        raise DailyJobFailed(f"{name}: {outcome.error}")
    return outcome.result
