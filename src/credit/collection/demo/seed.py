"""Loading the demo through the real import path: files written, then imported as batches."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from credit.accounts.models import Department
from credit.collection import services
from credit.collection.demo import catalogue, generate, rows
from credit.collection.models import Batch, BatchState
from credit.core import workdays
from credit.core.actors import Actor

SEED = 20261127
YEARS = 3


def _workdays_back(day: dt.date, n: int) -> dt.date:
    while n > 0:
        day -= dt.timedelta(days=1)
        if workdays.is_workday(day):
            n -= 1
    return day


def _period_ends(today: dt.date) -> list[dt.date]:
    """The last working day of each half month over the last three years (batch days)."""
    ends = []
    first = dt.date(today.year - YEARS, today.month, 1)
    day = first
    while day < today:
        for mid in (15, None):
            end = (
                day.replace(day=mid)
                if mid
                else (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
                - dt.timedelta(days=1)
            )
            while not workdays.is_workday(end):
                end -= dt.timedelta(days=1)
            if first <= end < today:
                ends.append(end)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return ends


def _write_csv(path: Path, data: list[dict[str, str]], encoding: str = "gb18030") -> Path:
    # Not through core.spreadsheet_safe: these are demo department uploads the platform
    # reads back, written from the platform's own sample data; an apostrophe would change
    # the imported values. Files people open (reports, exports, templates) use the helper.
    import csv

    header = list(data[0])
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in data:
            writer.writerow([row.get(h, "") for h in header])
    return path


def _write_xlsx(path: Path, data: list[dict[str, str]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("数据")
    header = list(data[0])
    sheet.append(header)
    for row in data:
        sheet.append([row.get(h, "") for h in header])
    workbook.save(path)
    return path


@contextlib.contextmanager
def _batch_details_at_debug():
    """The pipeline logs each batch's phases at INFO, useful for a real import and noise
    for the demo's thousand small batches: the demo prints its own summary instead."""
    logger = logging.getLogger("credit.collection.pipeline")
    level = logger.level
    logger.setLevel(max(logging.WARNING, level))
    try:
        yield
    finally:
        logger.setLevel(level)


def seed_demo(
    subjects: int = 5000,
    licences: int = 20000,
    penalties: int = 5000,
    log: Callable[[str], None] = print,
) -> dict[str, int]:
    with _batch_details_at_debug():
        return _seed_demo(subjects, licences, penalties, log)


