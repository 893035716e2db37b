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


_lock = threading.Lock()
_consumers: dict[str, dict[str, Consumer]] = {}


def register(
    dataset: str,
    name: str,
    *,
    row_check: RowCheckFactory | None = None,
    after_load: AfterLoad | None = None,
) -> Consumer:
    """Register (or replace) consumer `name` of the dataset with code `dataset`."""
    if row_check is None and after_load is None:
        raise ValueError(f"consumer {name} of {dataset} does nothing")
    consumer = Consumer(name, dataset, row_check, after_load)
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
