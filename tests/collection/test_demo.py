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
    # Seeding twice does nothing: the database already has records.
    before = Record.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Record.objects.count() == before
