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


@task()
def purge_source_files_task() -> int:
    """Daily: delete source files kept longer than CREDIT_UPLOAD_RETENTION_DAYS."""
    from credit.collection import storage
    from credit.core.actors import Actor

    return storage.purge_expired(Actor.system(label="源文件保存期限"))
