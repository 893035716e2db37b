import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from credit.console.management.commands.scheduler import next_run


def test_next_run_is_half_past_midnight():
    tz = timezone.get_current_timezone()
    before = dt.datetime(2026, 11, 27, 0, 10, tzinfo=tz)
    after = dt.datetime(2026, 11, 27, 9, 0, tzinfo=tz)
    assert next_run(before) == dt.datetime(2026, 11, 27, 0, 30, tzinfo=tz)
    assert next_run(after) == dt.datetime(2026, 11, 28, 0, 30, tzinfo=tz)


@pytest.mark.django_db
def test_once_runs_the_daily_jobs(capsys):
    call_command("scheduler", "--once")
    assert "已排队每日任务" in capsys.readouterr().out
