"""Times passed as parameters to hand-written SQL.

The ORM stores an aware datetime on SQLite as a naive UTC string; a raw `cursor.execute`
would store Python's default adaptation with a `+00:00` suffix instead. Mixed formats in one
column compare wrongly as strings and come back from raw reads as a mix of naive and aware
values (a profile once failed comparing them), so every raw write goes through here and
stores exactly what the ORM would.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection


def sql_moment(moment: dt.datetime | None):
    """`moment` as the ORM would bind it for a DateTimeField on the current database."""
    if moment is None:
        return None
    return connection.ops.adapt_datetimefield_value(moment)
