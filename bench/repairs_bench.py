"""Credit repair benchmark: a repair of a subject read by 10,000 stored checks and 1,000
clients (issue 13, "Done when"). Mirrors bench/notices_bench.py with a repair instead of a
withdrawal.

Usage:
    uv run python bench/repairs_bench.py [--checks 10000] [--clients 1000] [--shared 300]

Data (PostgreSQL database `credit_repair_bench`, created if missing, its schema dropped and
migrated afresh): the catalog and departments, one company with a public penalty past its
minimum publicity period (decided 130 days ago, 一般) imported through the real path, a
repair application for it accepted by the deciding department, --clients API clients each with a webhook to a local receiver, one real credit check
of the company and --checks - 1 stored copies of it spread over the clients (bulk
inserted: the check path has its own benchmark), and --shared of the clients having read
the company by the sharing API (`SharingReceipt`).

Measured, with the task backend being the database one (tasks queued, no worker):
- the decision as the department system sees it: `POST /api/v1/repairs/{n}/decide`
  (outcome repair) through the real API stack (token, scope, service, kernel transition,
  answer with the application's steps);
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
DB_NAME = "credit_repair_bench"
DSN = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"
RECEIVER_PORT = 8113

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

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            c.execute(f"CREATE DATABASE {DB_NAME}")
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

    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from tests.collection.samples import write_csv
    from tests.portal.conftest import _company_penalty

    from credit.accounts import services as accounts
    from credit.accounts.models import ApiClient, Department, Scope
    from credit.checks.models import CheckSubject, CreditCheck
    from credit.checks.store import run_check
    from credit.collection import services as collection
    from credit.core.actors import Actor
    from credit.facts import events
    from credit.notices import receipts, services, webhooks
    from credit.notices.models import Notice, SharingReceipt
    from credit.records.models import Record
    from credit.repairs import services as repairs

    system = Actor.system("基准测试")
    accounts.seed_departments(system)
    scjg = Department.objects.get(name="本溪市市场监督管理局")
    other = Department.objects.exclude(pk=scjg.pk).first()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    decided = dt.date.today() - dt.timedelta(days=130)
    path = write_csv(out / "repair-penalty.csv", [_company_penalty(971, decided, "罚款三千元")])
    batch = collection.submit_file(
        system,
        dataset_code="penalty",
        department=scjg,
        fileobj=path,
        filename=path.name,
        run_now=True,
    )
    assert batch.state == "done", batch.message
    record = Record.objects.get(doc_number="本市监罚〔2026〕971号")
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

    decider = accounts.create_client(system, "市场监管信用修复系统", scjg, [Scope.REPAIRS_DECIDE])
    token = accounts.issue_token(system, decider)
    app, _code = repairs.submit(
        Actor.system("信用修复申请（门户）"),
        record,
        applicant_name="李四",
        applicant_phone="13800000000",
        commitment_signed_name="李四",
        commitment_accepted=True,
        uploads=[SimpleUploadedFile("罚款缴纳凭证.pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    repairs.accept(Actor.for_client(decider), app, "材料齐全")
    events.deliver_pending()  # the setup's own events, not measured
    Notice.objects.all().delete()

    # The process's first request loads the URL conf and builds the API (seconds on a
    # loaded machine): a read of the same application through the same stack warms it.
    auth = {"Authorization": f"Bearer {token}"}
    w0 = time.perf_counter()
    warm = Client(HTTP_HOST="localhost").get(f"/api/v1/repairs/{app.tracking_number}", headers=auth)
    assert warm.status_code == 200, warm.content
    print(
        f"first request of the process (GET the application, cold): {(time.perf_counter() - w0) * 1000:.0f} ms"
    )
    w1 = time.perf_counter()
    Client(HTTP_HOST="localhost").get(f"/api/v1/repairs/{app.tracking_number}", headers=auth)
    print(f"GET the application (warm): {(time.perf_counter() - w1) * 1000:.0f} ms")
    print(f"load average at the decision: {os.getloadavg()}")

    try:
        t0 = time.perf_counter()
        answer = Client(HTTP_HOST="localhost").post(
            f"/api/v1/repairs/{app.tracking_number}/decide",
            {"outcome": "repair", "reason": "基准：已履行处罚决定"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        t1 = time.perf_counter()
        assert answer.status_code == 200, answer.content
        assert Record.objects.get(pk=record.pk).visibility == "repaired"
        counts = events.deliver_pending()
        t2 = time.perf_counter()
        notices = Notice.objects.filter(action="repaired").count()
        print(f"decision (POST .../decide, HTTP 200): {(t1 - t0) * 1000:.0f} ms")
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
