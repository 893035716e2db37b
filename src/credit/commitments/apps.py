from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "credit.commitments"
    verbose_name = "信用承诺"

    def ready(self) -> None:
        from credit.collection import consumers
        from credit.commitments import ingest

        # Commitment records keep their Commitment row (verification state, due date) in
        # step, inside the batch's load transaction; the row check refuses bad 承诺编码 and
        # a 失信 sent by file, which must come with its breach record (services.mark_broken).
        consumers.register(
            ingest.DATASET_CODE,
            "commitments.sync",
            row_check=ingest.row_check,
            after_load=ingest.apply_batch,
        )
