"""A list entry removed: the system whose check showed it is told (名单条目移出)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from credit.checks.store import run_check
from credit.core.actors import Actor
from credit.facts import events
from credit.lists import services as lists
from credit.notices.models import Notice
from tests.checks.test_checks_helpers import make_subject, put_on_list, uscc
from tests.notices.conftest import make_client

pytestmark = pytest.mark.django_db


def test_removed_list_entry_reaches_the_system_that_checked_it(
    sthj, django_capture_on_commit_callbacks
):
    listed = make_subject("本溪市名单通知测试有限公司", code=uscc(300001))
    # Listed more than a year ago, so early removal may be applied for.
    entry = put_on_list(
        listed, "samr_serious_violation", start=timezone.localdate() - dt.timedelta(days=400)
    )
    checker, _token = make_client("政府采购系统", sthj, ["checks:run", "notices:read"])
    check = run_check(
        Actor.for_client(checker), "bidding", [{"uscc": listed.uscc}], purpose="采购资格审查"
    )
    assert check.hit_count == 1
    lists.remove(Actor.system("测试"), entry, "信用修复，提前移出")
    with django_capture_on_commit_callbacks(execute=True):
        events.deliver_pending()
    notice = Notice.objects.get(recipient__client=checker)
    assert (notice.fact_kind, notice.action, notice.check_ids) == (
        "list_entry",
        "removed",
        [check.pk],
    )
    assert notice.document_number == entry.decision_number
    assert notice.change == f"该名单条目已于 {timezone.localdate().isoformat()} 移出名单"
