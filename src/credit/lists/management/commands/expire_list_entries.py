"""`credit expire_list_entries`: the daily removal of list entries whose period ended.

Run it once a day (cron or the scheduler of the deployment). Pages and checks already
hide such entries by date; this marks them removed and writes the procedure step.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from credit.lists import services


class Command(BaseCommand):
    help = "将列入期限已届满的名单条目标记为移出"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按指定日期计算（YYYY-MM-DD），默认今天")

    def handle(self, *args, **opts):
        today = None
        if opts["today"]:
            try:
                today = dt.date.fromisoformat(opts["today"])
            except ValueError as exc:
                raise CommandError("日期格式应为 YYYY-MM-DD") from exc
        count = services.expire_entries(today=today)
        self.stdout.write(f"期满移出名单条目 {count} 条")
