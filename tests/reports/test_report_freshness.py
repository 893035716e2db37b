"""A download of an unchanged public report serves the stored file without reading the
subject's facts again — once the facts were found unchanged that day and no fact event has
named the subject since (reports/freshness.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credit.core.actors import Actor
from credit.facts import events
from credit.records import services as record_services
from credit.records.models import Record
from credit.reports import freshness
from credit.reports.models import CreditReport
from credit.subjects.models import Subject
from tests.reports.test_public_report import _download, data  # noqa: F401

pytestmark = pytest.mark.django_db


def _queries_of_download(client, subject) -> list[str]:
    with CaptureQueriesContext(connection) as seen:
        _download(client, subject)
    return [q["sql"] for q in seen.captured_queries]


def _reads_facts(sql: list[str]) -> bool:
    table = Record._meta.db_table
    return any(f'FROM "{table}"' in q for q in sql)


def test_the_first_download_of_a_day_checks_the_facts_and_later_ones_do_not(client, data):  # noqa: F811
    events.deliver_pending()  # the loaded data's events, as the on-commit task would
    first = _download(client, data.company)
    report = CreditReport.objects.get(number=first["X-Report-Number"])
    assert report.confirmed_on is None  # a new report is confirmed by its next download
    assert _reads_facts(_queries_of_download(client, data.company))
    report.refresh_from_db()
    assert report.confirmed_on is not None
    again = _queries_of_download(client, data.company)
    assert not _reads_facts(again)
    third = _download(client, data.company)
    assert third["X-Report-Number"] == report.number and third.content == first.content


def test_a_fact_event_makes_the_next_download_read_the_facts(client, data):  # noqa: F811
    events.deliver_pending()
    first = _download(client, data.company)["X-Report-Number"]
    _download(client, data.company)  # confirms it for today
    record_services.withdraw(Actor.system("测试"), data.public_penalty, "复议决定撤销")
    # The event is not delivered yet: a pending event alone sends downloads to the facts.
    assert _download(client, data.company)["X-Report-Number"] != first


def test_the_subscriber_forgets_the_confirmation_and_counts_the_change(client, data, settings):  # noqa: F811
    settings.CREDIT_REPORT_REFRESH_DAYS = 0
    events.deliver_pending()
    number = _download(client, data.company)["X-Report-Number"]
    _download(client, data.company)
    report = CreditReport.objects.get(number=number)
    assert report.confirmed_on is not None and report.fact_changes == 0
    record_services.withdraw(Actor.system("测试"), data.public_penalty, "复议决定撤销")
    events.deliver_pending()
    report.refresh_from_db()
    assert report.confirmed_on is None and report.fact_changes == 1
    # A check that read the facts before that change may not record its day afterwards.
    freshness.confirm(report, changes_seen=0, day=dt.date.today())
    report.refresh_from_db()
    assert report.confirmed_on is None
    assert _download(client, data.company)["X-Report-Number"] != number


def test_yesterdays_confirmation_does_not_count_today(client, data):  # noqa: F811
    events.deliver_pending()
    number = _download(client, data.company)["X-Report-Number"]
    CreditReport.objects.filter(number=number).update(
        confirmed_on=dt.date.today() - dt.timedelta(days=1)
    )
    assert _reads_facts(_queries_of_download(client, data.company))


def test_a_renamed_subject_gets_a_report_with_its_new_name(client, data):  # noqa: F811
    events.deliver_pending()
    number = _download(client, data.company)["X-Report-Number"]
    _download(client, data.company)
    Subject.objects.filter(pk=data.company.pk).update(name="本溪市更名后的测试有限公司")
    renamed = _download(client, data.company)
    assert renamed["X-Report-Number"] != number
    assert CreditReport.objects.get(number=renamed["X-Report-Number"]).subject_name == (
        "本溪市更名后的测试有限公司"
    )