def _seed_demo(subjects: int, licences: int, penalties: int, log) -> dict[str, int]:
    rng = random.Random(SEED)
    today = timezone.localdate()
    folder = Path(settings.MEDIA_ROOT) / "demo-files"
    folder.mkdir(parents=True, exist_ok=True)
    people = generate.subjects(subjects, rng)
    departments = {d.name: d for d in Department.objects.all()}
    periods = _period_ends(today)
    plan: dict[tuple[str, str, dt.date], list[dict[str, str]]] = defaultdict(list)
    counters: dict[str, int] = defaultdict(int)
    for dataset, total, table, builder in (
        ("licence", licences, rows.LICENCES, rows.licence_row),
        ("penalty", penalties, rows.PENALTIES, rows.penalty_row),
    ):
        names = [n for n in table if n in departments]
        for i in range(total):
            period = periods[i * len(periods) // total]
            name = names[rng.randrange(len(names))]
            late = rng.random() < 0.06
            decided = _workdays_back(period, rng.randint(8, 20) if late else rng.randint(1, 7))
            subject = people[rng.randrange(len(people))]
            if dataset == "licence" and subject.kind == "自然人" and rng.random() < 0.7:
                subject = people[(people.index(subject) + 3) % len(people)]
            counters[name + dataset] += 1
            department = (name, departments[name].uscc)
            plan[(name, dataset, period)].append(
                builder(counters[name + dataset], subject, department, decided, rng)
            )
    system = Actor.system(label="演示数据导入")
    totals = defaultdict(int)
    for number, ((name, dataset, period), data) in enumerate(
        sorted(plan.items(), key=lambda kv: kv[0][2])
    ):
        path = _write_csv(folder / f"{dataset}-{departments[name].uscc}-{period:%Y%m%d}.csv", data)
        received = timezone.make_aware(dt.datetime.combine(period, dt.time(16, 30)))
        batch = services.submit_file(
            system,
            dataset_code=dataset,
            department=departments[name],
            fileobj=path,
            filename=f"{name}{period:%Y%m%d}报送.csv",
            run_now=True,
            received_at=received,
        )
        totals[batch.state] += 1
        totals["rows"] += batch.new_rows
        if number % 100 == 0:
            log(f"  已导入 {number} 个批次……")
    totals.update(_list_decisions(folder, departments, people, rng, system, log))
    totals.update(_catalogue(folder, departments, people, periods, system, log))
    totals.update(_error_batches(folder, departments, people, rng, system, log))
    for step in AFTER_SEED:
        totals.update(step(log))
    return dict(totals)


# Demo steps of apps above collection, run after the imports (registered from their
# AppConfig.ready; collection names none of them): e.g. commitments found broken.
AFTER_SEED: list[Callable[[Callable[[str], None]], dict[str, int]]] = []


def _catalogue(folder, departments, people, periods, system, log) -> dict[str, int]:
    """The national catalogue datasets beyond licences and penalties, each group of rows
    imported as one batch received on its day (in day order: a removal or a registration
    change comes after what it changes)."""
    # A stream of its own: the licences and penalties above stay the same demo as before.
    rng = random.Random(SEED + 1)
    today = timezone.localdate()
    quarterly = periods[5::6] or periods  # fewer, larger batches keep the load quick
    size = len(people)
    office = next((d for d in departments.values() if d.is_credit_office), None)
    plan: dict[tuple[str, str, dt.date], list[dict[str, str]]] = defaultdict(list)
    common = (people, departments, quarterly, today, rng, _workdays_back)
    parts = [
        catalogue.registration_rows(*common),
        catalogue.abnormal_rows(*common, max(6, size // 80)),
        catalogue.enforcement_rows(*common, max(8, size // 30)),
        catalogue.honour_rows(*common, max(6, size // 60)),
        catalogue.evaluation_rows(*common, max(10, size // 10)),
        catalogue.commitment_rows(*common, max(12, size // 50)),
    ]
    if office is not None:
        parts.append(
            catalogue.court_rows(
                people, office, quarterly, today, rng, _workdays_back, max(5, size // 200)
            )
        )
    for part in parts:
        for key, data in part.items():
            plan[key] += data
    stored: dict[str, int] = defaultdict(int)
    for (name, dataset, day), data in sorted(plan.items(), key=lambda kv: (kv[0][2], kv[0][1])):
        department = departments[name]
        stem = f"{dataset}-{department.uscc}-{day:%Y%m%d}"
        # Evaluation results arrive as workbooks, the rest as GB18030 CSV files.
        if dataset == "evaluation_result":
            path, suffix = _write_xlsx(folder / f"{stem}.xlsx", data), "xlsx"
        else:
            path, suffix = _write_csv(folder / f"{stem}.csv", data), "csv"
        batch = services.submit_file(
            system,
            dataset_code=dataset,
            department=department,
            fileobj=path,
            filename=f"{name}{day:%Y%m%d}报送.{suffix}",
            run_now=True,
            received_at=timezone.make_aware(dt.datetime.combine(day, dt.time(16, 30))),
        )
        if batch.state != BatchState.DONE:
            log(f"  演示批次未入库：{batch.filename}（{batch.message}）")
        stored[dataset] += batch.new_rows + batch.updated_rows
    log(
        "  已导入全国基础目录数据："
        + "，".join(f"{dataset} {count} 条" for dataset, count in sorted(stored.items()))
    )
    return {f"catalogue_{dataset}": count for dataset, count in stored.items()}


LIST_DECISIONS = [
    # (department, list type code, label of the decision, how many, years of validity)
    ("本溪市市场监督管理局", "samr_serious_violation", "列入严重违法失信名单决定书", 12, 3),
    ("本溪市市场监督管理局", "contract_honouring", "守合同重信用企业公示", 10, 2),
    ("国家税务总局本溪市税务局", "tax_major_violation", "重大税收违法失信主体信息公布决定", 8, 3),
    ("国家税务总局本溪市税务局", "tax_grade_a", "纳税信用A级纳税人名单", 15, 1),
    (
        "本溪市人力资源和社会保障局",
        "wage_arrears",
        "拖欠农民工工资失信联合惩戒对象列入决定书",
        6,
        3,
    ),
    ("本溪市应急管理局", "work_safety_serious", "安全生产严重失信主体名单管理决定书", 5, 3),
    ("本溪市生态环境局", "env_bad", "环保不良企业认定决定", 4, 2),
]


def _list_decisions(folder, departments, people, rng, system, log) -> dict[str, int]:
    """Red and black list decisions, imported as the list_decision dataset."""
    today = timezone.localdate()
    companies = [s for s in people if s.kind == "法人及非法人组织" and s.uscc]
    created = 0
    for name, code, title, count, years in LIST_DECISIONS:
        department = departments.get(name)
        if department is None:
            continue
        data = []
        for n in range(1, count + 1):
            subject = companies[rng.randrange(len(companies))]
            # Most decisions are current; a few are old enough to have expired already.
            days_ago = (
                rng.randint(30, 700) if n % 6 else rng.randint(365 * years + 10, 365 * years + 200)
            )
            decided = _workdays_back(today - dt.timedelta(days=days_ago), 1)
            data.append(
                {
                    "主体名称": subject.name,
                    "主体类别": subject.kind,
                    "统一社会信用代码": subject.uscc,
                    "名单类型代码": code,
                    "决定文书号": f"{name[2:4]}{title[:2]}〔{decided.year}〕{n}号",
                    "决定日期": decided.strftime("%Y/%m/%d"),
                    "认定依据": f"依据有关规定作出{title}",
                    "认定事实": "经调查核实，该主体存在相关情形。"
                    if code.endswith(("violation", "arrears", "serious", "bad"))
                    else "经评定，该主体符合相关条件。",
                    "有效期至": (decided + dt.timedelta(days=365 * years)).strftime("%Y/%m/%d"),
                    "认定机关": name,
                    "认定机关统一社会信用代码": department.uscc,
                    "数据来源单位": name,
                    "数据来源单位统一社会信用代码": department.uscc,
                    "备注": "",
                }
            )
        batch = services.submit_file(
            system,
            dataset_code="list_decision",
            department=department,
            fileobj=_write_csv(folder / f"list-{code}.csv", data),
            filename=f"{title}.csv",
            run_now=True,
        )
        created += batch.new_rows
    log(f"  已导入红黑名单认定决定 {created} 条")
    return {"list_decisions": created}


def _error_batches(folder, departments, people, rng, system, log) -> dict[str, int]:
    """Rejected batches with one row per kind of error, so reports have content."""
    scjg = departments["本溪市市场监督管理局"]
    sthj = departments["本溪市生态环境局"]
    zj = departments["本溪市住房和城乡建设局"]
    today = timezone.localdate()
    good = [s for s in people if s.kind == "法人及非法人组织"]
    dept = (scjg.name, scjg.uscc)
    base = [
        rows.penalty_row(90000 + i, good[i], dept, today - dt.timedelta(days=2), rng)
        for i in range(10)
    ]
    base[1]["行政相对人名称"] = ""
    base[2]["行政相对人代码_1（统一社会信用代码）"] = base[2][
        "行政相对人代码_1（统一社会信用代码）"
    ][:-1] + ("0" if base[2]["行政相对人代码_1（统一社会信用代码）"][-1] != "0" else "1")
    base[3]["处罚决定日期"] = f"{today.year}/02/30"
    base[4]["处罚决定日期"] = (today + dt.timedelta(days=30)).strftime("%Y/%m/%d")
    base[5]["处罚类别"], base[5]["罚款金额（万元）"] = "罚款", ""
    base[6]["行政相对人类别"] = "企业"
    base[7]["罚款金额（万元）"] = "两千元"
    base[8]["数据来源单位统一社会信用代码"] = sthj.uscc
    base[9]["行政处罚决定书文号"] = base[0]["行政处罚决定书文号"]
    person = next(s for s in people if s.kind == "自然人")
    bad_person = rows.penalty_row(90100, person, dept, today - dt.timedelta(days=2), rng)
    bad_person["证件号码"] = person.id_number[:-1] + ("0" if person.id_number[-1] != "0" else "1")
    base.append(bad_person)
    results = {}
    batch = services.submit_file(
        system,
        dataset_code="penalty",
        department=scjg,
        fileobj=_write_csv(folder / "errors-penalty.csv", base),
        filename="处罚信息_含错误示例.csv",
        run_now=True,
    )
    results["error_batch_rows"] = batch.error_rows
    # A workbook whose header does not match the catalog at all.
    broken = [
        {k: v for k, v in r.items() if k != "处罚决定日期"} | {"备用字段": "x"} for r in base[:3]
    ]
    for row in broken:
        row["数据来源单位统一社会信用代码"] = sthj.uscc
    services.submit_file(
        system,
        dataset_code="penalty",
        department=sthj,
        fileobj=_write_xlsx(folder / "errors-header.xlsx", broken),
        filename="环境处罚_表头错误.xlsx",
        run_now=True,
    )
    # A licence file with a few bad rows under "reject failed rows": the rest is stored.
    zdept = (zj.name, zj.uscc)
    lic = [
        rows.licence_row(95000 + i, good[20 + i], zdept, today - dt.timedelta(days=3), rng)
        for i in range(8)
    ]
    lic[2]["有效期至"] = "2020/01/01"
    lic[5]["许可类别"] = "其他"
    services.submit_file(
        system,
        dataset_code="licence",
        department=zj,
        fileobj=_write_csv(folder / "errors-licence.csv", lic),
        filename="施工许可_部分错误.csv",
        policy="reject_failed_rows",
        run_now=True,
    )
    results["rejected"] = Batch.objects.filter(state=BatchState.REJECTED).count()
    log("  已生成含错误示例的批次（整批退回 2 个，部分入库 1 个）")
    return results
