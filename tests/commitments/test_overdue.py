"""The verification clock: default due dates in working days (the core calendar, holidays
and make-up days), the due day itself in time, overdue lists per department and for the
credit office."""

from __future__ import annotations

import datetime as dt

import pytest

from credit.collection import services as collection
from credit.commitments import queries, services
from credit.commitments.models import Commitment
from credit.core import deadlines, workdays
from credit.core.actors import Actor

from .samples import commitment_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar():
    workdays.reset_cache()
    yield
    workdays.reset_cache()


def _send(dept, rows):
    batch = collection.submit_rows(
        Actor.system(), dataset_code="commitment", department=dept, items=rows
    )
    assert batch.state == "done", batch.message
    return batch


def test_default_due_date_counts_working_days_across_national_day(catalog, scjg, settings):
    settings.CREDIT_COMMITMENT_VERIFY_WORKDAYS = 5
    made = dt.date(2026, 9, 30)
    _send(scjg, [commitment_row(1, made=made, 核查期限="")])
    commitment = Commitment.objects.get()
    # 5 working days from 30 September skip the National Day week.
    assert commitment.due_on == deadlines.due_date(made, 5)
    assert commitment.due_on > dt.date(2026, 10, 7)
    assert workdays.workdays_between(made, commitment.due_on) == 5


def test_overdue_the_day_after_the_due_day(
    catalog, scjg, sthj, operator_user, other_operator, admin_user
):
    friday = dt.date(2026, 10, 30)
    _send(scjg, [commitment_row(1, made=dt.date(2026, 10, 1), 核查期限="2026/10/30")])
    sthj_row = commitment_row(
        2,
        made=dt.date(2026, 10, 1),
        核查期限="2026/10/30",
        受理单位=sthj.name,
        受理单位统一社会信用代码=sthj.uscc,
        数据来源单位=sthj.name,
        数据来源单位统一社会信用代码=sthj.uscc,
    )
    _send(sthj, [sthj_row])
    scjg_actor = Actor.for_user(operator_user)
    office = Actor.for_user(admin_user)
    # The due day (a Friday) is still in time; the weekend after it is overdue.
    assert not queries.overdue(scjg_actor, friday).exists()
    saturday = friday + dt.timedelta(days=1)
    assert [c.code[-1] for c in queries.overdue(scjg_actor, saturday)] == ["1"]
    assert [c.code[-1] for c in queries.overdue(Actor.for_user(other_operator), saturday)] == ["2"]
    assert sorted(c.code[-1] for c in queries.overdue(office, saturday)) == ["1", "2"]
    commitment = Commitment.objects.get(code__endswith="1")
    assert queries.due_state(commitment, friday) == "due"
    assert queries.due_state(commitment, saturday) == "overdue"
    # Verified: no longer overdue.
    services.mark_kept(commitment, actor=scjg_actor)
    assert not queries.overdue(scjg_actor, saturday).exists()
    assert queries.due_state(Commitment.objects.get(pk=commitment.pk), saturday) == "verified"


def test_a_year_the_calendar_lacks_leaves_no_due_date(catalog, scjg, settings):
    from credit.core.models import CalendarYear  # noqa: F401

    settings.CREDIT_COMMITMENT_VERIFY_WORKDAYS = 0
    _send(scjg, [commitment_row(1, made=dt.date(2026, 9, 30), 核查期限="")])
    assert Commitment.objects.get().due_on is None
