"""Background jobs of the collection pipeline (django-tasks)."""

from django_tasks import task


@task()
def process_batch(batch_id: int) -> str:
    from credit.collection import services

    return services.process(batch_id)


@task()
def prepare_reports(batch_id: int) -> None:
    from credit.collection import services

    services.prepare_reports(batch_id)
