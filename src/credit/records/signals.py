"""Signals of the records app.

`records_shared(actor, subject_id)` is sent when a subject's records were shared with a
department's system or staff (the sharing read path), so that apps above records (the
notices app's receipts) learn who received what without records knowing them.
"""

from django.dispatch import Signal

records_shared = Signal()
