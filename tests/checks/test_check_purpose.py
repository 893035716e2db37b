"""A credit check states its purpose (核查事由), and a department checks only in the scenarios
the credit office opened to it (issue 11, item 3)."""

from __future__ import annotations

import orjson
import pytest

from credit.audit.models import AccessLog
from credit.checks.check_entry import CheckEntry
from credit.checks.models import CreditCheck
from credit.checks.store import run_check
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.measures.models import Scenario
from credit.wsgi import django_application
from tests.wsgi_call import call

from .test_checks_helpers import make_subject, uscc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_connection")]


@pytest.fixture
def token(api_client_scjg):
    return api_client_scjg[1]


@pytest.mark.parametrize("purpose", ["", "   ", "\u3000\t"])
def test_service_refuses_a_check_without_purpose(actor, purpose):
    with pytest.raises(ServiceError) as refused:
        run_check(actor, "bidding", [{"uscc": uscc(500001)}], purpose=purpose)
    assert refused.value.code == "purpose_required" and refused.value.status == 422
    assert "核查事由" in refused.value.message
    assert not CreditCheck.objects.exists() and not AccessLog.objects.exists()


@pytest.mark.parametrize("app", ["entry", "django"])
@pytest.mark.parametrize(
    ("body_purpose", "field"), [(None, "purpose"), ("", "purpose"), ("  ", None)]
)
def test_api_answers_422_without_purpose(app, body_purpose, field, token):
    make_subject("本溪市事由测试有限公司", code=uscc(500002))
    body = {"scenario": "bidding", "subjects": [{"uscc": uscc(500002)}]}
    if body_purpose is not None:
        body["purpose"] = body_purpose
    application = CheckEntry(django_application) if app == "entry" else django_application
    answer = call(application, body, token)
    assert answer["status"] == 422
    error = orjson.loads(answer["body"])
    if field:  # refused by the schema: the field is named
        assert [d["field"] for d in error["details"]] == [field]
    else:  # blank after trimming: refused by the service
        assert error["code"] == "purpose_required" and "核查事由" in error["message"]
    assert not CreditCheck.objects.exists()


def test_console_form_requires_purpose(client, operator_user, user_password):
    client.login(username=operator_user.username, password=user_password)
    page = client.post("/console/checks/new/", {"scenario": "bidding", "uscc": uscc(500003)})
    assert page.status_code == 200
    assert "核查事由" in page.content.decode() and not CreditCheck.objects.exists()


def test_purpose_is_stored_and_in_the_access_log(actor):
    subject = make_subject("本溪市事由入日志有限公司", code=uscc(500004))
    check = run_check(actor, "bidding", [{"uscc": uscc(500004)}], purpose=" 项目  BX-7 ")
    assert CreditCheck.objects.get(pk=check.pk).purpose == "项目 BX-7"
    log = AccessLog.objects.get(subject_id=subject.pk)
    assert log.purpose == f"信用核查（招标投标：项目 BX-7）#{check.pk}"


def test_a_scenario_limited_to_other_departments_is_refused(
    actor, sthj, admin_user, client, operator_user, user_password
):
    bidding = Scenario.objects.get(code="bidding")
    bidding.departments.set([sthj])
    with pytest.raises(PermissionDenied) as refused:
        run_check(actor, "bidding", [{"uscc": uscc(500005)}], purpose="招标")
    assert refused.value.code == "scenario_not_allowed" and "招标投标" in refused.value.message
    # The credit office may use every scenario.
    run_check(Actor.for_user(admin_user), "bidding", [{"uscc": uscc(500005)}], purpose="抽查")
    # The console offers the operator only the scenarios open to its department.
    client.login(username=operator_user.username, password=user_password)
    form = client.get("/console/checks/new/").content.decode()
    assert 'value="bidding"' not in form and 'value="gov_procurement"' in form
    # Opening the scenario to the operator's department lets the check run.
    bidding.departments.add(operator_user.department)
    run_check(actor, "bidding", [{"uscc": uscc(500005)}], purpose="招标")
