"""JSON kept as the platform wrote it, for evidence."""

from __future__ import annotations

import json

from django.core.exceptions import FieldError
from django.db import models


class ExactJSONField(models.JSONField):
    """A JSON document stored as the text the platform wrote: PostgreSQL's `json` (checked,
    then kept as written — key order and all) instead of `jsonb` (parsed into a binary form,
    keys reordered).

    For documents that are evidence and are read back whole, never queried inside — the
    answer a credit check gave. Not re-normalised is what evidence should be, and it spares
    the database the jsonb conversion on the hottest write (measured: ~0.02 ms of database
    CPU per credit check). Other databases store text as JSONField does.

    `json` has no equality or containment operators, so the lookups and key transforms
    JSONField offers would work on SQLite and fail on PostgreSQL: only `isnull` is allowed,
    on both.
    """

    def db_type(self, connection):
        return "json" if connection.vendor == "postgresql" else super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "postgresql" or value is None:
            return super().get_db_prep_value(value, connection, prepared)
        if not prepared:
            value = self.get_prep_value(value)
        # Text, not psycopg's Jsonb adapter: a jsonb parameter would be parsed as jsonb and
        # cast back, the very work this column avoids.
        return json.dumps(value, cls=self.encoder, ensure_ascii=False, separators=(",", ":"))

    def from_db_value(self, value, expression, connection):
        if connection.vendor == "postgresql":
            return value  # psycopg parses `json` itself (Django only asks it for jsonb as text)
        return super().from_db_value(value, expression, connection)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(f"{self.name} is kept as evidence and cannot be searched inside")
        return super().get_lookup(lookup_name)

    def get_transform(self, name):
        raise FieldError(f"{self.name} is kept as evidence and cannot be searched inside")
