"""Supervision fixtures: licensees of two departments imported through the real pipeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from credit.collection import services as collection
from credit.core.actors import Actor
from credit.records import services as record_services
from credit.records.models import Record
from credit.subjects.models import Subject
from tests.collection.samples import company_uscc, penalty_row, person_penalty_row, write_csv
from tests.portal.conftest import licence_row

STHJ_NAME = "本溪市生态环境局"
STHJ_USCC = "11210500MB1544210P"


@dataclass
class Licensees:
    scjg: list[Subject]  # the 市场监管 licensees still holding a licence record
    sthj_only: Subject  # licensed by 生态环境 only
    penalised_only: Subject  # a 市场监管 penalty, no licence
    withdrawn_only: Subject  # its only licence record was withdrawn


def company(n: int) -> dict[str, str]:
    return {
        "行政相对人名称": f"本溪市抽查测试有限公司{n}",
        "行政相对人代码_1（统一社会信用代码）": company_uscc(n),
    }


def _submit(department, code: str, rows: list[dict], tmp_path) -> None:
    path = write_csv(tmp_path / f"{code}_{department.pk}_{len(rows)}.csv", rows)
    batch = collection.submit_file(
        Actor.system("测试"),
        dataset_code=code,
        department=department,
        fileobj=path,
        filename=path.name,
        run_now=True,
    )
    assert batch.state == "done", list(batch.errors.values_list("row", "column", "message"))


def load_licensees(scjg, sthj, tmp_path, count: int = 30) -> Licensees:
    call_command("load_catalog", verbosity=0)
    today = dt.date.today()
    until = today.replace(year=today.year + 2)
    decided = today - dt.timedelta(days=30)
    rows = [
        licence_row(7000 + n, decided=decided, until=until, **company(n))
        for n in range(1, count + 1)
    ]
    # Two licences for one company: still one licensee.
    rows.append(licence_row(7999, decided=decided, until=until, **company(1)))
    rows.append(licence_row(7998, decided=decided, until=until, **company(90)))
    _submit(scjg, "licence", rows, tmp_path)
    _submit(
        scjg,
        "penalty",
        [person_penalty_row(7101), penalty_row(7100, **company(91))],
        tmp_path,
    )
    authority = {
        "许可机关": STHJ_NAME,
        "许可机关统一社会信用代码": STHJ_USCC,
        "数据来源单位": STHJ_NAME,
        "数据来源单位统一社会信用代码": STHJ_USCC,
    }
    _submit(
        sthj,
        "licence",
        [licence_row(7200, decided=decided, until=until, **company(92), **authority)],
        tmp_path,
    )
    withdrawn = Record.objects.get(doc_number="本市监许〔2026〕7998号")
    record_services.withdraw(Actor.system("测试"), withdrawn, "许可决定已被撤销")
    return Licensees(
        scjg=list(Subject.objects.filter(uscc__in=[company_uscc(n) for n in range(1, count + 1)])),
        sthj_only=Subject.objects.get(uscc=company_uscc(92)),
        penalised_only=Subject.objects.get(uscc=company_uscc(91)),
        withdrawn_only=Subject.objects.get(uscc=company_uscc(90)),
    )


@pytest.fixture
def licensees(db, scjg, sthj, tmp_path) -> Licensees:
    return load_licensees(scjg, sthj, tmp_path)


SCOPE = "evaluations:read"
# Grades given to the 30 licensees in USCC order: A×12, B×8, C×5, D×3, none (not graded)×2.
GRADED_PLAN = ["A"] * 12 + ["B"] * 8 + ["C"] * 5 + ["D"] * 3 + ["none"] * 2


def give_grades(subjects: list[Subject], plan: list[str]) -> dict[int, str]:
    """Give `subjects` (in USCC order) the grades of `plan` as the evaluation holds them:
    a current `Grade` of the default model, its score inside the grade's band and one
    scored rule, so `current_grades` explains it in words. Returns subject id → grade
    ("none": left without one). (The engine itself is exercised by
    test_draws.test_a_draw_from_grades_the_engine_computed.)"""
    from django.utils import timezone

    from credit.evaluation import services as evaluation
    from credit.evaluation.models import Grade, Rule

    model = evaluation.load_model(Actor.system("测试"))
    bands = {b.grade: b.min_score for b in model.bands.all()}
    rules = Rule.objects.filter(indicator__dimension__model=model).order_by("pk")
    plus = rules.filter(points__gt=0).first()
    minus = rules.filter(points__lt=0).first()
    out = {}
    ordered = sorted(subjects, key=lambda s: s.uscc)
    for subject, grade in zip(ordered, plan, strict=True):
        out[subject.pk] = grade
        if grade == "none":
            continue
        score = max(bands[grade], 0) + 1
        Grade.objects.create(
            subject=subject,
            grade=grade,
            score=score,
            model=model,
            valid_from=dt.date.today(),
            computed_at=timezone.now(),
            # Above the base score a bonus explains it, below it a deduction.
            details={str((plus if score > 100 else minus).pk): [str(score - 100), []]},
        )
    return out
