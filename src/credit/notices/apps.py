from django.apps import AppConfig


def _notify(event) -> None:
    from credit.notices import services

    services.notify(event)


def _deliver_due(job_id: str) -> dict:
    from credit.notices import webhooks

    return webhooks.deliver_due()


def _shared(sender, actor, subject_id, **kwargs) -> None:
    from credit.notices import receipts

    receipts.record_sharing_read(actor, subject_id)


class NoticesConfig(AppConfig):
    name = "credit.notices"
    verbose_name = "撤回通知"

    def ready(self) -> None:
        from credit.checks import changes
        from credit.core import jobs
        from credit.facts import events
        from credit.notices import queries
        from credit.records.signals import records_shared

        events.subscribe("notices.notify", _notify, "通知已获取该信息的系统和部门")
        jobs.register_daily("notices.deliver_due", _deliver_due, "重试推送撤回通知")
        records_shared.connect(_shared, dispatch_uid="notices.sharing_receipt")
        changes.register("notices", queries.changes_for_check)
