"""Issue 13 "Done when", for repair: a penalty past its minimum period is repaired end to
end (portal API application with materials → acceptance → decision through the
department API); it leaves the
portal, the public API, search counts, the sharing API and credit check answers at once;
the client that checked the subject before gets the notice by pull and by webhook (a real
HTTP receiver failing the first two deliveries); the change log shows every step; a
revoked repair restores the fact; the applicant's status API shows every step."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.utils import timezone

from credit.accounts.models import Scope
from credit.audit.models import ChangeLog
from credit.checks.store import run_check
from credit.core.actors import Actor
from credit.facts import events
from credit.notices import webhooks
from credit.notices.models import DeliveryAttempt
from credit.repairs.models import RepairApplication
from tests.notices.conftest import make_client
from tests.repairs.conftest import NEW_DOC, OLD_DOC
from tests.repairs.test_repair_portal import apply_by_api, upload

pytestmark = pytest.mark.django_db


class FailingTwice:
    """A local HTTP receiver answering 500 to the first two POSTs, 204 to the rest."""

    def __init__(self):
        self.got: list[bytes] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                receiver.got.append(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(500 if len(receiver.got) <= 2 else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/notices"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _api(token, method, path, body=None):
    client = Client()
    headers = {"Authorization": f"Bearer {token}"}
    if method == "get":
        return client.get(path, body or {}, headers=headers)
    return client.post(path, body or {}, content_type="application/json", headers=headers)


def test_penalty_repaired_end_to_end_and_every_consumer_told(
    repair_world, scjg, settings, django_capture_on_commit_callbacks
):
    settings.CREDIT_NOTICE_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    world = repair_world
    _, decider = make_client("市场监管信用修复系统", scjg, [Scope.REPAIRS_DECIDE])
    company = world.company
    search_before = Client().get("/api/v1/public/subjects", {"q": company.uscc}).json()

    with FailingTwice() as receiver:
        hook = Client().put(
            "/api/v1/notices/webhook",
            {"url": receiver.url},
            content_type="application/json",
            headers={"Authorization": f"Bearer {world.checker_token}"},
        )
        assert hook.status_code == 200, hook.content

        settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 1_000
        applied = apply_by_api(world.old_penalty, upload(), upload("营业执照.pdf"))
        assert applied.status_code == 201, applied.content
        made = applied.json()
        app = RepairApplication.objects.get(tracking_number=made["tracking_number"])
        assert app.application.materials.count() == 2
        base = f"/api/v1/repairs/{app.tracking_number}"
        assert _api(decider, "post", f"{base}/accept", {"note": "材料齐全"}).status_code == 200
        decided = _api(decider, "post", f"{base}/decide", {"outcome": "repair", "reason": "已履行"})
        assert decided.status_code == 200, decided.content

        # The same minute, everywhere: portal page, public API, search counts, sharing, checks.
        assert OLD_DOC not in Client().get(f"/subjects/{company.public_id}/").content.decode()
        profile = Client().get(f"/api/v1/public/subjects/{company.public_id}").content.decode()
        assert OLD_DOC not in profile and NEW_DOC in profile
        search_after = Client().get("/api/v1/public/subjects", {"q": company.uscc}).json()
        assert search_after["items"][0]["penalties"] == search_before["items"][0]["penalties"] - 1
        shared = _api(
            world.reader_token,
            "get",
            f"/api/v1/shared/subjects/{company.public_id}/records",
            {"purpose": "环评审批核查"},
        ).content.decode()
        assert OLD_DOC not in shared and NEW_DOC in shared
        again = run_check(
            Actor.for_client(world.checker), "bidding", [{"uscc": company.uscc}], purpose="复核"
        )
        assert OLD_DOC not in json.dumps(again.answer, ensure_ascii=False)

        # The outbox tells the notices subscriber (the test's transaction never commits, so
        # deliver as the daily job does).
        with django_capture_on_commit_callbacks(execute=True):
            events.deliver_pending()

        # Pull.
        page = _api(world.checker_token, "get", "/api/v1/notices", {"after": 0}).json()
        repaired = [n for n in page["notices"] if n["kind"] == "repaired"]
        assert len(repaired) == 1
        notice = repaired[0]
        assert notice["fact"]["document_number"] == OLD_DOC
        assert notice["check_ids"] == [world.check.pk]
        assert notice["change"] == f"该记录已于 {timezone.localdate().isoformat()} 信用修复"

        # Push: the first POST failed; retried with backoff until the receiver takes it.
        assert len(receiver.got) == 1
        later = timezone.now() + dt.timedelta(hours=1)
        assert webhooks.deliver_due(later)["failed"] == 1
        sent = webhooks.deliver_due(later + dt.timedelta(hours=1))
        assert sent["sent"] >= 1 and sent["failed"] == 0
    pushed = [json.loads(body) for body in receiver.got]
    assert [b["id"] for b in pushed[:3]] == [notice["id"]] * 3
    assert pushed[2]["kind"] == "repaired"
    attempts = list(
        DeliveryAttempt.objects.filter(notice__uid=notice["id"])
        .order_by("id")
        .values_list("status_code", flat=True)
    )
    assert attempts == [500, 500, 204]

    # The change log shows every step, in words an auditor reads.
    steps = list(
        ChangeLog.objects.filter(object_type="RepairApplication", object_id=str(app.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert steps == ["repair.submitted", "repair.accepted", "repair.decided"]
    assert list(
        ChangeLog.objects.filter(object_type="Application", object_id=app.tracking_number)
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["application.create", "application.step", "application.step", "application.close"]
    status = (
        Client()
        .get(
            f"/api/v1/public/applications/{app.tracking_number}",
            headers={"X-Query-Code": made["query_code"]},
        )
        .json()
    )
    assert status["outcome"] == "准予修复"
    assert [(s["step"], s["result"]) for s in status["steps"]] == [
        ("受理", "已受理"),
        ("决定", "准予修复"),
    ]
    assert ChangeLog.objects.filter(
        action="record_repaired", object_id=str(world.old_penalty.pk)
    ).exists()

    # Revoked: the fact is public and shared again.
    revoked = _api(
        decider,
        "post",
        f"{base}/revoke",
        {"reason": "缴款凭证经核实系伪造", "document_number": "本市监撤修〔2026〕2号"},
    )
    assert revoked.status_code == 200, revoked.content
    assert revoked.json()["state"] == "revoked" and revoked.json()["barred_until"]
    profile = Client().get(f"/api/v1/public/subjects/{company.public_id}").content.decode()
    assert OLD_DOC in profile
