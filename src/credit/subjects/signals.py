"""`subjects_changed`: sent after the commit of a change to subjects the public sees (a
merge, its undo, a new name), with the subjects' ids and public ids.

Whatever keeps profile pages or search results (a cache, a search index) connects to it
and forgets those subjects; sending it on commit means a rolled-back change forgets
nothing and a reader never repopulates a cache from the uncommitted state.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

subjects_changed = Signal()


def notify_subjects_changed(subjects) -> None:
    ids = [s.pk for s in subjects]
    public_ids = [s.public_id for s in subjects]
    transaction.on_commit(
        lambda: subjects_changed.send(sender="subjects", subject_ids=ids, public_ids=public_ids)
    )
