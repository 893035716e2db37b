"""Daily jobs: a registry the apps fill and `credit scheduler` runs.

An app registers each of its daily jobs in its `AppConfig.ready()`:

    jobs.register_daily("records.end_windows", end_windows, "结束到期公示")

`func(job_id)` does the work through the app's services and returns a summary (a count, a
dict) for the log; it must be idempotent, since cron, a restart or a second scheduler may
run it twice on one day. `job_id` names the run in the change log (`task:<id>`).

`credit scheduler` queues one background task per registered job (`core.tasks`), so the
jobs run and fail separately; `run_one` logs each run's start, outcome and duration, and
a failure never stops the next job.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DailyJob:
    name: str
    func: Callable[[str], Any]
    label_zh: str


@dataclass(frozen=True)
class Outcome:
    """How one run of a job ended: `result` when it succeeded, `error` when it failed."""

    job: DailyJob
    ok: bool
    result: Any = None
    error: str = ""
    seconds: float = 0.0


class UnknownJob(LookupError):
    pass


_lock = threading.Lock()
_jobs: dict[str, DailyJob] = {}


def register_daily(name: str, func: Callable[[str], Any], label_zh: str) -> DailyJob:
    """Register (or replace: `ready()` may run twice) the daily job `name`."""
    if not label_zh:
        raise ValueError(f"daily job {name} needs a Chinese label")
    job = DailyJob(name, func, label_zh)
    with _lock:
        _jobs[name] = job
    return job


def unregister(name: str) -> None:
    with _lock:
        _jobs.pop(name, None)


def daily_jobs() -> list[DailyJob]:
    """The registered jobs, in registration order (the apps' order in INSTALLED_APPS)."""
    return list(_jobs.values())


def get(name: str) -> DailyJob:
    try:
        return _jobs[name]
    except KeyError:
        raise UnknownJob(f"no daily job named {name!r}") from None


def run_one(job: DailyJob, job_id: str = "") -> Outcome:
    """Run one job now, in this process. Never raises: the failure is logged and returned."""
    started = time.perf_counter()
    log.info("daily job %s (%s) started %s", job.name, job.label_zh, job_id)
    try:
        result = job.func(job_id)
    except Exception as exc:
        seconds = time.perf_counter() - started
        log.exception("daily job %s (%s) failed after %.1fs", job.name, job.label_zh, seconds)
        return Outcome(job, False, error=f"{type(exc).__name__}: {exc}", seconds=seconds)
    seconds = time.perf_counter() - started
    log.info("daily job %s (%s) done in %.1fs: %s", job.name, job.label_zh, seconds, result)
    return Outcome(job, True, result=result, seconds=seconds)


def run_all(job_id: str = "") -> list[Outcome]:
    """Run every registered job now, one after another, each isolated from the others."""
    return [run_one(job, job_id) for job in daily_jobs()]
