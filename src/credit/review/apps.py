from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """The credit office's subject review queue (merge, undo, confirm distinct, names).

    No models of its own: the decisions are stored in `subjects` (SubjectMerge,
    DistinctConfirmation, SubjectNameSeen); this app moves records and list entries, which
    `subjects` may not import (they depend on it).
    """

    name = "credit.review"
    verbose_name = "主体核对"
