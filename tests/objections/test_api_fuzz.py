"""schemathesis against the objection endpoints (public and department): no server error,
whatever the body, header or path."""

from __future__ import annotations

import pytest

from credit.accounts import services as accounts
from credit.accounts.models import Scope
from credit.core.actors import Actor

pytestmark = pytest.mark.django_db


def test_openapi_fuzz_finds_no_server_error(portal_data, scjg, settings, keep_connection):
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st
    from schemathesis.checks import not_a_server_error

    from credit.wsgi import application

    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 0
    settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 0
    system = Actor.system("测试")
    token = accounts.issue_token(
        system, accounts.create_client(system, "异议模糊测试", scjg, [Scope.OBJECTIONS_HANDLE])
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
        path_regex=r"^/api/v1/(objections|public/objections|public/applications)"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 8
    headers = {"Authorization": f"Bearer {token}"}
    statuses: list[int] = []

    @hypothesis_settings(
        max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=st.one_of([op.as_strategy() for op in operations]))
    def run(case):
        response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
        statuses.append(response.status_code)

    run()
    assert statuses and all(code < 500 for code in statuses)
