"""The eligibility self-check of a fact (信用修复自查): may it be repaired at all, from
which day, and with which materials (domain.md §4–§5).

Decided by catalog attributes, not dataset codes: a record may be repaired when its
dataset is 不良信息 and its publicity rule is the penalty rule (终止公示 after the minimum
period of the rule table, counted from the record's own decision date) or a listing rule
that runs until a removal date (经营异常名录: repairable once the cause is corrected); a
list entry when it is a black-list entry in force and its list type allows early removal
(from `early_removal_after_months` into its period).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from credit.catalog.models import Category
from credit.core import periods
from credit.lists import exposure as list_exposure
from credit.lists import services as lists
from credit.lists.models import Color, ListEntry
from credit.records import publicity
from credit.records.models import Record, Visibility
from credit.repairs import settings as repair_settings
from credit.repairs.models import OPEN_STATES, RepairApplication, State

COMMON_MATERIALS = [
    "信用修复申请书（平台填报即生成）",
    "信用修复承诺书（平台填报时勾选并签名）",
    "主体身份证明：营业执照副本复印件，或自然人身份证明",
    "由代理人办理的，提供授权委托书及代理人身份证明",
]
PENALTY_MATERIALS = [
    "已履行行政处罚决定的证明材料（如罚款缴纳凭证、整改完成的证明）",
]
ABNORMAL_MATERIALS = [
    "已纠正经营异常情形的证明材料（如补报年度报告、变更住所的证明）",
]
LIST_MATERIALS = [
    "已纠正失信行为、履行相关法定义务的证明材料",
    "列入名单的决定书载明的移出条件已满足的说明",
]


@dataclass(frozen=True)
class Eligibility:
    """The answer of the self-check. `repairable`: the fact type may be repaired at all;
    `eligible`: an application may be made today; `earliest`: the first day it may."""

    kind: str
    kind_label: str
    repairable: bool
    eligible: bool
    earliest: dt.date | None
    message: str
    materials: list[str] = field(default_factory=list)
    minimum_period_end: dt.date | None = None


def _refused(kind, label, message, *, repairable=False, earliest=None, materials=None, end=None):
    return Eligibility(kind, label, repairable, False, earliest, message, materials or [], end)


def _bar(*, record=None, entry=None, today: dt.date) -> Eligibility | None:
    """Refusal when an application for the fact is open, or a revoked repair bars it."""
    apps = RepairApplication.objects.filter(record=record, list_entry=entry)
    if apps.filter(state__in=OPEN_STATES).exists():
        return _refused("", "", "该信息已有正在办理的信用修复申请，请勿重复申请", repairable=True)
    barred = (
        apps.filter(state=State.REVOKED, barred_until__gte=today)
        .order_by("-barred_until")
        .values_list("barred_until", flat=True)
        .first()
    )
    if barred:
        since = barred + periods.ONE_DAY
        return _refused(
            "",
            "",
            f"该信息的信用修复因提供虚假材料被撤销，{since.isoformat()} 起方可再次申请",
            repairable=True,
            earliest=since,
        )
    return None


def _with_kind(result: Eligibility, kind: str, label: str, materials) -> Eligibility:
    return Eligibility(
        kind,
        label,
        result.repairable,
        result.eligible,
        result.earliest,
        result.message,
        list(materials),
        result.minimum_period_end,
    )


def for_record(record: Record, today: dt.date | None = None) -> Eligibility:
    today = today or timezone.localdate()
    version = record.dataset_version
    rule = publicity.spec_of(version).rule
    if version.category != Category.BAD:
        return _refused("", record.dataset.name, "该类信息不是失信信息，不适用信用修复")
    if rule == publicity.PENALTY:
        kind, materials = "penalty_record", COMMON_MATERIALS + PENALTY_MATERIALS
    elif rule == publicity.VALID_UNTIL:
        kind, materials = "abnormal", COMMON_MATERIALS + ABNORMAL_MATERIALS
    else:
        return _refused("", record.dataset.name, f"“{record.dataset.name}”不适用信用修复")
    label = record.dataset.name
    if record.withdrawn_at is not None:
        return _refused(kind, label, "该记录已撤回，无需信用修复")
    if record.repaired_at is not None:
        return _refused(kind, label, "该记录已信用修复")
    ended = record.public_until is not None and record.public_until < today
    if record.visibility == Visibility.ENDED or ended:
        return _refused(kind, label, "该记录公示期已满，已停止公示和共享，无需信用修复")
    barred = _bar(record=record, today=today)
    if barred is not None:
        return _with_kind(barred, kind, label, materials)
    end = None
    if kind == "penalty_record":
        end = publicity.minimum_period_end(record, version, publicity.load_rules())
        earliest = (end + periods.ONE_DAY) if end is not None else record.decision_date
    else:
        earliest = record.public_from or record.decision_date
    if today < earliest:
        return _refused(
            kind,
            label,
            f"最短公示期未满，{earliest.isoformat()} 起方可申请信用修复",
            repairable=True,
            earliest=earliest,
            materials=materials,
            end=end,
        )
    return Eligibility(
        kind,
        label,
        True,
        True,
        earliest,
        "可以申请信用修复：请确认已履行相关义务，并准备以下材料",
        list(materials),
        end,
    )


def for_entry(entry: ListEntry, today: dt.date | None = None) -> Eligibility:
    today = today or timezone.localdate()
    list_type = entry.list_type
    kind, label = "list_entry", list_type.name
    materials = COMMON_MATERIALS + LIST_MATERIALS
    if list_type.color != Color.BLACK:
        return _refused(kind, label, "守信激励名单无需信用修复")
    if not list_type.early_removal_allowed:
        return _refused(kind, label, f"“{label}”不适用申请提前移出，期满后自动移出")
    if not list_exposure.is_in_force(entry, today):
        return _refused(kind, label, "该名单条目当前不在列入期内，无需信用修复", repairable=True)
    barred = _bar(entry=entry, today=today)
    if barred is not None:
        return _with_kind(barred, kind, label, materials)
    earliest = lists.earliest_early_removal(entry)
    if earliest is not None and today < earliest:
        return _refused(
            kind,
            label,
            f"列入满 {list_type.early_removal_after_months} 个月后方可申请信用修复"
            f"（{earliest.isoformat()} 起）",
            repairable=True,
            earliest=earliest,
            materials=materials,
        )
    return Eligibility(
        kind,
        label,
        True,
        True,
        earliest,
        "可以申请信用修复：请确认已纠正失信行为，并准备以下材料",
        list(materials),
    )


def check(fact, today: dt.date | None = None) -> Eligibility:
    if isinstance(fact, ListEntry):
        return for_entry(fact, today)
    return for_record(fact, today)


def bar_until(today: dt.date) -> dt.date:
    """Last day on which a fact whose repair was revoked today may not be applied for."""
    return periods.period_end(today + periods.ONE_DAY, repair_settings.bar_months())
