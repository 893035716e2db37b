"""A read whose database connection was dropped is answered, not a 500.

CONN_HEALTH_CHECKS (settings) replaces a persistent connection that died *before* a
request uses it. A connection the server terminates *during* a read (a failover, a
restarted server, an administrator's pg_terminate_backend) still fails that request: for
GET/HEAD, which change nothing, the view is run once more on a fresh connection.
"""

from __future__ import annotations

import contextlib
import logging

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

log = logging.getLogger(__name__)


class RetryReadOnLostConnection:
    """Last in MIDDLEWARE, so that a retry runs the view alone again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.method not in ("GET", "HEAD") or getattr(request, "_db_retried", False):
            return None
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        conn = connections[DEFAULT_DB_ALIAS]
        if conn.in_atomic_block or conn.connection is None or conn.is_usable():
            return None  # not a lost connection (a lock timeout, a bad query): no retry
        log.warning("database connection lost during %s %s; retrying", request.method, request.path)
        with contextlib.suppress(Exception):
            conn.close()
        conn.connection = None
        request._db_retried = True
        return self.get_response(request)
