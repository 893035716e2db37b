"""Paging over tables that gain a row per credit check (the check list, the audit trail)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` rows.

    Django's paginator counts the whole result for "共 N 条" on every page view; on the
    check list and the access log, which gain a row per check, that is a scan of millions
    of rows. Past the cap the page says "10000+" and the newest `cap` rows can be paged
    through; filters (date, department, subject) narrow the rest down.
    """

    def __init__(self, object_list, per_page, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        # A sliced queryset counts in a subquery with LIMIT: it stops at cap + 1 rows.
        return min(self.object_list[: self.cap + 1].count(), self.cap + 1)

    @cached_property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return -(-self.cap // self.per_page)
        return super().num_pages
