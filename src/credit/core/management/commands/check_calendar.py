"""`credit check_calendar`: is the working-day calendar ready for this year and next year?

For the operator's monitoring cron. Exit status: 0 nothing to do, 1 warning (next year
not entered and it is November or later) or error (this year not entered).
"""

import sys

from django.core.management.base import BaseCommand

from credit.core.cli import date_option
from credit.core.workdays import CalendarLevel, calendar_status

LEVEL_LABELS = {
    CalendarLevel.NONE: "正常",
    CalendarLevel.WARNING: "警告",
    CalendarLevel.ERROR: "错误",
}

ENTERED = {True: "已录入", False: "未录入"}


class Command(BaseCommand):
    help = "检查工作日历是否已包含今年和明年的节假日安排（需处理时退出码为 1）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期检查（YYYY-MM-DD），默认今天")

    def handle(self, *args, **options):
        today = date_option(options["date"])
        status = calendar_status(today)
        self.stdout.write(
            f"工作日历检查（{today.isoformat()}）：{LEVEL_LABELS[status.level]}\n"
            f"{status.this_year} 年：{ENTERED[status.this_year_known]}；"
            f"{status.next_year} 年：{ENTERED[status.next_year_known]}；"
            f"已知年份：{status.known_label}\n"
            f"{status.message}"
        )
        if status.needs_attention:
            sys.exit(1)
