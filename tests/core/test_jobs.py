"""core.jobs: apps register their daily jobs; `credit scheduler` runs each one, isolated."""

from __future__ import annotations

import logging

import pytest
from django.core.management import call_command

from credit.core import jobs


@pytest.fixture
def test_jobs():
    """A failing job registered before a working one; what ran is in the returned list."""
    ran: list[str] = []

    def broken(job_id):
        ran.append("broken")
        raise RuntimeError("测试任务出错")

    def working(job_id):
        ran.append(f"working {job_id}")
        return 3

    jobs.register_daily("tests.broken", broken, "测试：出错的任务")
    jobs.register_daily("tests.working", working, "测试：正常的任务")
    yield ran
    jobs.unregister("tests.broken")
    jobs.unregister("tests.working")


def test_the_apps_register_their_daily_jobs():
    registered = {job.name: job.label_zh for job in jobs.daily_jobs()}
    assert registered["records.end_expired_windows"] == "结束到期公示"
    assert registered["lists.expire_entries"] == "移出到期名单"
    assert registered["collection.purge_source_files"] == "删除超过保存期限的源文件"


def test_a_failing_job_does_not_stop_the_others_and_is_logged(test_jobs, caplog):
    mine = [jobs.get("tests.broken"), jobs.get("tests.working")]
    with caplog.at_level(logging.INFO, logger="credit.core.jobs"):
        outcomes = [jobs.run_one(job, job_id="manual") for job in mine]
    assert test_jobs == ["broken", "working manual"]
    assert [(o.ok, o.result) for o in outcomes] == [(False, None), (True, 3)]
    assert outcomes[0].error == "RuntimeError: 测试任务出错"
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failed) == 1 and "tests.broken" in failed[0].getMessage()
    assert failed[0].exc_info is not None
    assert any(
        "tests.working" in r.getMessage() and "done" in r.getMessage() for r in caplog.records
    )


def test_registering_again_replaces_and_a_label_is_required(test_jobs):
    jobs.register_daily("tests.working", lambda job_id: 4, "测试：正常的任务")
    assert [j.name for j in jobs.daily_jobs()].count("tests.working") == 1
    assert jobs.run_one(jobs.get("tests.working")).result == 4
    with pytest.raises(ValueError):
        jobs.register_daily("tests.nameless", lambda job_id: None, "")
    with pytest.raises(jobs.UnknownJob):
        jobs.get("tests.nameless")


@pytest.mark.django_db
def test_the_scheduler_runs_whatever_is_registered(test_jobs, capsys):
    call_command("scheduler", "--once")
    out = capsys.readouterr().out
    # Each job is its own task: the broken one ran and failed, the next one still ran.
    assert test_jobs[0] == "broken"
    assert test_jobs[1].startswith("working task:")
    assert "测试：出错的任务" in out and "测试：正常的任务" in out and "结束到期公示" in out


def test_the_scheduler_lists_the_registered_jobs(test_jobs, capsys):
    call_command("scheduler", "--list")
    lines = capsys.readouterr().out.splitlines()
    assert "tests.working\t测试：正常的任务" in lines
    assert "lists.expire_entries\t移出到期名单" in lines
