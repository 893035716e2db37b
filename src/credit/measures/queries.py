"""Reads of the measure list shared with the credit checks, the console and the portal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models

from credit import facts
from credit.catalog import attributes
from credit.measures.models import Measure, Scenario


def check_records(today: dt.date | None = None) -> models.QuerySet:
    """The records a credit check reports: those the kernel lets checks see, of the
    datasets the catalog says a check summarises (`check_summary`, by default the 不良
    ones). Both the general path and the single check's compiled statement start here."""
    return facts.readable(facts.RECORD, facts.Audience.CHECK, today).filter(
        attributes.check_summary_condition("dataset_version__")
    )


_KIND_FLAG = {
    "organization": "for_organization",
    "sole_trader": "for_sole_trader",
    "person": "for_person",
}


def scenarios() -> list[Scenario]:
    """Active scenarios in display order."""
    return list(Scenario.objects.filter(active=True))


def scenarios_for(department_id: int | None, everything: bool = False) -> list[Scenario]:
    """Active scenarios a department may check in: those open to all departments and those
    limited to it (`everything`: the credit office, which may use all)."""
    active = Scenario.objects.filter(active=True)
    if everything:
        return list(active)
    return list(
        active.filter(models.Q(departments=None) | models.Q(departments=department_id)).distinct()
    )


def get_scenario(code: str) -> Scenario | None:
    return Scenario.objects.filter(code=code, active=True).first()


def applicable_measures(
    list_type_ids: Iterable[int], scenario_code: str, subject_kind: str
) -> list[Measure]:
    """Active measures for any of these lists, in this scenario, fitting this subject kind.

    Each measure appears once even when several of the lists carry it; `list_types` is
    prefetched so a caller can say which list triggered it.
    """
    ids = list(set(list_type_ids))
    flag = _KIND_FLAG.get(subject_kind)
    if not ids or flag is None:
        return []
    return list(
        Measure.objects.filter(
            active=True,
            list_types__id__in=ids,
            scenarios__code=scenario_code,
            scenarios__active=True,
            **{flag: True},
        )
        .distinct()
        .prefetch_related("list_types")
        .order_by("position", "code")
    )


def measures_of_list(list_type_id: int) -> list[Measure]:
    """Every active measure attached to one list, for the list's public page."""
    return list(
        Measure.objects.filter(active=True, list_types__id=list_type_id)
        .prefetch_related("scenarios")
        .order_by("position", "code")
    )
