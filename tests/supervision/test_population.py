"""Who a department may draw from: its licensees, found by what the catalog says a dataset
is (no dataset code named), without withdrawn licences, other departments' licences,
penalised subjects that hold no licence, or persons."""

from __future__ import annotations

import pytest

from credit.catalog.models import DatasetVersion
from credit.supervision import population

pytestmark = pytest.mark.django_db


def test_licensees_of_a_department(licensees, scjg, sthj):
    assert population.licensee_ids(scjg.pk) == {s.pk for s in licensees.scjg}
    assert population.licensee_ids(sthj.pk) == {licensees.sthj_only.pk}


def test_licence_datasets_come_from_catalog_attributes(licensees):
    names = {
        v.dataset.code
        for v in DatasetVersion.objects.select_related("dataset")
        if population.is_licence_version(v)
    }
    assert names == {"licence"}


def test_codes_resolve_to_drawable_subjects_only(licensees):
    from credit.subjects.models import Subject

    person = Subject.objects.get(kind="person")
    first = licensees.scjg[0]
    found, missing = population.resolve_codes(
        [first.uscc.lower(), licensees.sthj_only.public_id, person.public_id, "NOSUCHCODE"]
    )
    assert found == {
        first.uscc.lower(): first.pk,
        licensees.sthj_only.public_id: licensees.sthj_only.pk,
    }
    assert missing == [person.public_id, "NOSUCHCODE"]
