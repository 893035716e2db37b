"""Paging that stops counting at a cap: "共 N+ 条" instead of a count of the whole log."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credit.audit.models import AccessLog
from credit.audit.services import log_access
from credit.core import paging
from credit.core.actors import Actor
from credit.core.paging import CappedPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def accesses(operator_user):
    actor = Actor.for_user(operator_user)
    for n in range(7):
        log_access(actor, "measures.check", f"信用核查（招标投标）#{n}", subject_id=n)


def test_counts_up_to_the_cap_only(accesses):
    pages = CappedPaginator(AccessLog.objects.order_by("-id"), 2, cap=5)
    with CaptureQueriesContext(connection) as ctx:
        assert pages.capped and pages.num_pages == 3
    assert "LIMIT 6" in ctx.captured_queries[0]["sql"].upper()
    last = pages.get_page(99)
    assert last.number == 3 and not last.has_next()
    assert [e.purpose[-1] for e in last] == ["2", "1"]  # the newest five, then it stops


def test_below_the_cap_it_is_an_ordinary_paginator(accesses):
    pages = CappedPaginator(AccessLog.objects.order_by("-id"), 2, cap=50)
    assert not pages.capped and pages.count == 7 and pages.num_pages == 4


def test_pages_say_plus_and_how_to_find_older_rows(client, admin_user, accesses, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    client.force_login(admin_user)
    page = client.get("/console/audit/access/", {"page": "1"}).content.decode()
    assert "共 5+ 条" in page
    page = client.get("/console/audit/access/", {"page": "99"}).content.decode()
    assert "仅列出最近 5 条" in page
