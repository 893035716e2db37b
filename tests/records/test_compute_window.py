"""The rule table at every boundary: the day before, on and after each minimum and maximum."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from credit.records.models import PublicityRule, Visibility
from credit.records.publicity import (
    Rule,
    Rules,
    add_months,
    compute_window,
    load_rules,
    minimum_period_end,
    repair_allowed,
)

DECIDED = dt.date(2026, 1, 15)
DAY = dt.timedelta(days=1)
PENALTY = SimpleNamespace(open_attr="社会公开", publicity_rule="penalty_severity")
LICENCE = SimpleNamespace(open_attr="社会公开", publicity_rule="licence_validity")

PUBLIC, PENDING, ENDED = Visibility.PUBLIC, Visibility.PENDING, Visibility.ENDED
NOT_PUBLISHED, WITHDRAWN = Visibility.NOT_PUBLISHED, Visibility.WITHDRAWN


@pytest.fixture
def rules(db) -> Rules:
    """The rule table as seeded by the data migration from domain.md §4."""
    return load_rules()


def penalty(severity="一般", types="警告;罚款", minor=False, decided=DECIDED, withdrawn=None):
    return SimpleNamespace(
        decision_date=decided,
        severity=severity,
        publish_minor=minor,
        withdrawn_at=withdrawn,
        data={"CF_CFLB": types},
    )


def licence(until: dt.date, state="1", decided=DECIDED):
    return SimpleNamespace(
        decision_date=decided,
        severity="",
        data={"XK_YXQZ": decided.isoformat(), "XK_YXQZI": until.isoformat(), "XK_ZT": state},
    )


def state(record, rules, today, version=PENALTY):
    return compute_window(record, version, rules, today)[2]


def test_seeded_rule_table_matches_domain(rules):
    assert rules.get("penalty_severity", "轻微") == Rule("if_marked", None, 3)
    assert rules.get("penalty_severity", "一般") == Rule("yes", 3, 12)
    assert rules.get("penalty_severity", "严重") == Rule("yes", 12, 36)
    assert rules.get("licence_validity").publish == "while_valid"
    assert PublicityRule.objects.filter(penalty_type="行政拘留", active=True).exists()


def test_add_months_uses_the_corresponding_day_or_month_end():
    assert add_months(dt.date(2026, 1, 15), 3) == dt.date(2026, 4, 15)
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2027, 2, 28), 12) == dt.date(2028, 2, 28)
    assert add_months(dt.date(2028, 2, 29), 12) == dt.date(2029, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 12, 31), 36) == dt.date(2029, 12, 31)


def test_window_starts_on_the_decision_date(rules):
    record = penalty("一般")
    assert compute_window(record, PENALTY, rules, DECIDED - DAY) == (
        DECIDED,
        dt.date(2027, 1, 15),
        PENDING,
    )
    assert state(record, rules, DECIDED) == PUBLIC
    assert state(record, rules, DECIDED + DAY) == PUBLIC


@pytest.mark.parametrize(
    ("severity", "last_day"),
    [("一般", dt.date(2027, 1, 15)), ("严重", dt.date(2029, 1, 15))],
)
def test_maximum_period_day_before_on_and_after(rules, severity, last_day):
    record = penalty(severity)
    assert compute_window(record, PENALTY, rules, last_day)[:2] == (DECIDED, last_day)
    assert state(record, rules, last_day - DAY) == PUBLIC
    assert state(record, rules, last_day) == PUBLIC
    assert state(record, rules, last_day + DAY) == ENDED


@pytest.mark.parametrize(
    ("severity", "minimum_end"),
    [("一般", dt.date(2026, 4, 15)), ("严重", dt.date(2027, 1, 15))],
)
def test_minimum_period_day_before_on_and_after(rules, severity, minimum_end):
    """Publication continues through the minimum; only repair becomes possible after it."""
    record = penalty(severity)
    assert minimum_period_end(record, PENALTY, rules) == minimum_end
    for today, repairable in [
        (minimum_end - DAY, False),
        (minimum_end, False),
        (minimum_end + DAY, True),
    ]:
        assert state(record, rules, today) == PUBLIC
        assert repair_allowed(record, PENALTY, rules, today) is repairable


def test_minor_penalty_unmarked_is_never_published(rules):
    record = penalty("轻微", minor=False)
    for today in [DECIDED - DAY, DECIDED, DECIDED + DAY, dt.date(2026, 4, 15), dt.date(2030, 1, 1)]:
        assert compute_window(record, PENALTY, rules, today) == (None, None, NOT_PUBLISHED)
    assert minimum_period_end(record, PENALTY, rules) is None


def test_minor_penalty_marked_is_published_three_months(rules):
    record = penalty("轻微", minor=True)
    last_day = dt.date(2026, 4, 15)
    assert compute_window(record, PENALTY, rules, DECIDED) == (DECIDED, last_day, PUBLIC)
    assert state(record, rules, DECIDED - DAY) == PENDING
    assert state(record, rules, last_day - DAY) == PUBLIC
    assert state(record, rules, last_day) == PUBLIC
    assert state(record, rules, last_day + DAY) == ENDED
    # No minimum: repair as soon as obligations are met, i.e. from the next day.
    assert minimum_period_end(record, PENALTY, rules) == DECIDED
    assert not repair_allowed(record, PENALTY, rules, DECIDED)
    assert repair_allowed(record, PENALTY, rules, DECIDED + DAY)


def test_missing_severity_counts_as_general(rules):
    assert compute_window(penalty(""), PENALTY, rules, DECIDED)[1] == dt.date(2027, 1, 15)


def test_several_penalty_types_longest_period_applies():
    rules = Rules(
        {
            "penalty_severity": {
                ("一般", ""): Rule("yes", 3, 12),
                ("严重", ""): Rule("yes", 12, 36),
                ("", "行政拘留"): Rule("yes", 12, 60),
                ("", "罚款"): Rule("yes", 1, 6),
                ("", "其他"): Rule("no", None, 99),
            }
        }
    )
    longest = dt.date(2031, 1, 15)
    record = penalty("一般", types="罚款;行政拘留")
    assert compute_window(record, PENALTY, rules, DECIDED)[1] == longest
    assert state(record, rules, longest) == PUBLIC
    assert state(record, rules, longest + DAY) == ENDED
    assert minimum_period_end(record, PENALTY, rules) == dt.date(2027, 1, 15)
    # A shorter type row never shortens; a "no" type row is ignored.
    assert compute_window(penalty("严重", types="罚款"), PENALTY, rules, DECIDED)[1] == dt.date(
        2029, 1, 15
    )
    assert compute_window(penalty("一般", types="其他"), PENALTY, rules, DECIDED)[1] == dt.date(
        2027, 1, 15
    )


def test_seeded_type_rows_lengthen_a_marked_minor_penalty_but_never_publish_it(rules):
    marked = penalty("轻微", types="警告;责令停产停业", minor=True)
    assert compute_window(marked, PENALTY, rules, DECIDED)[1] == dt.date(2027, 1, 15)
    unmarked = penalty("轻微", types="责令停产停业", minor=False)
    assert compute_window(unmarked, PENALTY, rules, DECIDED)[2] == NOT_PUBLISHED
    serious = penalty("严重", types="行政拘留;罚款")
    assert compute_window(serious, PENALTY, rules, DECIDED)[1] == dt.date(2029, 1, 15)


def test_withdrawn_record_stays_withdrawn_whatever_the_date(rules):
    record = penalty("严重", withdrawn=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    assert compute_window(record, PENALTY, rules, DECIDED + DAY) == (
        DECIDED,
        dt.date(2029, 1, 15),
        WITHDRAWN,
    )


def test_licence_expiry_yesterday_today_tomorrow(rules):
    today = dt.date(2026, 6, 1)
    assert compute_window(licence(today - DAY), LICENCE, rules, today) == (
        DECIDED,
        today - DAY,
        ENDED,
    )
    assert compute_window(licence(today), LICENCE, rules, today) == (DECIDED, today, PUBLIC)
    assert compute_window(licence(today + DAY), LICENCE, rules, today)[2] == PUBLIC


def test_licence_2099_is_long_term(rules):
    record = licence(dt.date(2099, 12, 31))
    assert compute_window(record, LICENCE, rules, dt.date(2098, 1, 1)) == (DECIDED, None, PUBLIC)


def test_licence_invalid_state_is_not_published(rules):
    record = licence(dt.date(2030, 1, 1), state="2")
    assert compute_window(record, LICENCE, rules, dt.date(2026, 6, 1)) == (
        None,
        None,
        NOT_PUBLISHED,
    )


@pytest.mark.parametrize("open_attr", ["依申请公开", "不予公开"])
def test_item_not_open_to_society_is_never_public(rules, open_attr):
    for rule, record in [
        ("penalty_severity", penalty("严重")),
        ("licence_validity", licence(dt.date(2099, 12, 31))),
    ]:
        version = SimpleNamespace(open_attr=open_attr, publicity_rule=rule)
        assert compute_window(record, version, rules, DECIDED) == (None, None, NOT_PUBLISHED)


def test_unknown_rule_key_is_not_published(rules):
    version = SimpleNamespace(open_attr="社会公开", publicity_rule="")
    assert compute_window(penalty("严重"), version, rules, DECIDED)[2] == NOT_PUBLISHED


def test_inactive_rule_row_is_ignored(rules):
    PublicityRule.objects.filter(rule_key="penalty_severity", severity="严重").update(active=False)
    assert compute_window(penalty("严重"), PENALTY, load_rules(), DECIDED)[2] == NOT_PUBLISHED
