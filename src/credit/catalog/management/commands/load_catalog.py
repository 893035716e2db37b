"""`credit load_catalog [FILE ...] [--dir PATH]`: load catalog definitions into versioned tables.

Without arguments the shipped definitions are loaded. A definition exported from the
admin (导出 YAML) is loaded by naming its file. Any bad file stops the whole load before
anything is written, and every bad file is reported; the exit code is then 2.
"""

from django.core.management.base import BaseCommand, CommandError

from credit.catalog.definition import DefinitionError
from credit.catalog.services import (
    DefinitionFilesInvalid,
    load_definitions,
    load_files,
)
from credit.core.actors import Actor
from credit.core.errors import ServiceError


class Command(BaseCommand):
    help = "加载信息目录定义（YAML）：不带参数时加载系统自带的定义，也可指定一个或多个定义文件；定义有变化时生成新版本"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", metavar="FILE", help="定义文件（.yaml）")
        parser.add_argument("--dir", dest="directory", default=None, help="定义文件所在目录")

    def handle(self, *args, files=(), directory=None, **options):
        if files and directory:
            raise CommandError("不能同时指定定义文件和 --dir 目录", returncode=2)
        actor = Actor.system("load_catalog")
        try:
            results = load_files(actor, files) if files else load_definitions(actor, directory)
        except DefinitionError as exc:
            errors = exc.errors if isinstance(exc, DefinitionFilesInvalid) else [exc]
            for error in errors:
                self.stderr.write(f"{error.filename}：错误：{'；'.join(error.problems)}")
            raise CommandError(
                f"{len(errors)} 个定义文件有误，信息目录未做任何更改", returncode=2
            ) from exc
        except ServiceError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        for result in results:
            self.stdout.write(
                f"{result.filename}：{result.name}（{result.code}）{result.status_label}，"
                f"当前版本 v{result.version}"
            )
        changed = sum(1 for r in results if r.status != "unchanged")
        self.stdout.write(f"共 {len(results)} 个信息事项，{changed} 个有更新。")
