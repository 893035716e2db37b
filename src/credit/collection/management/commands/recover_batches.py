"""`credit recover_batches`: find batches whose worker died and queue them again.

Run it before starting the worker (make run does): with no worker alive, every batch still
marked validating/loading was interrupted. Nothing of such a batch was stored, because
loading is one transaction and staging rows are cleared here.
"""

import datetime as dt

from django.core.management.base import BaseCommand

from credit.collection import services
from credit.core.actors import Actor


class Command(BaseCommand):
    help = "将处理中断的批次标记为失败，并可重新排队处理"

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=float,
            default=15,
            help="心跳超过多少分钟视为中断（工作进程启动前可设为 0）",
        )
        parser.add_argument("--rerun", action="store_true", help="标记后重新排队处理")

    def handle(self, *args, **opts):
        batches = services.recover_interrupted(
            Actor.system(label="批次恢复"),
            older_than=dt.timedelta(minutes=opts["older_than_minutes"]),
            rerun_them=opts["rerun"],
        )
        for batch in batches:
            self.stdout.write(
                f"批次 {batch.public_id}（{batch.filename}）：处理中断，"
                + ("已重新排队" if opts["rerun"] else "已标记为失败")
            )
        if not batches:
            self.stdout.write("没有中断的批次")
