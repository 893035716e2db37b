from django.apps import AppConfig


def _purge_source_files(job_id: str) -> int:
    from credit.collection import storage
    from credit.core.actors import Actor

    return storage.purge_expired(Actor.system(label="源文件保存期限", request_id=job_id))


class CollectionConfig(AppConfig):
    name = "credit.collection"
    verbose_name = "数据归集"

    def ready(self) -> None:
        from credit.core import jobs

        jobs.register_daily(
            "collection.purge_source_files", _purge_source_files, "删除超过保存期限的源文件"
        )
