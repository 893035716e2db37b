"""The 异议标注 on the public API's legacy record lists (licences, penalties).

Asked of the kernel (`facts.disputed`) for the rows a page already holds. The profile's
section rows read it in their compiled statements (`portal.profile_page`).
"""

from __future__ import annotations

from collections.abc import Iterable

from credit import facts
from credit.portal.opaque import record_pk


def record_tokens(rows: Iterable) -> set[str]:
    """The tokens of the shown record rows whose record is disputed."""
    by_pk = {}
    for row in rows:
        pk = record_pk(row.token)
        if pk is not None:
            by_pk[pk] = row.token
    return {by_pk[pk] for pk in facts.disputed(facts.RECORD, by_pk)}
