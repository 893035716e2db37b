"""`credit seed_demo`: the deterministic Benxi demo, imported through the real pipeline."""

import time

from django.core.management.base import BaseCommand, CommandError

from credit.collection.demo.seed import seed_demo
from credit.records.models import Record


class Command(BaseCommand):
    help = "生成本溪演示数据（约 5000 个主体、2 万条许可、5000 条处罚），经真实导入流程入库"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="数据库已有记录时仍然导入")
        parser.add_argument("--subjects", type=int, default=5000)
        parser.add_argument("--licences", type=int, default=20000)
        parser.add_argument("--penalties", type=int, default=5000)

    def handle(self, *args, **opts):
        if Record.objects.exists() and not opts["force"]:
            self.stdout.write("数据库中已有信用记录，跳过演示数据导入（使用 --force 强制导入）")
            return
        started = time.monotonic()
        self.stdout.write("正在生成并导入演示数据……")
        try:
            totals = seed_demo(
                opts["subjects"], opts["licences"], opts["penalties"], log=self.stdout.write
            )
        except KeyError as exc:
            raise CommandError(f"缺少演示所需的部门：{exc}（请先运行 credit setup_demo）") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据导入完成：{totals.get('rows', 0)} 条记录，用时 {time.monotonic() - started:.0f} 秒"
            )
        )
