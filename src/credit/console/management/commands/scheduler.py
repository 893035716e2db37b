"""`credit scheduler`: queues the registered daily jobs once a day (and once at start).

The jobs are whatever the apps registered in `credit.core.jobs` (each app in its
`AppConfig.ready()`); each is queued as its own background task, so one failing does not
stop the others. django-tasks has no periodic scheduler; production can use cron or a
systemd timer running `credit scheduler --once` instead. The jobs are idempotent, so a
second run on the same day changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

log = logging.getLogger(__name__)

DAILY_AT = dt.time(0, 30)


def queue_daily_jobs() -> list[tuple[str, str]]:
    """Queue one task per registered job: (job label, task id or the queuing error)."""
    from credit.core import jobs
    from credit.core.tasks import run_daily_job

    queued = []
    for job in jobs.daily_jobs():
        try:
            queued.append((job.label_zh, str(run_daily_job.enqueue(job.name).id)))
        except Exception as exc:
            # Queuing one job must not keep the others from their day.
            log.exception("daily job %s could not be queued", job.name)
            queued.append((job.label_zh, f"排队失败（{type(exc).__name__}）"))
    return queued


def next_run(now: dt.datetime) -> dt.datetime:
    today_run = timezone.make_aware(dt.datetime.combine(now.date(), DAILY_AT))
    return today_run if now < today_run else today_run + dt.timedelta(days=1)


class Command(BaseCommand):
    help = "每日定时任务：排队执行各模块登记的每日任务（启动时先执行一次）；--list 列出已登记的任务"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只排队一次后退出（供 cron 使用）")
        parser.add_argument("--list", action="store_true", help="列出已登记的每日任务后退出")

    def handle(self, *args, **opts):
        if opts["list"]:
            from credit.core import jobs

            for job in jobs.daily_jobs():
                self.stdout.write(f"{job.name}\t{job.label_zh}")
            return
        while True:
            queued = queue_daily_jobs()
            shown = "；".join(f"{label} {task}" for label, task in queued) or "无"
            self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M} 已排队每日任务：{shown}")
            if opts["once"]:
                return
            wake = next_run(timezone.localtime())
            time.sleep(max(1.0, (wake - timezone.localtime()).total_seconds()))
