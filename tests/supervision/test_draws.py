"""Drawing a sample through the service: strata by the evaluation's grades, per-grade
counts by the rounding rule, reproducible from the seed, stored with everything needed to
redo it, change-logged and access-logged; who may draw for which department."""

from __future__ import annotations

import pytest

from credit.audit.models import AccessLog, ChangeLog
from credit.core.actors import Actor
from credit.core.errors import NotFound, PermissionDenied, ServiceError
from credit.supervision import services
from credit.supervision.models import Population, SampleDraw, SamplingRatio
from tests.supervision.conftest import GRADED_PLAN, give_grades

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(licensees):
    """The 市场监管 licensees graded A×12, B×8, C×5, D×3; two left without a grade."""
    return give_grades(licensees.scjg, GRADED_PLAN)


def _ids(record: SampleDraw) -> list[int]:
    return list(record.drawn.order_by("position").values_list("subject_id", flat=True))


def test_counts_per_grade_follow_the_rounding_rule(graded, operator_user, scjg):
    actor = Actor.for_user(operator_user)
    ratios = {"A": "0.25", "B": 0.5, "C": "0.3333", "D": 1, "none": 0}
    record = services.draw_sample(
        actor, department_id=None, population_kind="licensees", ratios=ratios, seed="42"
    )
    assert record.department == scjg
    # ceil(12×0.25)=3, ceil(8×0.5)=4, ceil(5×0.3333)=2, ceil(3×1)=3, ratio 0 → 0.
    assert record.counts == {
        "A": {"population": 12, "drawn": 3},
        "B": {"population": 8, "drawn": 4},
        "C": {"population": 5, "drawn": 2},
        "D": {"population": 3, "drawn": 3},
        "none": {"population": 2, "drawn": 0},
    }
    assert (record.population_size, record.drawn_size) == (30, 12)
    by_grade = {}
    for item in record.drawn.all():
        by_grade.setdefault(item.stratum, set()).add(item.subject_id)
        assert item.stratum == graded[item.subject_id]
        assert item.reasons, "the grade's reasons at draw time are kept"
    assert {g: len(s) for g, s in by_grade.items()} == {"A": 3, "B": 4, "C": 2, "D": 3}


def test_default_ratios_and_the_credit_office_setting(graded, operator_user):
    actor = Actor.for_user(operator_user)
    record = services.draw_sample(actor, department_id=None, population_kind="licensees", seed="7")
    # 5 %, 10 %, 20 %, 40 %, 10 % → 1, 1, 1, 2, 1.
    assert [record.counts[g]["drawn"] for g in ("A", "B", "C", "D", "none")] == [1, 1, 1, 2, 1]
    assert record.ratios == {"A": "0.05", "B": "0.10", "C": "0.20", "D": "0.40", "none": "0.10"}
    SamplingRatio.objects.create(stratum="A", ratio="0.5")
    record = services.draw_sample(actor, department_id=None, population_kind="licensees", seed="7")
    assert record.counts["A"]["drawn"] == 6
    assert record.ratios["A"] == "0.5000"


def test_same_seed_same_subjects_another_seed_others(graded, operator_user, admin_user, scjg):
    ratios = {"A": "0.5", "B": "0.5", "C": "0.5", "D": "0.5", "none": "0.5"}
    one = services.draw_sample(
        Actor.for_user(operator_user),
        department_id=None,
        population_kind="licensees",
        ratios=ratios,
        seed="20260315",
    )
    # Another person, another day: the same inputs and seed give the same subjects.
    again = services.draw_sample(
        Actor.for_user(admin_user),
        department_id=scjg.pk,
        population_kind="licensees",
        ratios=ratios,
        seed="20260315",
    )
    other = services.draw_sample(
        Actor.for_user(operator_user),
        department_id=None,
        population_kind="licensees",
        ratios=ratios,
        seed="20260316",
    )
    assert _ids(one) == _ids(again)
    assert _ids(one) != _ids(other)
    assert one.counts == other.counts


def test_a_draw_is_stored_change_logged_and_access_logged(graded, operator_user):
    actor = Actor.for_user(operator_user)
    record = services.draw_sample(actor, department_id=None, population_kind="licensees", seed="99")
    assert record.seed == "99" and record.actor_label == operator_user.username
    assert record.population == Population.LICENSEES
    assert "行政许可" in record.population_note
    assert "向上取整" in record.rounding
    log = ChangeLog.objects.get(action="sample.draw", object_id=str(record.pk))
    assert log.after["seed"] == "99"
    assert log.after["counts"]["D 级"] == "2/3"
    assert log.after["ratios"]["未评价"] == "0.10"
    reads = AccessLog.objects.filter(resource="supervision.sample")
    assert set(reads.values_list("subject_id", flat=True)) == set(_ids(record))
    assert reads.first().purpose == f"双随机抽取（#{record.pk}）"


def test_a_seed_is_chosen_when_none_is_given(graded, operator_user):
    record = services.draw_sample(
        Actor.for_user(operator_user), department_id=None, population_kind="licensees"
    )
    assert record.seed.isdigit() and len(record.seed) == 12


