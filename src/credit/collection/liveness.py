"""Is the worker running a batch alive? Known from the worker's hold, never guessed from age.

A running batch is held by the process that runs it:

- PostgreSQL: a session-level advisory lock keyed on the batch id, taken on the connection
  that does the work. The server frees it when that session ends: the worker died, or its
  connection was terminated (then the work was rolled back with it). The session is named
  `credit-worker:<host>:<pid>` (application_name), and the server cancels a statement whose
  client is gone (client_connection_check_interval, see settings).
- SQLite (one machine): an exclusive flock on a file per batch; the kernel frees it when
  the process dies.

Recovery asks `is_running()`: a batch is dead only when nobody holds it. A worker on this
host whose process is gone while its server session still holds the lock (a long statement
not yet cancelled) has that session terminated first.

While it runs, a batch also writes a heartbeat from a thread with its own connection, so the
page shows life through the phases that are one long statement or one long transaction.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import logging
import os
import socket
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.models import F
from django.utils import timezone

from credit.collection.models import Batch, WorkerProcess

log = logging.getLogger(__name__)

# First key of the two-int advisory lock form: the batch id is the second.
LOCK_CLASS = 0x43524244  # "CRBD"


class Busy(Exception):
    """Another process holds the batch: it is running there."""


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _is_pg(conn=connection) -> bool:
    return conn.vendor == "postgresql"


def _lock_file(batch_id: int) -> Path:
    # Keyed on the database too: two databases (test workers) may share MEDIA_ROOT.
    name = str(connection.settings_dict["NAME"])
    if connection.is_in_memory_db():  # one process only, and each has its own
        name += f":{os.getpid()}"
    db = hashlib.sha1(name.encode()).hexdigest()[:12]
    path = Path(settings.MEDIA_ROOT) / "locks" / f"batch-{db}-{batch_id}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


class Hold:
    """The running process's claim on one batch; `release()` when the run ends."""

    def __init__(self, batch: Batch):
        self.batch = batch
        self.batch_id = batch.pk
        self._fd: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self) -> None:
        if _is_pg():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, self.batch_id])
                if not cursor.fetchone()[0]:
                    raise Busy
                cursor.execute(
                    "SELECT set_config('application_name', %s, false), pg_backend_pid()",
                    [f"credit-worker:{process_name()}"[:63]],
                )
                backend_pid = cursor.fetchone()[1]
        else:
            fd = os.open(_lock_file(self.batch_id), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                os.close(fd)
                raise Busy from exc
            self._fd = fd
            backend_pid = None
        Batch.objects.filter(pk=self.batch_id).update(
            attempts=F("attempts") + 1, worker=process_name(), db_backend_pid=backend_pid
        )
        self.batch.attempts += 1
        self.batch.worker, self.batch.db_backend_pid = process_name(), backend_pid
        # Inside a test's transaction another connection could not see the batch row.
        if not connection.in_atomic_block:
            self._thread = threading.Thread(
                target=self._beat, name=f"batch-{self.batch_id}-heartbeat", daemon=True
            )
            self._thread.start()

    def _beat(self) -> None:
        interval = settings.CREDIT_BATCH_HEARTBEAT_SECONDS
        try:
            while not self._stop.wait(interval):
                try:
                    Batch.objects.filter(pk=self.batch_id, worker=process_name()).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a dropped connection: the next beat reconnects
                    log.warning("batch %s: heartbeat failed", self.batch_id, exc_info=True)
                    connections["default"].close()
        finally:
            connections.close_all()

    def release(self) -> None:
        self._stop.set()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        elif _is_pg():
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, self.batch_id])
            except Exception:  # the session is gone, and its lock with it
                log.info("batch %s: lock released with its session", self.batch_id)


def claim(batch: Batch) -> Hold:
    hold = Hold(batch)
    hold.acquire()
    return hold


def _pg_holder(cursor, batch_id: int) -> int | None:
    cursor.execute(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND classid = %s AND objid = %s AND objsubid = 2 AND database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())",
        [LOCK_CLASS, batch_id],
    )
    row = cursor.fetchone()
    return row[0] if row else None


def _process_gone(worker: str) -> bool:
    """True only when `worker` ran on this host and its process no longer exists."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def is_running(batch: Batch, wait_seconds: float = 10.0) -> bool:
    """Does a live process hold this batch? Frees what a dead worker of this host left."""
    if not _is_pg():
        try:
            fd = os.open(_lock_file(batch.pk), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False
    with connection.cursor() as cursor:
        holder = _pg_holder(cursor, batch.pk)
        if holder is None:
            return False
        if not (batch.worker and _process_gone(batch.worker)):
            return True
        # The worker died while the server still runs its statement: cancel it there.
        log.warning("batch %s: worker %s is gone, ending its session", batch.pk, batch.worker)
        cursor.execute("SELECT pg_terminate_backend(%s)", [holder])
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            if _pg_holder(cursor, batch.pk) is None:
                return False
            time.sleep(0.1)
        return True


def worker_seen() -> None:
    """Record that this worker process is alive (called at an interval by `credit worker`)."""
    name = process_name()
    if not WorkerProcess.objects.filter(name=name).update(seen_at=timezone.now()):
        WorkerProcess.objects.create(name=name, seen_at=timezone.now())


def worker_gone() -> None:
    WorkerProcess.objects.filter(name=process_name()).delete()


def live_workers() -> int:
    limit = timezone.now() - dt.timedelta(seconds=settings.CREDIT_WORKER_SEEN_SECONDS)
    return WorkerProcess.objects.filter(seen_at__gte=limit).count()
