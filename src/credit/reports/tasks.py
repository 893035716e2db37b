"""Background work of the reports app (django-tasks)."""

from django_tasks import task


@task()
def refresh_public_reports(subject_ids: list[int]) -> dict:
    """Issue anew the public reports of subjects whose facts changed (see apps.py)."""
    from credit.reports import services

    return services.refresh_public_reports(subject_ids)
