from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "credit.registration"
    verbose_name = "登记注册信息"

    def ready(self) -> None:
        from credit.collection import consumers
        from credit.registration import ingest

        # Registration records update their subject's base information and status, inside
        # the batch's load transaction.
        consumers.register(
            ingest.DATASET_CODE, "registration.subjects", after_load=ingest.apply_batch
        )
