"""Schemathesis over the repair endpoints (public self-check, department queue and
actions): no input gives a server error, and nothing a fuzzed request sends repairs a
record without a reason."""

from __future__ import annotations

import pytest

from credit.accounts.models import Scope
from credit.records.models import Record, Visibility
from tests.notices.conftest import make_client
from tests.repairs.conftest import OLD_DOC
from tests.repairs.test_repair_kernel import apply_for

pytestmark = pytest.mark.django_db


def test_openapi_fuzz_of_the_repair_api_finds_no_server_error(
    repair_world, scjg, keep_connection, settings
):
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st
    from schemathesis.checks import not_a_server_error

    from credit.wsgi import application

    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 0
    settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 0
    app, _ = apply_for(repair_world.old_penalty)
    _, token = make_client("市场监管信用修复系统", scjg, [Scope.REPAIRS_DECIDE])
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
        path_regex=r"^/api/v1/(public/)?repairs"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 9  # with POST /public/repairs
    headers = {"Authorization": f"Bearer {token}"}
    statuses: list[int] = []

    @hypothesis_settings(
        max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=st.one_of([op.as_strategy() for op in operations]))
    def run(case):
        if "tracking_number" in (case.path_parameters or {}) and len(statuses) % 2:
            case.path_parameters["tracking_number"] = app.tracking_number  # reach the service
        response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
        statuses.append(response.status_code)

    run()
    assert statuses and all(code < 500 for code in statuses)
    assert any(code == 200 for code in statuses)
    # Whatever happened, a repaired record got there with a reason on its application.
    record = Record.objects.get(doc_number=OLD_DOC)
    if record.visibility == Visibility.REPAIRED:
        app.refresh_from_db()
        assert app.outcome_reason.strip()


def test_openapi_fuzz_of_the_public_repair_application(repair_world, keep_connection, settings):
    """POST /api/v1/public/repairs alone, with the record of a repairable penalty in half the
    cases so the service is reached: no server error, and an application is stored only
    when the answer was 201."""
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from schemathesis.checks import not_a_server_error

    from credit.portal.opaque import record_token
    from credit.repairs.models import RepairApplication
    from credit.wsgi import application

    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 0
    settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 0
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
        path_regex=r"^/api/v1/public/repairs$", method="POST"
    )
    (operation,) = [result.ok() for result in schema.get_all_operations()]
    token = record_token(repair_world.old_penalty.pk)
    statuses: list[int] = []

    @hypothesis_settings(
        max_examples=80, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy())
    def run(case):
        if isinstance(case.body, dict) and len(statuses) % 2:
            case.body["record"] = token
        response = case.call_and_validate(checks=[not_a_server_error])
        statuses.append(response.status_code)

    run()
    assert statuses and all(code < 500 for code in statuses)
    assert RepairApplication.objects.count() == statuses.count(201)
