"""Fixtures shared by every app's tests: departments, staff of each role, an API client."""

from __future__ import annotations

import pytest

from credit.accounts import services as accounts
from credit.accounts.models import Department, Role, Scope
from credit.core.actors import Actor

SCJG = "本溪市市场监督管理局"
STHJ = "本溪市生态环境局"
TEST_PASSWORD = "Benxi-credit-2024!"


@pytest.fixture
def user_password() -> str:
    """The password of every user made by these fixtures."""
    return TEST_PASSWORD


@pytest.fixture
def system_actor() -> Actor:
    return Actor.system("测试")


@pytest.fixture
def departments(db, system_actor) -> dict[str, Department]:
    accounts.seed_departments(system_actor)
    return {d.name: d for d in Department.objects.all()}


@pytest.fixture
def scjg(departments) -> Department:
    return departments[SCJG]


@pytest.fixture
def sthj(departments) -> Department:
    return departments[STHJ]


@pytest.fixture
def credit_office(departments) -> Department:
    return next(d for d in departments.values() if d.is_credit_office)


@pytest.fixture
def admin_user(system_actor, credit_office):
    return accounts.create_user(
        system_actor, "t_admin", TEST_PASSWORD, Role.CREDIT_ADMIN, credit_office, "信用办管理员"
    )


@pytest.fixture
def operator_user(system_actor, scjg):
    return accounts.create_user(
        system_actor, "t_scjg", TEST_PASSWORD, Role.OPERATOR, scjg, "市场监管操作员"
    )


@pytest.fixture
def other_operator(system_actor, sthj):
    return accounts.create_user(
        system_actor, "t_sthj", TEST_PASSWORD, Role.OPERATOR, sthj, "生态环境操作员"
    )


@pytest.fixture
def auditor_user(system_actor, credit_office):
    return accounts.create_user(
        system_actor, "t_audit", TEST_PASSWORD, Role.AUDITOR, credit_office, "审计员"
    )


@pytest.fixture
def api_client_scjg(system_actor, scjg):
    """(ApiClient, full bearer token) of a 市场监管 system with write, read and check scopes."""
    client = accounts.create_client(
        system_actor,
        "市场监管行政执法系统",
        scjg,
        [Scope.RECORDS_WRITE, Scope.RECORDS_READ, Scope.CHECKS_RUN],
    )
    return client, accounts.issue_token(system_actor, client)


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Each test starts with nothing cached by an earlier test (its rows were rolled back):
    API token rows, and the scenarios and measures the credit checks keep."""
    from credit.accounts import tokens
    from credit.checks.answer import forget_catalog

    tokens._recent.clear()
    forget_catalog()
    yield


@pytest.fixture
def keep_connection():
    """For tests that call the WSGI application directly: as Django's test client does,
    keep the test's transaction alive across requests (request_started/finished would
    close the connection it runs in)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def browser(monkeypatch):
    """Debian's Chromium through Playwright (see tests/browser_support.py)."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM, LAUNCH_ARGS

    # Playwright's sync API runs an event loop in this thread: Django refuses ORM calls
    # while one runs unless told they are safe, which they are (plain synchronous calls).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()
