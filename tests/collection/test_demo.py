"""The demo data goes through the real import path and has something of everything."""

import logging

import pytest
from django.core.management import call_command

from credit.collection.models import Batch, BatchError
from credit.lists.models import ListEntry
from credit.records.models import Record
from credit.subjects.models import Subject

pytestmark = pytest.mark.django_db


def test_small_demo_covers_every_case(departments, catalog, caplog):
    caplog.set_level(logging.INFO, logger="credit.collection.pipeline")
    call_command("seed_demo", subjects=300, licences=200, penalties=120, verbosity=0)
    # One line per batch would flood make run's terminal: the demo summarises instead.
    assert not [r for r in caplog.records if r.name == "credit.collection.pipeline"]
    assert Record.objects.filter(dataset__code="licence").count() >= 200
    assert Record.objects.filter(dataset__code="penalty").count() == 120
    assert Record.objects.filter(is_late=True).exists()
    assert Record.objects.filter(is_late=False).exists()
    assert set(Subject.objects.values_list("kind", flat=True)) == {
        "organization",
        "sole_trader",
        "person",
    }
    assert Batch.objects.filter(state="rejected").count() == 2
    codes = set(BatchError.objects.values_list("code", flat=True))
    assert {
        "required",
        "identifier_invalid",
        "date_format",
        "date_future",
        "required_when",
        "enum_value",
        "decimal_format",
        "source_mismatch",
        "duplicate_key",
        "header_unknown",
        "header_missing",
        "date_order",
    } <= codes
    assert ListEntry.objects.filter(list_type__color="black", state="published").exists()
    assert ListEntry.objects.filter(list_type__color="red", state="published").exists()
    _catalogue_datasets_are_there()
    # Seeding twice does nothing: the database already has records.
    before = Record.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Record.objects.count() == before


def _catalogue_datasets_are_there():
    from credit.subjects.models import RegStatus, SubjectRegistration

    for code in (
        "registration",
        "abnormal_operation",
        "enforcement",
        "honour",
        "evaluation_result",
        "court_dishonest",
    ):
        assert Record.objects.filter(dataset__code=code).exists(), code
    assert (
        not Batch.objects.filter(
            dataset__code__in=["registration", "abnormal_operation", "court_dishonest"],
        )
        .exclude(state="done")
        .exists()
    )
    # Most organisations have a registration; some were deregistered or revoked since,
    # keeping their earlier version.
    organisations = Subject.objects.exclude(kind="person").exclude(uscc=None)
    registered = organisations.exclude(reg_status="")
    assert registered.count() > organisations.count() * 0.7
    assert registered.exclude(reg_status=RegStatus.ACTIVE).exists()
    assert SubjectRegistration.objects.filter(superseded_at__isnull=False).exists()
    # Abnormal listings, some public and some ended by their removal row.
    abnormal = Record.objects.filter(dataset__code="abnormal_operation")
    assert abnormal.filter(visibility="public").exists()
    assert abnormal.filter(visibility="ended", data__has_key="JY_YCRQ").exists()
    # 纳税信用 A for some; court rulings on the 失信被执行人 list.
    grades = Record.objects.filter(dataset__code="evaluation_result")
    assert grades.filter(data__PJ_PJJG="A级").exists()
    assert ListEntry.objects.filter(list_type__code="court_dishonest", state="published").exists()
