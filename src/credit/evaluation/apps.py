from django.apps import AppConfig


def _monthly(job_id: str):
    from credit.evaluation import services

    return services.monthly(job_id)


class EvaluationConfig(AppConfig):
    name = "credit.evaluation"
    verbose_name = "公共信用综合评价"

    def ready(self) -> None:
        from credit.core import jobs
        from credit.evaluation import queries, subscriber
        from credit.facts import events
        from credit.records import extras

        jobs.register_daily("evaluation.monthly", _monthly, "每月信用综合评价")
        from django.db.models.signals import post_save

        from credit.evaluation.models import EvaluationSettings

        post_save.connect(queries.forget_settings, sender=EvaluationSettings)
        # The sharing API (records, a lower layer) sends the grade with the records.
        extras.register_grade_reader(queries.shared_grade)
        events.subscribe("evaluation.regrade", subscriber.regrade, "重新评价相关主体")
