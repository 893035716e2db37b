"""`credit recover_batches`: find batches whose worker died and queue them again.

A batch counts as interrupted only when no live process holds it (collection.liveness), so
this is safe to run at any time, also while workers run (`credit worker` runs it at an
interval). Nothing of such a batch was stored, because loading is one transaction and
staging rows are cleared here. A batch already started CREDIT_BATCH_MAX_ATTEMPTS times is
failed with a reason for the department instead of being queued again.
"""

import datetime as dt

from django.core.management.base import BaseCommand

from credit.collection import services
from credit.collection.models import BatchState
from credit.core.actors import Actor


class Command(BaseCommand):
    help = "将处理中断的批次标记为失败，并可重新排队处理"

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=float,
            default=0,
            help="只处理心跳早于若干分钟的中断批次（进程是否存活另行判断，不以时间为准）",
        )
        parser.add_argument("--rerun", action="store_true", help="标记后重新排队处理")

    def handle(self, *args, **opts):
        batches = services.recover_interrupted(
            Actor.system(label="批次恢复"),
            older_than=dt.timedelta(minutes=opts["older_than_minutes"]),
            rerun_them=opts["rerun"],
        )
        for batch in batches:
            if batch.state == BatchState.RECEIVED:
                outcome = "已重新排队"
            elif batch.message.startswith("处理该文件时"):
                outcome = "已多次导致处理进程中断，不再自动重试"
            else:
                outcome = "已标记为失败"
            self.stdout.write(f"批次 {batch.public_id}（{batch.filename}）：处理中断，{outcome}")
        if not batches:
            self.stdout.write("没有中断的批次")
