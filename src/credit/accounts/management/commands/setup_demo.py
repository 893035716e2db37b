"""`credit setup_demo`: departments always; demo accounts and demo data only in DEBUG or
in the demo installation of `make run` (CREDIT_DEMO, production settings otherwise).

Demo passwords are random per installation and written to var/demo-accounts.txt, so a demo
left running on a network never has a password anyone could guess from the source.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from credit import config
from credit.accounts import services
from credit.accounts.models import Department, Role, User
from credit.core.actors import Actor
from credit.core.errors import ServiceError

ACCOUNTS_FILE = config.BASE_DIR / "var" / "demo-accounts.txt"

# (username, role, department name or None for the credit office, full name)
DEMO_ACCOUNTS = (
    ("admin", Role.CREDIT_ADMIN, None, "信用办管理员"),
    ("scjg", Role.OPERATOR, "本溪市市场监督管理局", "市场监管局数据员"),
    ("sthj", Role.OPERATOR, "本溪市生态环境局", "生态环境局数据员"),
    ("audit", Role.AUDITOR, None, "审计员"),
)


def _random_password() -> str:
    # Letters, digits and a symbol: passes every configured validator.
    return f"Bx-{secrets.token_urlsafe(12)}"


class Command(BaseCommand):
    help = "初始化演示环境：导入部门；开发模式下创建演示账号（随机密码）并导入演示数据"

    def add_arguments(self, parser):
        parser.add_argument("--no-data", action="store_true", help="不导入演示信用数据")
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="打印登录地址时使用的站点地址"
        )
        parser.add_argument(
            "--accounts-file", default=str(ACCOUNTS_FILE), help="演示账号密码的保存位置"
        )

    def handle(self, *args, no_data=False, base_url="", accounts_file="", **options):
        actor = Actor.system("setup_demo")
        try:
            changed = services.seed_departments(actor)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"部门：共 {Department.objects.count()} 个，本次新增或更新 {changed} 个。"
        )
        # The reports app's domains link departments: seeded once they exist.
        if "seed_report_domains" in get_commands():
            call_command("seed_report_domains", stdout=self.stdout, stderr=self.stderr)
        # The evaluation's default model is configuration too (kept when one is published).
        if "load_evaluation_model" in get_commands():
            call_command("load_evaluation_model", stdout=self.stdout, stderr=self.stderr)
        if not (settings.DEBUG or getattr(settings, "CREDIT_DEMO", False)):
            self.stdout.write(
                self.style.WARNING(
                    "生产模式下不创建演示账号，也不导入演示数据。"
                    "请使用 credit createsuperuser 创建管理员。"
                )
            )
            return
        self._accounts(actor, Path(accounts_file), base_url.rstrip("/"))
        if not no_data:
            self._demo_data()
            if "load_evaluation_model" in get_commands():
                # Grade the demo subjects (the monthly job and fact events do it later).
                call_command(
                    "load_evaluation_model", "--evaluate", stdout=self.stdout, stderr=self.stderr
                )

    def _accounts(self, actor: Actor, path: Path, base_url: str) -> None:
        credit_office = Department.objects.filter(is_credit_office=True).first()
        created: list[tuple[str, str, str]] = []
        for username, role, department_name, full_name in DEMO_ACCOUNTS:
            if User.objects.filter(username=username).exists():
                continue
            department = (
                Department.objects.get(name=department_name) if department_name else credit_office
            )
            password = (
                settings.CONFIG.get("DEMO_ADMIN_PASSWORD")
                if username == "admin" and settings.CONFIG.get("DEMO_ADMIN_PASSWORD")
                else _random_password()
            )
            try:
                services.create_user(actor, username, password, role, department, full_name)
            except ServiceError as exc:
                raise CommandError(f"{username}：{exc.message}") from exc
            created.append((username, Role(role).label, password))
        if created:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="utf-8") as fh:
                for username, label, password in created:
                    fh.write(f"{username}\t{label}\t{password}\n")
            path.chmod(0o600)
        self.stdout.write(
            f"登录地址：{base_url}{settings.LOGIN_URL}（管理后台：{base_url}/admin/）"
        )
        if path.exists():
            self.stdout.write(f"演示账号（密码保存在 {path}）：")
            self.stdout.write(path.read_text(encoding="utf-8").rstrip())
        else:
            self.stdout.write(
                f"演示账号已存在，但密码文件 {path} 不存在；"
                "可使用 credit changepassword <用户名> 重置密码。"
            )

    def _demo_data(self) -> None:
        if "seed_demo" not in get_commands():
            self.stdout.write("未找到 seed_demo 命令，跳过演示数据。")
            return
        try:
            record_model = apps.get_model("records", "Record")
        except LookupError:
            return
        if record_model.objects.exists():
            self.stdout.write("已有信用记录，跳过演示数据导入。")
            return
        call_command("seed_demo", stdout=self.stdout, stderr=self.stderr)
