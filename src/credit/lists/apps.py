from django.apps import AppConfig
from django.db.models.signals import post_save


def _expire_entries(job_id: str) -> int:
    from credit.lists import services

    return services.expire_entries()


class ListsConfig(AppConfig):
    name = "credit.lists"
    verbose_name = "红黑名单"

    def ready(self) -> None:
        from credit import facts
        from credit.accounts.models import Department
        from credit.collection import consumers
        from credit.core import jobs
        from credit.lists import court, exposure, ingest, seed
        from credit.lists.models import ListEntry

        # List decisions imported as a dataset become list entries (checked per row while
        # validating, entered inside the batch's load transaction).
        consumers.register(
            ingest.DATASET_CODE,
            "lists.list_decision",
            row_check=ingest.row_check,
            after_load=ingest.entries_from_batch,
            on_time=ingest.procedure_dated,
        )

        # Courts' rulings on dishonest judgment debtors become 失信被执行人 entries.
        consumers.register(
            court.DATASET_CODE,
            "lists.court_dishonest",
            row_check=court.row_check,
            after_load=court.entries_from_batch,
        )

        facts.register(facts.LIST_ENTRY, ListEntry, exposure.visible, label="名单条目")

        # Departments are seeded after migrations run, so shipped list types learn their
        # recognising department when that department appears.
        post_save.connect(
            seed.link_department_receiver, sender=Department, dispatch_uid="lists-link-department"
        )
        jobs.register_daily("lists.expire_entries", _expire_entries, "移出到期名单")
