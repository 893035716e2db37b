"""The default model grades subjects set-based from the facts the sharing audience sees,
explains every grade, keeps history, and follows fact events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from credit.audit.models import ChangeLog
from credit.catalog.models import Dataset
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.evaluation import queries, services
from credit.evaluation.models import EvaluationModel, Grade, ModelState, Rule
from credit.facts import events
from credit.records import services as record_services
from credit.records.models import Record

pytestmark = pytest.mark.django_db


def _grades():
    return {g.subject_id: g for g in Grade.objects.filter(is_current=True)}


def test_default_model_loads_once_as_version_one(model):
    assert model.state == ModelState.PUBLISHED and model.version == 1
    again = services.load_model(Actor.system("测试"))
    assert again.pk == model.pk
    assert model.dimensions.count() == 5
    assert [d.name for d in model.dimensions.all()] == [
        "遵纪守法",
        "履约践诺",
        "资质荣誉",
        "社会责任",
        "监管风险",
    ]
    # Every rule says why it scores as it does.
    assert all(r.description for r in Rule.objects.filter(indicator__dimension__model=model))


def test_grades_follow_the_default_model(demo_subjects):
    counts = services.evaluate()
    grades = _grades()
    s = demo_subjects
    assert grades[s[1].pk].score == Decimal(95) and grades[s[1].pk].grade == "B"
    assert grades[s[1].pk].unregistered is True
    assert grades[s[2].pk].score == Decimal(85) and grades[s[2].pk].grade == "C"
    assert grades[s[2].pk].unregistered is False
    # -5 enforcement, +3 honour, +5 纳税信用 A, +5 red list, +10 (12 years, capped).
    assert grades[s[3].pk].score == Decimal(118) and grades[s[3].pk].grade == "A"
    assert grades[s[4].pk].score == Decimal(70) and grades[s[4].pk].grade == "C"
    # 注销 subjects and persons are not graded.
    assert s[5].pk not in grades and s["person"].pk not in grades
    assert counts["graded"] == 4 and counts["changed"] == 4


def test_every_grade_is_explained_with_the_facts_behind_it(demo_subjects):
    services.evaluate()
    s = demo_subjects
    info = queries.current_grades([s[1].pk, s[3].pk])
    assert info[s[1].pk].reasons == ["近三年一般失信行政处罚：1 项，-5 分"]
    assert info[s[1].pk].model_version == 1 and info[s[1].pk].meaning == "诚信度较好"
    assert "纳税信用 A 级：1 项，+5 分" in info[s[3].pk].reasons
    assert "成立年限：+10 分" in info[s[3].pk].reasons

    grade = queries.current_grade(s[1].pk)
    explained = queries.explain(grade)
    assert [d["dimension"] for d in explained][0] == "遵纪守法"
    penalties = explained[0]["indicators"][0]
    assert penalties["indicator"] == "行政处罚" and penalties["score"] == Decimal(-5)
    record = Record.objects.get(subject=s[1])
    facts = penalties["rules"][0]["facts"]
    assert facts == [{"kind": "record", "kind_label": "信用记录", "id": record.pk}]
    court = queries.explain(queries.current_grade(s[4].pk))[1]["indicators"][0]
    assert court["score"] == Decimal(-30) and court["rules"][0]["facts"][0]["kind"] == "list_entry"


def test_a_rule_over_a_dataset_not_loaded_scores_nothing(demo_subjects):
    # The commitment datasets ship with the catalog now: point their rules at a code no
    # catalog has, as a model written before its dataset is loaded would be.
    missing = "not_loaded_dataset"
    assert not Dataset.objects.filter(code=missing).exists()
    assert Rule.objects.filter(dataset_code__startswith="commitment").update(dataset_code=missing)
    services.evaluate()
    unloaded_rules = {
        str(pk) for pk in Rule.objects.filter(dataset_code=missing).values_list("pk", flat=True)
    }
    assert unloaded_rules
    for grade in Grade.objects.all():
        assert not unloaded_rules & set(grade.details)


def test_withdrawal_regrades_through_the_outbox_and_history_keeps_both(demo_subjects):
    services.evaluate()
    subject = demo_subjects[1]
    record = Record.objects.get(subject=subject)
    record_services.withdraw(Actor.system("测试"), record, "处罚决定已被撤销")
    events.deliver_pending()
    history = queries.history(subject.pk)
    assert [(g.grade, g.score, g.is_current) for g in history] == [
        ("B", Decimal(100), True),
        ("B", Decimal(95), False),
    ]
    assert history[0].details == {}


def test_regrading_unchanged_facts_writes_no_new_row(demo_subjects):
    services.evaluate()
    before = Grade.objects.count()
    counts = services.evaluate()
    assert Grade.objects.count() == before and counts["changed"] == 0


def test_monthly_job_regrades_everyone_on_the_first_only(demo_subjects):
    assert services.monthly("t1", dt.date(2026, 5, 2)) == "非每月 1 日，跳过"
    assert not Grade.objects.exists()
    counts = services.monthly("t2", dt.date.today().replace(day=1))
    assert counts["graded"] == 4
    run = ChangeLog.objects.filter(action="evaluation_run").latest("id")
    assert run.after["graded"] == 4 and run.request_id == "task:t2"


def test_a_published_version_regrades_with_its_number(demo_subjects, model):
    services.evaluate()
    draft = services.new_draft(Actor.system("测试"), model)
    Rule.objects.filter(indicator__dimension__model=draft, name="近三年一般失信行政处罚").update(
        points=-10
    )
    v2 = services.publish(Actor.system("测试"), draft)
    assert v2.version == 2
    assert EvaluationModel.objects.get(pk=model.pk).state == ModelState.RETIRED
    log = ChangeLog.objects.get(action="evaluation_model_published", object_id=str(v2.pk))
    assert log.before is not None and log.after["version"] == 2
    services.evaluate()
    info = queries.current_grades([demo_subjects[1].pk])[demo_subjects[1].pk]
    assert (info.score, info.model_version) == (Decimal(90), 2)
    assert len(queries.history(demo_subjects[1].pk)) == 2


def test_only_the_credit_office_publishes(model, operator_user):
    draft = services.new_draft(Actor.system("测试"), model)
    with pytest.raises(ServiceError) as refused:
        services.publish(Actor.for_user(operator_user), draft)
    assert "信用主管部门" in refused.value.message


def test_a_draft_without_every_grade_is_refused(model):
    draft = services.new_draft(Actor.system("测试"), model)
    draft.bands.filter(grade="D").delete()
    with pytest.raises(ServiceError) as refused:
        services.publish(Actor.system("测试"), draft)
    assert "A、B、C、D" in refused.value.message


def test_disputed_facts_count_or_are_ignored_as_the_model_says(demo_subjects, model):
    from credit.facts import transitions

    services.evaluate()
    subject = demo_subjects[1]
    record = Record.objects.get(subject=subject)
    transitions.open_dispute(Actor.system("测试"), "record", record.pk, subject.pk, "YY-1")
    events.deliver_pending()
    # The default model counts disputed facts.
    assert queries.current_grades([subject.pk])[subject.pk].score == Decimal(95)

    draft = services.new_draft(Actor.system("测试"), model)
    draft.disputed_facts = "ignore"
    draft.save()
    services.publish(Actor.system("测试"), draft)
    services.evaluate([subject.pk])
    assert queries.current_grades([subject.pk])[subject.pk].score == Decimal(100)

    transitions.close_dispute(
        Actor.system("测试"), "record", record.pk, subject.pk, "YY-1", "异议不成立"
    )
    events.deliver_pending()
    assert queries.current_grades([subject.pk])[subject.pk].score == Decimal(95)
