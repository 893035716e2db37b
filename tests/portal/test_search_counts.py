"""Search results and the home page count public records per catalog dataset and profile
section, and still under the two keys clients read (licences, penalties)."""

from __future__ import annotations

import pytest

from credit.portal.present import count_public
from credit.records import queries
from credit.subjects.search import search_subjects

from .conftest import COMPANY

pytestmark = pytest.mark.django_db


def test_search_hit_counts_per_dataset_and_section(portal_data):
    (hit,) = search_subjects("钢铁贸易", count_records=count_public, public_only=True).hits
    assert hit.name == COMPANY
    # Only the public penalty counts: the expired and the withdrawn one are not public.
    assert hit.datasets == {"licence": 1, "penalty": 1}
    assert hit.sections == {"行政管理": 2}
    assert (hit.licences, hit.penalties) == (1, 1)


def test_search_without_a_counter_counts_nothing(portal_data):
    (hit,) = search_subjects("钢铁贸易").hits
    assert (hit.datasets, hit.sections, hit.licences, hit.penalties) == ({}, {}, 0, 0)


def test_home_counts_group_every_public_record_by_its_catalog_attributes(portal_data):
    counts = queries.public_counts_by_dataset()
    public = queries.public_records()
    assert sum(counts["datasets"].values()) == public.count()
    assert sum(counts["sections"].values()) == public.count()
    assert counts["datasets"]["penalty"] == public.filter(dataset__code="penalty").count()
    assert (
        counts["legacy"]
        == queries.public_counts()
        == {
            "licences": public.filter(dataset__code="licence").count(),
            "penalties": public.filter(dataset__code="penalty").count(),
        }
    )
