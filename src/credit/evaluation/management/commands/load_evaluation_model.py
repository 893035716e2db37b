"""`credit load_evaluation_model [FILE]`: load the evaluation model file (the shipped
default when no file is named) as a published version, and optionally grade everyone."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.evaluation import services


class Command(BaseCommand):
    help = "载入信用综合评价模型（默认为系统自带模型），并可立即评价全部主体"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(services.DEFAULT_MODEL))
        parser.add_argument("--force", action="store_true", help="已有现行模型时仍载入为新版本")
        parser.add_argument("--evaluate", action="store_true", help="载入后评价全部主体")

    def handle(self, *args, file, force=False, evaluate=False, **options):
        actor = Actor.system("load_evaluation_model")
        try:
            model = services.load_model(actor, Path(file), force=force)
        except (ServiceError, OSError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        self.stdout.write(f"现行评价模型：{model}")
        if evaluate:
            counts = services.evaluate(actor=actor)
            self.stdout.write(
                f"已评价 {counts['graded']} 个主体，等级变化 {counts['changed']} 个。"
            )
