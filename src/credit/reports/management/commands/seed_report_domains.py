from django.core.management.base import BaseCommand

from credit.core.actors import Actor
from credit.reports.domains import seed_domains


class Command(BaseCommand):
    help = "创建专项信用报告的默认领域并关联已有的数据来源部门（不删除已有配置）"

    def handle(self, *args, **options):
        created = seed_domains(Actor.system("seed_report_domains"))
        self.stdout.write(f"专项报告领域：新建 {created} 个。")
