"""`credit import FILE --dataset penalty --department USCC`: import a file from the shell.

Exit status: 0 the batch was accepted, 1 rows were rejected, 2 the file or the command
is unusable.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from credit.accounts.models import Department
from credit.collection import errors, services
from credit.collection.models import BatchState, Policy, Source
from credit.core.actors import Actor
from credit.core.errors import ServiceError

# Problems that make the whole file unusable (exit status 2), as opposed to rejected rows.
FILE_LEVEL_CODES = (
    errors.FILE_UNREADABLE,
    errors.FILE_ENCODING,
    errors.FILE_EMPTY,
    errors.FILE_FORMAT,
    errors.FILE_LIMIT,
    errors.HEADER_MISSING,
    errors.HEADER_UNKNOWN,
    errors.HEADER_DUPLICATE,
)


class Command(BaseCommand):
    help = "导入一个数据文件（CSV/XLSX）到指定信息事项"

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV 或 XLSX 文件路径")
        parser.add_argument("--dataset", required=True, help="信息事项代码，如 penalty、licence")
        parser.add_argument("--department", required=True, help="报送单位统一社会信用代码")
        parser.add_argument("--policy", choices=Policy.values, default=Policy.REJECT_ALL)
        parser.add_argument("--dry-run", action="store_true", help="仅校验，不入库")
        parser.add_argument("--report", help="处理报告输出路径（.xlsx 或 .csv）")

    def fail(self, message: str) -> None:
        self.stderr.write(self.style.ERROR(message))
        sys.exit(2)

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            self.fail(f"文件不存在：{path}")
        department = Department.objects.filter(uscc=opts["department"].strip().upper()).first()
        if department is None:
            self.fail(f"未知的报送单位代码：{opts['department']}")
        report = Path(opts["report"]) if opts["report"] else None
        if report and report.suffix.lower() not in (".xlsx", ".csv"):
            self.fail("报告文件扩展名必须是 .xlsx 或 .csv")
        actor = Actor.system(label=f"命令行导入（{department.name}）")
        try:
            batch = self._run(actor, department, path, opts)
        except ServiceError as exc:
            self.fail(exc.message)
        self._summary(batch)
        if report:
            try:
                built = services.build_report(actor, batch, report.suffix.lower().lstrip("."))
                report.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(built, report)
            except ServiceError as exc:
                self.fail(exc.message)
            except OSError as exc:
                self.fail(f"无法写入处理报告 {report}：{exc.strerror or exc}")
            self.stdout.write(f"处理报告：{report}")
        if batch.state == BatchState.DONE and batch.error_rows == 0:
            sys.exit(0)
        file_problems = batch.errors.filter(code__in=FILE_LEVEL_CODES).order_by("id")
        if batch.state == BatchState.REJECTED and file_problems.exists():
            # The file itself is unusable (even if some rows were read before the problem):
            # status 2, with the reason on stderr for the calling script's log.
            self.fail(batch.message or file_problems.first().message)
        if batch.state in (BatchState.DONE,) or (
            batch.state == BatchState.REJECTED and batch.total_rows
        ):
            sys.exit(1)
        sys.exit(2)

    def _run(self, actor, department, path, opts):
        bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(unit="行", desc="校验", file=sys.stderr)

        def progress(n: int) -> None:
            if bar is not None:
                bar.update(n - bar.n)

        try:
            batch = services.submit_file(
                actor,
                dataset_code=opts["dataset"],
                department=department,
                fileobj=path,
                filename=path.name,
                policy=opts["policy"],
                dry_run=opts["dry_run"],
                source=Source.CLI,
                run_now=True,
                on_progress=progress,
            )
        finally:
            if bar is not None:
                bar.close()
        return batch

    def _summary(self, batch) -> None:
        self.stdout.write(
            f"批次 {batch.public_id}：{batch.get_state_display()}。{batch.message}\n"
            f"  总行数 {batch.total_rows}，新增 {batch.new_rows}，更新 {batch.updated_rows}，"
            f"未变 {batch.unchanged_rows}，错误 {batch.error_rows}，超期 {batch.late_rows}"
        )
        for error in batch.errors.order_by("row", "id")[:20]:
            where = f"第 {error.row} 行" if error.row else "文件"
            self.stdout.write(f"  {where} [{error.code}] {error.message}")
