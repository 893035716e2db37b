"""Schemathesis over the commitments API (list, read, register, verify 履约/失信): no
input gives a server error, and a fuzzed request never leaves a half-written state — a
commitment marked 失信 has its negative record, one still 未到期 has none."""

from __future__ import annotations

import datetime as dt

import pytest

from credit.accounts import services as accounts
from credit.accounts.models import Scope
from credit.collection import services as collection
from credit.commitments.models import Commitment, Fulfilment
from credit.core.actors import Actor

from .samples import commitment_row

pytestmark = pytest.mark.django_db


def test_openapi_fuzz_of_the_commitments_api_finds_no_server_error(
    catalog, scjg, system_actor, keep_connection, settings
):
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st
    from schemathesis.checks import not_a_server_error

    from credit.wsgi import application

    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 0
    made = dt.date(2026, 9, 30)
    batch = collection.submit_rows(
        Actor.system(),
        dataset_code="commitment",
        department=scjg,
        items=[commitment_row(1, made=made), commitment_row(2, made=made)],
    )
    assert batch.state == "done", batch.message
    known = list(Commitment.objects.values_list("pk", flat=True))
    client = accounts.create_client(
        system_actor, "市场监管审批系统", scjg, [Scope.COMMITMENTS_WRITE]
    )
    headers = {"Authorization": f"Bearer {accounts.issue_token(system_actor, client)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
        path_regex=r"^/api/v1/commitments"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 4  # list, read, register, verify
    statuses: list[int] = []

    @hypothesis_settings(
        max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=st.one_of([op.as_strategy() for op in operations]))
    def run(case):
        if "commitment_id" in (case.path_parameters or {}) and len(statuses) % 2:
            # Half the reads and verifications reach a stored commitment and the service.
            case.path_parameters["commitment_id"] = known[len(statuses) % len(known)]
        response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
        statuses.append(response.status_code)

    run()
    assert statuses and all(code < 500 for code in statuses)
    assert any(code == 200 for code in statuses)
    assert any(400 <= code < 500 for code in statuses)
    for commitment in Commitment.objects.all():
        if commitment.state == Fulfilment.BROKEN:
            assert commitment.breach_record_id is not None
        elif commitment.state == Fulfilment.PENDING:
            assert commitment.breach_record_id is None
