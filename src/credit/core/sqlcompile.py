"""Querysets compiled once per process for hot paths.

A hot read (the portal profile, the single credit check) still starts from the shared
querysets, so each rule keeps one definition, but paying Django's SQL compiler on every
call cost more than the database did. The queryset is built once with marker values where
the per-call values go, compiled, and the markers' positions among the parameters are
remembered; each call binds the real values there (`Statement.bind`).

A marker must be a value nothing real takes: `DAY` for dates, `marker(name)` for text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Choices

DAY = dt.date(1901, 2, 3)


def marker(name: str) -> str:
    """A text marker: no stored value holds a NUL, and one never reaches the database
    (PostgreSQL would refuse it as a parameter)."""
    return f"\x00{name}\x00"


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple
    slots: dict[str, tuple[int, ...]]

    def bind(self, **values) -> list:
        """The parameters with each marker replaced by its value; a date marker compiled
        as an ISO string (SQLite) gets the value as an ISO string too."""
        params = list(self.params)
        for name, value in values.items():
            for i in self.slots[name]:
                if isinstance(value, dt.date) and not isinstance(params[i], dt.date):
                    params[i] = value.isoformat()
                else:
                    params[i] = value
        return params


def compile_statement(queryset, **markers) -> Statement:
    """The queryset's SQL and parameters, with where each of `markers` (name=marker value)
    went. A marker must reach the SQL, unless it is a date the query may not need."""
    sql, params = queryset.query.sql_with_params()
    # Choices members become plain strings: psycopg's server-side binding adapts by type.
    params = [str(p) if isinstance(p, Choices) else p for p in params]
    slots = {}
    for name, value in markers.items():
        forms = (value, value.isoformat()) if isinstance(value, dt.date) else (value,)
        slots[name] = tuple(i for i, p in enumerate(params) if p in forms)
        assert slots[name] or isinstance(value, dt.date), f"the {name} marker is not in the SQL"
    return Statement(sql, tuple(params), slots)


def condition_sql(model, condition, alias: str | None = None) -> str:
    """The SQL of `condition` (a Q without parameters) on `model`'s own columns, for
    hand-written set-based statements: columns qualified by the table name, or by `alias`
    when the statement names the table so."""
    from django.db import DEFAULT_DB_ALIAS

    query = model._default_manager.filter(condition).query
    if alias:
        query.change_aliases({model._meta.db_table: alias})
    sql, params = query.get_compiler(DEFAULT_DB_ALIAS).compile(query.where)
    if params:
        raise ValueError(f"condition_sql takes conditions without parameters: {condition!r}")
    return sql
