"""Working-day clocks of the objection steps across a weekend, a holiday and 调休 workdays
(the 2026 official calendar: 中秋 on Friday 25 September, 国庆 1–7 October, make-up
workdays Sunday 20 September and Saturday 10 October), configurable periods, and the
overdue queues of the credit office and the department."""

from __future__ import annotations

import datetime as dt

import pytest

from credit.applications.models import StepPeriod
from credit.core.actors import Actor
from credit.objections import queries, services
from tests.objections.conftest import company_party, pdf

pytestmark = pytest.mark.django_db


def _submit(portal_data, on):
    objection, _ = services.submit(
        Actor(label="公众申请人"),
        kind="record",
        fact_id=portal_data.public_penalty.pk,
        party=company_party(),
        reason="记录有误",
        uploads=[pdf()],
        channel="portal",
        on=on,
    )
    return objection


def _due(objection, code):
    return objection.application.steps.get(code=code).due_on


def test_each_step_is_due_in_official_working_days(portal_data, admin_user):
    office = Actor.for_user(admin_user)
    # Friday 18 September + 2: Sunday 20th (调休 workday) and Monday 21st.
    objection = _submit(portal_data, dt.date(2026, 9, 18))
    assert _due(objection, "accept") == dt.date(2026, 9, 21)
    # Thursday 24th + 2: 中秋 Friday and the weekend do not count.
    services.accept(office, objection, on=dt.date(2026, 9, 24))
    assert _due(objection, "self_check") == dt.date(2026, 9, 29)
    # Wednesday 30th + 10: the National Day week does not count, Saturday 10 October does.
    services.self_check(office, objection, False, "转协查", on=dt.date(2026, 9, 30))
    assert _due(objection, "verify") == dt.date(2026, 10, 20)


def test_periods_are_data_the_office_may_change(portal_data):
    StepPeriod.objects.filter(kind="objection", code="accept").update(workdays=5)
    objection = _submit(portal_data, dt.date(2026, 9, 18))
    # 20, 21, 22, 23, 24 September.
    assert _due(objection, "accept") == dt.date(2026, 9, 24)


def test_overdue_lists_of_the_office_and_the_department(
    portal_data, admin_user, operator_user, other_operator, auditor_user
):
    office = Actor.for_user(admin_user)
    department = Actor.for_user(operator_user)
    waiting = _submit(portal_data, dt.date(2026, 9, 18))  # accept due 21 September
    verifying = _submit(portal_data, dt.date(2026, 9, 18))
    services.accept(office, verifying, on=dt.date(2026, 9, 21))
    services.self_check(office, verifying, False, "转协查", on=dt.date(2026, 9, 30))
    # The due day itself is in time; the day after it is overdue.
    assert set(queries.overdue(office, dt.date(2026, 9, 21))) == set()
    assert set(queries.overdue(office, dt.date(2026, 9, 22))) == {waiting}
    assert set(queries.overdue(office, dt.date(2026, 10, 21))) == {waiting, verifying}
    # The department sees only what was sent to it for 协查.
    assert set(queries.queue(department)) == {verifying}
    assert set(queries.overdue(department, dt.date(2026, 10, 20))) == set()
    assert set(queries.overdue(department, dt.date(2026, 10, 21))) == {verifying}
    assert set(queries.queue(Actor.for_user(other_operator))) == set()
    assert set(queries.queue(Actor.for_user(auditor_user))) == {waiting, verifying}
    found = queries.filtered(office, {"overdue": "true"}, dt.date(2026, 9, 22)).qs
    assert set(found) == {waiting}
    row = queries.queue(office, dt.date(2026, 9, 22)).get(pk=waiting.pk)
    assert (row.step_label, row.step_due, row.overdue) == ("受理", dt.date(2026, 9, 21), True)
