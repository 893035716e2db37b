"""Subjects with facts of every kind the default model scores, loaded the real way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from credit.core.actors import Actor
from credit.evaluation import services
from credit.subjects.models import RegStatus, Subject, SubjectRegistration
from tests.checks.test_checks_helpers import make_person, make_subject, person_id, put_on_list
from tests.collection.samples import company_uscc, penalty_row, write_csv
from tests.collection.test_national_datasets import (
    enforcement_row,
    evaluation_row,
    honour_row,
)

TODAY = dt.date.today()


@pytest.fixture
def catalog_loaded(db):
    from django.core.management import call_command

    call_command("load_catalog", verbosity=0)


@pytest.fixture
def model(db):
    return services.load_model(Actor.system("测试"))


@pytest.fixture
def load(catalog_loaded, scjg, tmp_path):
    """Import rows of a dataset through the real collection pipeline."""
    from credit.collection import services as collection

    counter = iter(range(1, 1000))

    def run(dataset: str, rows: list[dict]):
        path = write_csv(tmp_path / f"{dataset}{next(counter)}.csv", rows)
        batch = collection.submit_file(
            Actor.system(),
            dataset_code=dataset,
            department=scjg,
            fileobj=path,
            filename=path.name,
            policy="reject_all",
            dry_run=False,
            run_now=True,
        )
        errors = (
            list(batch.errors.values_list("row", "column", "message"))
            if batch.state != "done"
            else []
        )
        assert batch.state == "done", (batch.message, errors)
        return batch

    return run


def register(subject: Subject, established: dt.date, status=RegStatus.ACTIVE) -> None:
    SubjectRegistration.objects.create(
        subject=subject,
        name=subject.name,
        established_on=established,
        status=status,
        approved_on=established,
        recorded_at=timezone.now(),
    )
    Subject.objects.filter(pk=subject.pk).update(reg_status=status)


def years_ago(n: int) -> dt.date:
    return TODAY.replace(year=TODAY.year - n) - dt.timedelta(days=1)


@pytest.fixture
def demo_subjects(load, model):
    """1: one 一般 penalty, no registration data; 2: one 严重 penalty; 3: enforcement,
    honour, 纳税信用 A, red list, registered 12 years ago; 4: 失信被执行人; 5: 注销 with a
    penalty; a person."""
    uscc3 = company_uscc(3)
    load(
        "penalty",
        [
            penalty_row(1),
            penalty_row(2, 失信严重程度="严重"),
            penalty_row(5),
        ],
    )
    load("enforcement", [{**enforcement_row(3, TODAY - dt.timedelta(days=20))}])
    # The samples give each dataset its own companies; here they are all about company 3.
    load(
        "honour",
        [
            {
                **honour_row(3, TODAY - dt.timedelta(days=40), None),
                "主体代码_1（统一社会信用代码）": uscc3,
                "主体名称": "本溪市强制测试有限公司3",
            }
        ],
    )
    load(
        "evaluation_result",
        [
            {
                **evaluation_row(3, str(TODAY.year - 1)),
                "主体代码_1（统一社会信用代码）": uscc3,
                "主体名称": "本溪市强制测试有限公司3",
            }
        ],
    )
    subjects = {n: Subject.objects.get(uscc=company_uscc(n)) for n in (1, 2, 3, 5)}
    subjects[4] = make_subject("本溪市被执行测试有限公司4", code=company_uscc(4))
    register(subjects[2], years_ago(0) + dt.timedelta(days=-100))
    register(subjects[3], years_ago(12))
    register(subjects[5], years_ago(8), status=RegStatus.DEREGISTERED)
    put_on_list(subjects[3], "tax_grade_a")
    put_on_list(subjects[4], "court_dishonest")
    subjects["person"] = make_person("王六", person_id(6))
    return subjects
