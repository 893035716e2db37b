"""Revocation notices benchmark: a subject read by 10,000 stored checks and 1,000 clients.

Usage:
    uv run python bench/notices_bench.py [--checks 10000] [--clients 1000] [--shared 300]

Data (PostgreSQL database `credit_notices`, its schema dropped and migrated afresh): the
catalog and departments, one company with a public penalty imported through the real
path, --clients API clients each with a webhook to a local receiver, one real credit check
of the company and --checks - 1 stored copies of it spread over the clients (bulk
inserted: the check path has its own benchmark), and --shared of the clients having read
the company by the sharing API (`SharingReceipt`).

Measured, with the task backend being the database one (tasks queued, no worker):
- the decision: `records.services.withdraw` (state, history, change log, outbox event);
- from its commit to the last notice queued: `facts.events.deliver_pending()` running the
  notices subscriber (one notice per client, push tasks queued);
- pushes: `notices.webhooks.deliver_due()` POSTing every notice to a local HTTP receiver
  (a separate process, 204 to everything), one recipient after the other, signed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "credit_notices"
DSN = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"
RECEIVER_PORT = 8107

ENV = {
    "CREDIT_DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "CREDIT_DEBUG": "0",
    "CREDIT_SECRET_KEY": "bench-secret-key-not-for-production-use-0123456789",
    "CREDIT_FIELD_KEYS": '{"b1": "00112233445566778899aabbccddeeff"}',
    "CREDIT_FIELD_KEY_ID": "b1",
    "CREDIT_BLIND_INDEX_KEY": "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
    "CREDIT_TOKEN_HASH_KEY": "bench-token-key",
    "CREDIT_LOG_LEVEL": "WARNING",
    "CREDIT_TASKS_IMMEDIATE": "0",
    "CREDIT_NOTICE_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    "CREDIT_MEDIA_ROOT": str(ROOT / "bench" / "out" / "media"),
    "DJANGO_SETTINGS_MODULE": "credit.settings",
}

RECEIVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204)
        self.end_headers()
    def log_message(self, *a):
        pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


def reset_schema() -> None:
    import psycopg

    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=1_000)
    parser.add_argument("--shared", type=int, default=300)
    args = parser.parse_args()

    os.environ.update(ENV)
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    reset_schema()
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    call_command("load_catalog", verbosity=0)

    from tests.notices.support import import_penalties

    from credit.accounts import services as accounts
    from credit.accounts.models import ApiClient, Department
    from credit.checks.models import CheckSubject, CreditCheck
    from credit.checks.store import run_check
    from credit.core.actors import Actor
    from credit.facts import events
    from credit.notices import receipts, services, webhooks
    from credit.notices.models import Notice, SharingReceipt
    from credit.records import services as records
    from credit.records.models import Record

    system = Actor.system("基准测试")
    accounts.seed_departments(system)
    scjg = Department.objects.get(name="本溪市市场监督管理局")
    other = Department.objects.exclude(pk=scjg.pk).first()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (record,) = import_penalties(scjg, out, [971])
    subject_id = record.subject_id

    started = time.perf_counter()
    ApiClient.objects.bulk_create(
        ApiClient(name=f"基准系统{i:04d}", department=other, scopes=["checks:run", "notices:read"])
        for i in range(args.clients)
    )
    clients = list(ApiClient.objects.order_by("pk"))
    first = run_check(
        Actor.for_client(clients[0]), "bidding", [{"uscc": record.subject.uscc}], purpose="基准"
    )
    assert first.hit_count == 1
    now = timezone.now()
    copies = [
        CreditCheck(
            department_id=other.pk,
            client_id=clients[i % len(clients)].pk,
            actor_label="基准",
            scenario_id=first.scenario_id,
            purpose="基准",
            created_at=now,
            subject_count=1,
            matched_count=1,
            hit_count=1,
            answer=first.answer,
        )
        for i in range(1, args.checks)
    ]
    CreditCheck.objects.bulk_create(copies, batch_size=2000)
    CheckSubject.objects.bulk_create(
        (
            CheckSubject(
                check_run_id=c.pk,
                position=0,
                subject_id=subject_id,
                subject_label="基准",
                verdicts=["有不良记录"],
                record_count=1,
            )
            for c in copies
        ),
        batch_size=2000,
    )
    ids = receipts.recipients_for({("client", c.pk) for c in clients})
    SharingReceipt.objects.bulk_create(
        SharingReceipt(recipient_id=ids[("client", c.pk)], subject_id=subject_id)
        for c in clients[-args.shared :]
    )
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER, str(RECEIVER_PORT)])
    time.sleep(0.5)
    url = f"http://127.0.0.1:{RECEIVER_PORT}/notices"
    for client in clients:
        services.set_webhook(Actor.for_client(client), url)
    print(
        f"setup: {args.checks} checks, {len(clients)} clients ({args.shared} also by sharing), "
        f"{time.perf_counter() - started:.1f} s"
    )

    try:
        owner = Actor.system("基准测试")
        t0 = time.perf_counter()
        records.withdraw(owner, Record.objects.get(pk=record.pk), "基准：处罚决定已撤销")
        t1 = time.perf_counter()
        counts = events.deliver_pending()
        t2 = time.perf_counter()
        notices = Notice.objects.count()
        print(f"decision (withdraw, event stored): {(t1 - t0) * 1000:.0f} ms")
        print(
            f"commit -> last notice queued: {(t2 - t1) * 1000:.0f} ms "
            f"({notices} notices, outbox {counts})"
        )
        print(f"decision -> last notice queued: {(t2 - t0) * 1000:.0f} ms")
        t3 = time.perf_counter()
        sent = webhooks.deliver_due()
        t4 = time.perf_counter()
        print(
            f"push: {sent['sent']} notices to {sent['recipients']} recipients in "
            f"{t4 - t3:.2f} s = {sent['sent'] / (t4 - t3):.0f} deliveries/s "
            f"(failed {sent['failed']})"
        )
    finally:
        receiver.terminate()
        receiver.wait()


if __name__ == "__main__":
    main()
