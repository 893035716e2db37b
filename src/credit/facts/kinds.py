"""The registry of fact kinds.

The apps owning facts register here (records, lists, and later commitments, grades), so the
kernel knows every kind without importing any of them. A kind's rule is
`visible(audience, day, *, department=None, subject=None) -> Q` over its model; the
audiences that need a viewer get one: PROVIDER a department id, SUBJECT a subject id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from credit.facts.audience import Audience

# The names of the kinds registered today, so that readers need not import the app that
# registers a kind to name it.
RECORD = "record"
LIST_ENTRY = "list_entry"

Rule = Callable[..., Q]


@dataclass(frozen=True)
class FactKind:
    name: str
    label: str
    model: type[Model]
    rule: Rule


_kinds: dict[str, FactKind] = {}


def register(name: str, model: type[Model], rule: Rule, label: str = "") -> FactKind:
    """Register (or, on a repeated ready(), replace) a kind of fact and its rule."""
    registered = FactKind(name, label or str(model._meta.verbose_name), model, rule)
    _kinds[name] = registered
    return registered


def kind(name: str) -> FactKind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(
            f"no fact kind {name!r} is registered (registered: {sorted(_kinds)}); "
            "is the app that owns it in INSTALLED_APPS?"
        ) from None


def registered() -> list[FactKind]:
    return list(_kinds.values())


def _pk(value) -> int | None:
    return getattr(value, "pk", value)


def visible(
    name: str,
    audience: Audience | str,
    day: dt.date | None = None,
    department=None,
    subject=None,
    actor=None,
) -> Q:
    """The condition a fact of kind `name` meets while `audience` may see it on `day`
    (today by default). PROVIDER needs `department` (or an `actor` with one), SUBJECT
    needs `subject` (an instance or an id)."""
    audience = Audience(audience)
    if department is None and actor is not None:
        department = actor.department_id
    department, subject = _pk(department), _pk(subject)
    if audience == Audience.PROVIDER and department is None:
        raise ValueError("the providing department's view needs the department")
    if audience == Audience.SUBJECT and subject is None:
        raise ValueError("the subject's own view needs the subject")
    return kind(name).rule(
        audience, day or timezone.localdate(), department=department, subject=subject
    )


def readable(
    name: str,
    audience: Audience | str,
    day: dt.date | None = None,
    department=None,
    subject=None,
    actor=None,
) -> QuerySet:
    """The facts of kind `name` that `audience` may see on `day`, unordered."""
    condition = visible(name, audience, day, department, subject, actor)
    return kind(name).model._default_manager.filter(condition)
