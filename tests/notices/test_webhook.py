"""Webhook push to a real HTTP receiver: signed, retried with backoff, never reordered."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.utils import timezone

from credit.checks.store import run_check
from credit.core.actors import Actor
from credit.facts import events
from credit.notices import webhooks
from credit.notices.models import DeliveryAttempt, Recipient
from credit.records import services as record_services
from tests.notices.support import import_penalties

pytestmark = pytest.mark.django_db


class Receiver:
    """A local HTTP server: the first request answers 500, the second hangs past the
    platform's timeout, every later one 204. Keeps every request it got."""

    def __init__(self):
        self.got: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.got.append({"headers": dict(self.headers), "body": body})
                n = len(receiver.got)
                if n == 2:
                    time.sleep(2.5)
                status = 500 if n <= 2 else 204
                try:
                    self.send_response(status)
                    self.end_headers()
                except OSError:
                    pass  # the platform gave up waiting (the timeout being tested)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/credit/notices"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _put(token, url):
    return Client().put(
        "/api/v1/notices/webhook",
        {"url": url},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_webhook_refuses_unsafe_addresses(world, settings):
    settings.CREDIT_NOTICE_WEBHOOK_ALLOWED_HOSTS = []
    for url, why in (
        ("http://127.0.0.1:8080/hook", "内网"),
        ("http://10.1.2.3/hook", "内网"),
        ("http://[::1]/hook", "内网"),
        ("ftp://example.com/hook", "http"),
        ("http://user:pw@example.com/hook", "用户名"),
        ("not a url", "http"),
    ):
        response = _put(world.checker_token, url)
        assert response.status_code == 400, (url, response.content)
        assert why in response.json()["message"], url
    assert not Recipient.objects.exclude(webhook_url="").exists()
    # A staff session is no system: it has no push address of its own.


def test_failed_pushes_are_retried_in_order_with_a_valid_signature(
    world, operator_user, scjg, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.CREDIT_NOTICE_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.CREDIT_NOTICE_WEBHOOK_TIMEOUT = 1
    owner = Actor.for_user(operator_user)
    second = import_penalties(scjg, tmp_path, [941])[0]
    run_check(
        Actor.for_client(world.checker), "bidding", [{"uscc": world.company.uscc}], purpose="复核"
    )

    with Receiver() as receiver:
        response = _put(world.checker_token, receiver.url)
        assert response.status_code == 200, response.content
        secret = response.json()["secret"]
        assert len(secret) >= 32

        for record in (world.record, second):
            record_services.withdraw(owner, record, "处罚决定已被撤销")
            with django_capture_on_commit_callbacks(execute=True):
                events.deliver_pending()
        # The first POST failed (500); the second notice waits behind the first.
        assert len(receiver.got) == 1
        recipient = Recipient.objects.get(client=world.checker)
        assert (recipient.last_seq, recipient.delivered_seq, recipient.failures) == (2, 0, 1)
        assert recipient.next_attempt_at > timezone.now()

        # Not due yet: nothing is sent.
        assert webhooks.deliver_due()["sent"] == 0
        later = timezone.now() + dt.timedelta(hours=1)
        assert webhooks.deliver_due(later) == {"recipients": 1, "sent": 0, "failed": 1}
        assert webhooks.deliver_due(later + dt.timedelta(hours=1)) == {
            "recipients": 1,
            "sent": 2,
            "failed": 0,
        }
        assert webhooks.deliver_due(later + dt.timedelta(hours=2))["recipients"] == 0

    bodies = [json.loads(r["body"]) for r in receiver.got]
    assert [b["cursor"] for b in bodies] == [1, 1, 1, 2]
    assert [b["fact"]["document_number"] for b in bodies[2:]] == [
        world.record.doc_number,
        second.doc_number,
    ]
    for request in receiver.got:
        headers = request["headers"]
        stamp = headers["X-Credit-Timestamp"]
        expected = hmac.new(
            secret.encode(), stamp.encode() + b"." + request["body"], hashlib.sha256
        ).hexdigest()
        assert headers["X-Credit-Signature"] == f"sha256={expected}"
        assert headers["X-Credit-Notice-Id"] == json.loads(request["body"])["id"]
        assert abs(int(stamp) - time.time()) < 600

    attempts = list(
        DeliveryAttempt.objects.filter(notice__seq=1, recipient__client=world.checker)
        .order_by("id")
        .values_list("ok", "status_code")
    )
    assert attempts == [(False, 500), (False, None), (True, 204)]
    timed_out = DeliveryAttempt.objects.filter(ok=False, status_code=None).get()
    assert "timed out" in timed_out.error or "Timeout" in timed_out.error
    recipient.refresh_from_db()
    assert (recipient.delivered_seq, recipient.failures, recipient.next_attempt_at) == (2, 0, None)


def test_delivery_log_in_the_admin_is_read_only_and_chinese(world, admin_user):
    client = Client()
    client.force_login(admin_user)
    page = client.get("/admin/notices/deliveryattempt/")
    assert page.status_code == 200
    assert "通知推送记录" in page.content.decode()
    assert client.get("/admin/notices/deliveryattempt/add/").status_code == 403
    page = client.get("/admin/notices/recipient/add/")
    assert page.status_code == 200
    assert "回调地址" in page.content.decode()
