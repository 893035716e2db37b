"""The demo seed has commitments through the real import path: some verified 履约 by a
later file, some 失信 with their breach records (the service), some overdue."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from credit.collection.models import Batch
from credit.commitments import queries
from credit.commitments.models import Commitment, Fulfilment
from credit.core.actors import Actor
from credit.records.models import Record

pytestmark = pytest.mark.django_db


def test_demo_commitments(departments, catalog):
    call_command("seed_demo", subjects=300, licences=50, penalties=30, verbosity=0)
    assert not Batch.objects.filter(dataset__code="commitment").exclude(state="done").exists()
    assert Commitment.objects.filter(state=Fulfilment.KEPT).exists()
    broken = Commitment.objects.filter(state=Fulfilment.BROKEN)
    assert broken.exists()
    assert all(c.breach_record_id for c in broken)
    assert Record.objects.filter(dataset__code="commitment_breach").count() == broken.count()
    assert queries.overdue(Actor.system(), timezone.localdate()).exists()
    assert Commitment.objects.filter(kind="voluntary", public=True).exists()
