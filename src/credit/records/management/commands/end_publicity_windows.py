"""`credit end_publicity_windows`: the daily publicity job, for cron or a systemd timer."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from credit.core.cli import date_option
from credit.records import services


class Command(BaseCommand):
    help = "结束已到期的公示期，并开始已到起始日的公示（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期处理（YYYY-MM-DD），默认今天")

    def handle(self, *args, **options):
        today = date_option(options["date"])
        job_id = f"command:{timezone.now():%Y%m%dT%H%M%S}"
        changed = services.end_expired_windows(today=today, job_id=job_id)
        self.stdout.write(f"{today.isoformat()}：{changed} 条记录的公示状态已更新")
