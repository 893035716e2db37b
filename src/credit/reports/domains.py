"""The domains (领域) special reports are asked for, shipped as defaults (issue 14's list)
and linked to the Benxi departments of accounts/departments.yaml by USCC. The credit
office edits both in the admin; seeding never removes what it added."""

from __future__ import annotations

from django.db import transaction

from credit.accounts.models import Department
from credit.audit import services as audit
from credit.core.actors import Actor
from credit.reports.models import ReportDomain

# (code, name, USCCs of the departments deciding in it)
DEFAULT_DOMAINS: list[tuple[str, str, tuple[str, ...]]] = [
    ("market", "市场监管", ("11210500MB1544202W",)),
    ("tax", "税务", ("11210500MB1544288P",)),
    ("hrss", "人力资源和社会保障", ("11210500MB1544245A",)),
    ("ecology", "生态环境", ("11210500MB1544210P",)),
    ("housing", "住房和城乡建设", ("11210500MB1544229L",)),
    ("transport", "交通运输", ("11210500MB1544237F",)),
    ("emergency", "应急管理", ("11210500MB15442535",)),
    ("health", "卫生健康", ("11210500MB15442610",)),
    ("resources", "自然资源", ("11210500MB15442B28",)),
    ("culture", "文化和旅游", ("11210500MB15442D90",)),
    ("fire", "消防", ()),
    ("statistics", "统计", ("11210500MB15442L4P",)),
    ("medical", "医疗保障", ("11210500MB15442H1B",)),
    ("agriculture", "农业农村", ("11210500MB15442C03",)),
    ("urban", "城市管理", ("11210500MB15442E7T",)),
    ("water", "水务", ("11210500MB15442J82",)),
    ("education", "教育", ("11210500MB15442K6W",)),
]


def seed_domains(actor: Actor) -> int:
    """Create the default domains that are missing and link their departments that exist.
    Returns how many domains were created."""
    created = 0
    with transaction.atomic():
        for position, (code, name, usccs) in enumerate(DEFAULT_DOMAINS, start=1):
            domain, made = ReportDomain.objects.get_or_create(
                code=code, defaults={"name": name, "position": position}
            )
            if made:
                created += 1
                departments = list(Department.objects.filter(uscc__in=usccs))
                domain.departments.add(*departments)
                audit.log_change(
                    actor,
                    "reports.domain.seed",
                    "reports.ReportDomain",
                    domain.pk,
                    after={"领域": name, "数据来源部门": [d.name for d in departments]},
                )
    return created