def test_every_graded_subject_as_population(graded, admin_user, scjg):
    record = services.draw_sample(
        Actor.for_user(admin_user),
        department_id=scjg.pk,
        population_kind="graded",
        ratios={"A": 1, "B": 1, "C": 1, "D": 1, "none": 1},
        seed="1",
    )
    # The two ungraded licensees are not in "every graded subject".
    assert record.population_size == 28
    assert record.counts["none"] == {"population": 0, "drawn": 0}


def test_listed_subjects(graded, licensees, operator_user):
    codes = [s.uscc for s in licensees.scjg[:4]] + [licensees.sthj_only.public_id]
    record = services.draw_sample(
        Actor.for_user(operator_user),
        department_id=None,
        population_kind="listed",
        subjects=codes,
        ratios={"A": 1, "B": 1, "C": 1, "D": 1, "none": 1},
        seed="s1",
    )
    assert record.population_size == 5 and record.drawn_size == 5


def test_departments_draw_for_themselves_the_credit_office_for_any(
    graded, operator_user, other_operator, admin_user, auditor_user, scjg, sthj
):
    with pytest.raises(PermissionDenied, match="只能为本单位"):
        services.draw_sample(
            Actor.for_user(other_operator), department_id=scjg.pk, population_kind="licensees"
        )
    with pytest.raises(PermissionDenied, match="审计员"):
        services.draw_sample(
            Actor.for_user(auditor_user), department_id=scjg.pk, population_kind="licensees"
        )
    record = services.draw_sample(
        Actor.for_user(admin_user), department_id=scjg.pk, population_kind="licensees"
    )
    assert record.department == scjg
    # The other department does not see it; the auditor and the owner do.
    with pytest.raises(NotFound):
        services.read_draw(Actor.for_user(other_operator), record.pk)
    assert services.read_draw(Actor.for_user(auditor_user), record.pk) == record
    assert services.read_draw(Actor.for_user(operator_user), record.pk) == record
    assert not SampleDraw.objects.filter(department=sthj).exists()


@pytest.mark.parametrize(
    ("kwargs", "code", "words"),
    [
        ({"ratios": {"A": "1.5"}}, "bad_ratio", "A 级的比例“1.5”无效"),
        ({"ratios": {"B": -0.1}}, "bad_ratio", "B 级的比例“-0.1”无效"),
        ({"ratios": {"C": "abc"}}, "bad_ratio", "应为 0 到 1 之间的小数"),
        ({"ratios": {"E": 0.1}}, "bad_ratio", "未知的信用等级“E”"),
        ({"ratios": {"D": "NaN"}}, "bad_ratio", "D 级"),
        ({"department_id": 999_999}, "unknown_department", "部门不存在"),
        ({"population_kind": "everyone"}, "bad_population", "抽查范围"),
        ({"population_kind": "listed"}, "empty_population", "subjects 不能为空"),
        (
            {"population_kind": "listed", "subjects": ["91210502MA0000000X"]},
            "unknown_subjects",
            "91210502MA0000000X",
        ),
        ({"seed": "种子"}, "bad_seed", "随机种子"),
        ({"seed": "x" * 41}, "bad_seed", "随机种子"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_stored(
    graded, admin_user, scjg, kwargs, code, words
):
    args = {"department_id": scjg.pk, "population_kind": "licensees", **kwargs}
    with pytest.raises(ServiceError) as caught:
        services.draw_sample(Actor.for_user(admin_user), **args)
    assert caught.value.code == code
    assert words in caught.value.message
    assert 400 <= caught.value.status < 500
    assert not SampleDraw.objects.exists()


def test_an_empty_population_is_refused(graded, admin_user, credit_office):
    with pytest.raises(ServiceError, match="没有可抽取的主体") as caught:
        services.draw_sample(
            Actor.for_user(admin_user),
            department_id=credit_office.pk,
            population_kind="licensees",
        )
    assert caught.value.code == "empty_population"


def test_a_draw_from_grades_the_engine_computed(licensees, operator_user):
    """End to end: the evaluation grades the licensees with its default model, and the
    draw stratifies by exactly those grades, with their reasons."""
    from credit.evaluation import services as evaluation
    from credit.evaluation.queries import current_grades

    evaluation.load_model(Actor.system("测试"))
    evaluation.evaluate([s.pk for s in licensees.scjg])
    grades = current_grades([s.pk for s in licensees.scjg])
    assert len(grades) == len(licensees.scjg)
    record = services.draw_sample(
        Actor.for_user(operator_user),
        department_id=None,
        population_kind="licensees",
        ratios={"A": 1, "B": 1, "C": 1, "D": 1, "none": 1},
        seed="e2e",
    )
    assert record.drawn_size == len(licensees.scjg)
    for item in record.drawn.all():
        info = grades[item.subject_id]
        assert item.stratum == info.grade
        assert item.score == info.score
        assert item.model_version == str(info.model_version)
        assert item.reasons[0] == f"{info.grade} 级：{info.meaning}"
