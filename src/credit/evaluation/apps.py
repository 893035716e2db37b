from django.apps import AppConfig


def _monthly(job_id: str):
    from credit.evaluation import services

    return services.monthly(job_id)


class EvaluationConfig(AppConfig):
    name = "credit.evaluation"
    verbose_name = "公共信用综合评价"

    def ready(self) -> None:
        from credit.core import jobs
        from credit.evaluation import subscriber
        from credit.facts import events

        jobs.register_daily("evaluation.monthly", _monthly, "每月信用综合评价")
        events.subscribe("evaluation.regrade", subscriber.regrade, "重新评价相关主体")
