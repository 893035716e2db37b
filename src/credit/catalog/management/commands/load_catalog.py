"""`credit load_catalog [--dir PATH]`: load the catalog definitions into versioned tables."""

from django.core.management.base import BaseCommand, CommandError

from credit.catalog.services import load_definitions
from credit.core.actors import Actor
from credit.core.errors import ServiceError


class Command(BaseCommand):
    help = "加载信息目录定义（YAML），定义有变化时生成新版本"

    def add_arguments(self, parser):
        parser.add_argument("--dir", dest="directory", default=None, help="定义文件所在目录")

    def handle(self, *args, directory=None, **options):
        try:
            results = load_definitions(Actor.system("load_catalog"), directory)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        for result in results:
            self.stdout.write(
                f"{result.name}（{result.code}）：{result.status_label}，"
                f"当前版本 v{result.version}（{result.filename}）"
            )
        changed = sum(1 for r in results if r.status != "unchanged")
        self.stdout.write(f"共 {len(results)} 个信息事项，{changed} 个有更新。")
