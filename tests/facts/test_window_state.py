"""The window state has one definition: `state_on` (what writers store) and `window_is`
(what readers and the daily job filter by) agree on every combination of dates."""

from __future__ import annotations

import datetime as dt

import pytest

from credit.records import exposure
from credit.records.models import Record, Visibility
from tests.checks.test_checks_helpers import catalog, import_penalty, uscc  # noqa: F401

DAY = dt.date(2026, 6, 15)
WINDOWS = [
    (None, None),
    (DAY, None),
    (DAY - dt.timedelta(days=1), None),
    (DAY + dt.timedelta(days=1), None),
    (DAY - dt.timedelta(days=30), DAY),
    (DAY - dt.timedelta(days=30), DAY - dt.timedelta(days=1)),
    (DAY, DAY),
    (DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=30)),
    (DAY - dt.timedelta(days=30), DAY + dt.timedelta(days=30)),
]
STATES = [Visibility.NOT_PUBLISHED, Visibility.PENDING, Visibility.PUBLIC, Visibility.ENDED]


@pytest.mark.django_db
def test_window_condition_agrees_with_state_on(import_penalty):  # noqa: F811
    import_penalty(81)
    record = Record.objects.get(subject__uscc=uscc(81))
    for public_from, public_until in WINDOWS:
        Record.objects.filter(pk=record.pk).update(
            public_from=public_from, public_until=public_until
        )
        matched = [
            state
            for state in STATES
            if Record.objects.filter(exposure.window_is(state, DAY), pk=record.pk).exists()
        ]
        assert matched == [exposure.state_on(public_from, public_until, DAY)], (
            public_from,
            public_until,
        )


def test_stored_state_lets_withdrawal_win():
    assert exposure.stored_state(DAY, None, True, DAY) == Visibility.WITHDRAWN
    assert exposure.stored_state(DAY, None, False, DAY) == Visibility.PUBLIC
    with pytest.raises(ValueError):
        exposure.window_is(Visibility.WITHDRAWN, DAY)
