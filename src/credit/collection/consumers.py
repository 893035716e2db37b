"""Dataset consumers: what apps above collection do with a dataset's rows.

The pipeline reads, validates, links and upserts every dataset the same way; a dataset
with a behaviour of its own (list decisions becoming list entries, …) is handled by the
app that owns that behaviour, which registers a `Consumer` here from its
`AppConfig.ready()`. The pipeline asks this registry and imports no app above collection
(import-linter checks it: `make lint`).

A consumer may give, per dataset code:

- `row_check(actor, fields) -> validation.RowCheck`: built once per batch, run on every
  row while validating, for rules the catalog cannot express because they depend on stored
  data. Its problems are row errors like any other (nothing is stored for such a row).
  `actor` is who the batch's follow-up writes will be made as.
- `after_load(batch)`: called inside the batch's load transaction, right after the records
  upsert, so the consumer's writes and the records are stored together or not at all (a
  validate-only run rolls both back). To refuse the batch whole it raises `Refused`; the
  pipeline then fails the batch with the exception's Chinese message. Any other exception
  fails the batch as a platform error.
- `on_time(fields) -> (values -> bool)`: built once per batch; says a row reached the
  platform in time by another way (a list decision made in the console's procedure), so
  it is never counted late (超期), neither when stored nor in the batch's report.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from credit.collection.validation import RowCheck
from credit.core.actors import Actor

if TYPE_CHECKING:
    from credit.collection.models import Batch

RowCheckFactory = Callable[[Actor, list], RowCheck]
AfterLoad = Callable[["Batch"], Any]
OnTimeFactory = Callable[[list], Callable[[dict], bool]]


class Refused(Exception):
    """A consumer refuses a batch at load time; `message` (Chinese) becomes the batch's."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Consumer:
    """One app's handling of one dataset. `name` identifies the registration (re-registering
    the same name replaces it, so a repeated `ready()` does not run a consumer twice)."""

    name: str
    dataset: str
    row_check: RowCheckFactory | None = None
    after_load: AfterLoad | None = None
    on_time: OnTimeFactory | None = None


_lock = threading.Lock()
_consumers: dict[str, dict[str, Consumer]] = {}


def register(
    dataset: str,
    name: str,
    *,
    row_check: RowCheckFactory | None = None,
    after_load: AfterLoad | None = None,
    on_time: OnTimeFactory | None = None,
) -> Consumer:
    """Register (or replace) consumer `name` of the dataset with code `dataset`."""
    if row_check is None and after_load is None and on_time is None:
        raise ValueError(f"consumer {name} of {dataset} does nothing")
    consumer = Consumer(name, dataset, row_check, after_load, on_time)
    with _lock:
        _consumers.setdefault(dataset, {})[name] = consumer
    return consumer


def unregister(dataset: str, name: str) -> None:
    with _lock:
        _consumers.get(dataset, {}).pop(name, None)


def of(dataset: str) -> list[Consumer]:
    """The consumers of a dataset, in registration order."""
    return list(_consumers.get(dataset, {}).values())


def row_checks(dataset: str, actor: Actor, fields) -> list[RowCheck]:
    """The row checks of one batch of `dataset`, each built once."""
    return [c.row_check(actor, fields) for c in of(dataset) if c.row_check is not None]


def after_load(batch: Batch) -> None:
    """Run every after-load step of the batch's dataset (inside the load transaction)."""
    for consumer in of(batch.dataset.code):
        if consumer.after_load is not None:
            consumer.after_load(batch)


def on_time_check(dataset: str, fields) -> Callable[[dict], bool] | None:
    """One batch's test "this row was on time by another way", or None when no consumer of
    the dataset knows such rows."""
    checks = [c.on_time(fields) for c in of(dataset) if c.on_time is not None]
    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]
    return lambda values: any(check(values) for check in checks)
