from __future__ import annotations

import pytest

from credit.core.actors import Actor
from credit.core.identifiers import make_uscc
from credit.core.workdays import reset_cache
from credit.lists.models import ListType
from credit.subjects.models import Subject


@pytest.fixture(autouse=True)
def fresh_calendar():
    reset_cache()
    yield
    reset_cache()


@pytest.fixture
def make_subject(db):
    counter = iter(range(1, 10_000))

    def make(name: str | None = None, kind: str = "organization") -> Subject:
        n = next(counter)
        name = name or f"本溪市名单测试有限公司{n}"
        return Subject.objects.create(
            public_id=f"pub-list-{n}",
            kind=kind,
            name=name,
            name_norm=name,
            uscc=make_uscc(f"91210502MB{n:07d}") if kind != "person" else None,
        )

    return make


@pytest.fixture
def subject(make_subject) -> Subject:
    return make_subject()


@pytest.fixture
def samr_list(departments) -> ListType:
    return ListType.objects.get(code="samr_serious_violation")


@pytest.fixture
def scjg_actor(operator_user) -> Actor:
    return Actor.for_user(operator_user)


@pytest.fixture
def sthj_actor(other_operator) -> Actor:
    return Actor.for_user(other_operator)
