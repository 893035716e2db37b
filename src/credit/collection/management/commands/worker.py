"""`credit worker`: django-tasks' db_worker that survives a lost database connection.

django-tasks' worker exits on the first database error outside a task (a terminated
connection, a restarted server) and nothing restarts it: uploads then wait forever. This
one closes the dead connection and goes on after a short back-off. Next to the task loop a
thread (own connection) records that the worker is alive (collection.models.WorkerProcess,
read by the batch pages) and, at CREDIT_WORKER_RECOVER_SECONDS, recovers batches whose
worker died (`recover_batches --rerun`; safe while other workers run).

It takes db_worker's options. Run it under a supervisor that restarts it when it exits
(scripts/serve does; systemd `Restart=always` in production).
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django_tasks_db.management.commands import db_worker

from credit.collection import liveness, services
from credit.core.actors import Actor

log = logging.getLogger("credit.worker")


class SupervisedWorker(db_worker.Worker):
    def run(self) -> None:
        delay = 0.5
        while True:
            try:
                super().run()
                return
            except (OperationalError, InterfaceError) as exc:
                if not self.running:
                    return
                log.warning("database connection lost (%s); reconnecting in %.1f s", exc, delay)
                for conn in connections.all(initialized_only=True):
                    try:
                        conn.close()
                    except Exception:  # closing a dead connection may itself fail
                        conn.connection = None
                time.sleep(delay)
                delay = min(delay * 2, 10.0)
                self.startup_delay = False


def _housekeeping(stop: threading.Event) -> None:
    """Alive mark and recovery, from their own connection so a long task cannot stall them."""
    seen_every = max(1.0, settings.CREDIT_WORKER_SEEN_SECONDS / 3)
    recover_every = settings.CREDIT_WORKER_RECOVER_SECONDS
    next_recovery = 0.0
    actor = Actor.system(label="批次恢复")
    try:
        while not stop.is_set():
            close_old_connections()
            try:
                liveness.worker_seen()
                if time.monotonic() >= next_recovery:
                    for batch in services.recover_interrupted(actor, rerun_them=True):
                        log.warning("recovered batch %s: %s", batch.public_id, batch.state)
                    next_recovery = time.monotonic() + recover_every
            except Exception:
                log.warning("worker housekeeping failed", exc_info=True)
                connections["default"].close()
            stop.wait(seen_every)
    finally:
        try:
            liveness.worker_gone()
        except Exception:
            log.info("could not remove the worker mark", exc_info=True)
        connections.close_all()


class Command(db_worker.Command):
    help = "后台任务进程（数据库连接中断后自动重连，并定期恢复中断的批次）"

    def handle(self, *args, **options):
        db_worker.Worker = SupervisedWorker
        stop = threading.Event()
        thread = threading.Thread(target=_housekeeping, args=(stop,), daemon=True)
        thread.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            thread.join(timeout=5)
