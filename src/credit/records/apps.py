from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "credit.records"
    verbose_name = "信用记录"

    def ready(self) -> None:
        from credit import facts
        from credit.records import exposure
        from credit.records.models import Record

        facts.register(facts.RECORD, Record, exposure.visible, label="信用记录")
