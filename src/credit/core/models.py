"""Shared configuration tables of the kernel."""

from django.db import models


class Holiday(models.Model):
    """An override of the official calendar: a date that is (or is not) a working day.

    chinese-calendar knows only the years it ships; the credit office extends and
    corrects it here. `year_complete` rows mark a year as fully covered by this table.
    """

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=50, blank=True)

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'工作日' if self.is_workday else '休息日'} {self.name}"


class CalendarYear(models.Model):
    """A year whose holidays the credit office has entered completely in Holiday."""

    year = models.PositiveIntegerField("年份", unique=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "已维护年度"
        verbose_name_plural = "已维护年度"
        ordering = ["year"]


class RateCounter(models.Model):
    """One client's request count in the current rate-limit window (credit.core.ratelimit).

    The shared store of the anonymous rate limit when no Redis is configured: every web
    worker counts in this one row per client and bucket through an atomic upsert, so the
    limit holds across processes (a per-process memory cache let N workers admit N times
    the limit). On PostgreSQL the table is UNLOGGED: counts need no crash safety and
    should not cost WAL on every anonymous request.
    """

    key = models.CharField("键", max_length=200, primary_key=True)
    window_start = models.BigIntegerField("窗口起点")
    hits = models.IntegerField("次数")

    class Meta:
        verbose_name = "访问频率计数"
        verbose_name_plural = "访问频率计数"
