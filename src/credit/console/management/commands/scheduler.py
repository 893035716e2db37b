"""`credit scheduler`: queues the daily jobs once a day (and once at start).

django-tasks has no periodic scheduler; production can use cron or a systemd timer
running `credit scheduler --once` instead. The jobs are idempotent, so a second run on
the same day changes nothing.
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

DAILY_AT = dt.time(0, 30)


def queue_daily_jobs() -> list[str]:
    from credit.collection.tasks import purge_source_files_task
    from credit.lists.tasks import expire_list_entries_task
    from credit.records.tasks import end_expired_windows_task

    return [
        str(end_expired_windows_task.enqueue().id),
        str(expire_list_entries_task.enqueue().id),
        str(purge_source_files_task.enqueue().id),
    ]


def next_run(now: dt.datetime) -> dt.datetime:
    today_run = timezone.make_aware(dt.datetime.combine(now.date(), DAILY_AT))
    return today_run if now < today_run else today_run + dt.timedelta(days=1)


class Command(BaseCommand):
    help = "每日定时任务：结束到期公示、移出到期名单、删除超过保存期限的源文件（启动时先执行一次）"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只排队一次后退出（供 cron 使用）")

    def handle(self, *args, **opts):
        while True:
            ids = queue_daily_jobs()
            self.stdout.write(
                f"{timezone.localtime():%Y-%m-%d %H:%M} 已排队每日任务：{', '.join(ids)}"
            )
            if opts["once"]:
                return
            wake = next_run(timezone.localtime())
            time.sleep(max(1.0, (wake - timezone.localtime()).total_seconds()))
