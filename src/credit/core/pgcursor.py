"""A cursor of Django's PostgreSQL connection that binds on the server, for the hot reads
and writes (API token lookup, credit checks) whose statements psycopg should prepare."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections


class server_cursor:  # noqa: N801  (used as a context manager, like a function)
    """`with server_cursor() as cursor:` a cursor of Django's connection that binds on the
    server, so psycopg can prepare its statements.

    Django's psycopg backend binds on the client unless `server_side_binding` is set for
    the whole project, and a client-bound query can never be prepared. Errors still go
    through Django's wrapper (which marks a broken connection for closing). The cursor is
    kept with the connection (one per thread) and reused; Django's cursor wrapper, which
    only adds query logging, is used only while queries are logged.
    """

    __slots__ = ("db", "cursor", "owned", "errors")

    def __init__(self, db=None):
        self.db = db if db is not None else connections[DEFAULT_DB_ALIAS]

    def __enter__(self):
        from django.db.backends.postgresql.base import ServerBindingCursor

        db = self.db
        if db.connection is None:
            db.ensure_connection()
        self.errors = db.wrap_database_errors
        self.owned = db.queries_logged
        if self.owned:
            self.cursor = db._prepare_cursor(ServerBindingCursor(db.connection))
            return self.cursor
        cursor = getattr(db, "_credit_server_cursor", None)
        if cursor is None or cursor.closed or cursor.connection is not db.connection:
            cursor = db._credit_server_cursor = ServerBindingCursor(db.connection)
        self.cursor = cursor
        return cursor

    def __exit__(self, exc_type, exc, tb):
        if self.owned:
            self.cursor.close()
        return self.errors.__exit__(exc_type, exc, tb)
