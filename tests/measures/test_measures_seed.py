"""The shipped measure list and the scenario filter of applicable_measures."""

from __future__ import annotations

import pytest

from credit.lists.models import Color, ListType
from credit.measures import queries
from credit.measures.models import Measure, MeasureClass, MeasureKind, Scenario

pytestmark = pytest.mark.django_db


def test_measure_list_covers_lists_of_both_colours():
    measures = Measure.objects.filter(active=True)
    assert measures.count() >= 25
    list_types = ListType.objects.filter(measures__in=measures).distinct()
    assert list_types.count() >= 6
    assert {lt.color for lt in list_types} == {Color.RED, Color.BLACK}
    assert measures.filter(kind=MeasureKind.REWARD).exists()
    assert measures.filter(kind=MeasureKind.PUNISHMENT).exists()
    assert set(measures.values_list("measure_class", flat=True)) == {1, 2, 3}
    for measure in measures:
        assert "《" in measure.legal_basis or "规定" in measure.legal_basis, measure.code
        assert measure.implementer


def test_class_one_measures_cite_a_law_or_rule():
    for measure in Measure.objects.filter(measure_class=MeasureClass.RIGHTS):
        assert measure.legal_basis.startswith(("《", "中共中央办公厅")), measure.code


def test_scenarios_seeded_in_order():
    names = [s.name for s in queries.scenarios()]
    for required in [
        "行政审批",
        "政府采购",
        "招标投标",
        "财政资金支持",
        "评优评先",
        "国有土地出让",
        "公职人员录用",
        "资质认定",
    ]:
        assert required in names
    assert names[0] == "行政审批"


def test_applicable_measures_filters_by_list_scenario_and_kind():
    wage = ListType.objects.get(code="wage_arrears")
    court = ListType.objects.get(code="court_dishonest")
    found = queries.applicable_measures([wage.pk], "bidding", "organization")
    assert [m.code for m in found] == ["P-WAGE-03"]
    assert found[0].applies_to_legal_rep and found[0].applies_to_responsible

    both = queries.applicable_measures([wage.pk, court.pk], "bidding", "organization")
    assert {m.code for m in both} == {"P-WAGE-03", "P-COURT-03"}

    # 公职人员录用 restrictions bind persons only.
    assert queries.applicable_measures([court.pk], "civil_service", "organization") == []
    assert [m.code for m in queries.applicable_measures([court.pk], "civil_service", "person")] == [
        "P-COURT-07"
    ]
    assert queries.applicable_measures([], "bidding", "organization") == []
    assert queries.applicable_measures([wage.pk], "no_such_scenario", "organization") == []


def test_inactive_measure_or_scenario_is_not_applicable():
    samr = ListType.objects.get(code="samr_serious_violation")
    assert [m.code for m in queries.applicable_measures([samr.pk], "land_transfer", "organization")]
    Measure.objects.filter(code="P-SAMR-03").update(active=False)
    assert queries.applicable_measures([samr.pk], "land_transfer", "organization") == []
    Scenario.objects.filter(code="honours").update(active=False)
    assert queries.applicable_measures([samr.pk], "honours", "organization") == []
    assert "评优评先" not in [s.name for s in queries.scenarios()]


def test_red_list_rewards():
    grade_a = ListType.objects.get(code="tax_grade_a")
    found = queries.applicable_measures([grade_a.pk], "fiscal_support", "organization")
    assert found and all(m.kind == MeasureKind.REWARD for m in found)
