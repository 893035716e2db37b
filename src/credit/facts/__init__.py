"""The credit-facts kernel: who may see which fact about a subject, on which day.

A fact is a record of any dataset, a list entry, and the kinds that follow. Each kind's app
registers, in its AppConfig.ready(), one function answering "may audience A see this fact
on day D" as a Q over its model (`kinds.register`). Every reader starts from `visible()` or
`readable()` here and never restates the rule; hot paths compile these querysets once per
process (`credit.core.sqlcompile`). This package imports no app that registers into it.
"""

from credit.facts.audience import Audience
from credit.facts.kinds import LIST_ENTRY, RECORD, kind, readable, register, visible


def disputed(kind_name: str, ids) -> set[int]:
    """The facts of `kind_name` among `ids` carrying an open 异议标注 (facts.disputes)."""
    from credit.facts.disputes import disputed as _disputed

    return _disputed(kind_name, ids)


__all__ = [
    "LIST_ENTRY",
    "RECORD",
    "Audience",
    "disputed",
    "kind",
    "readable",
    "register",
    "visible",
]
