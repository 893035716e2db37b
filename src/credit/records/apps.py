from django.apps import AppConfig


def _end_windows(job_id: str) -> int:
    from credit.records import services

    return services.end_expired_windows(job_id=job_id)


class RecordsConfig(AppConfig):
    name = "credit.records"
    verbose_name = "信用记录"

    def ready(self) -> None:
        from credit import facts
        from credit.core import jobs
        from credit.records import exposure, queries
        from credit.records.models import Record
        from credit.subjects import search

        jobs.register_daily("records.end_expired_windows", _end_windows, "结束到期公示")

        facts.register(facts.RECORD, Record, exposure.visible, label="信用记录")
        # Search results count a subject's records per catalog dataset and section.
        search.register_count_grouper(queries.group_counts)
