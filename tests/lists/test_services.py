"""The list-entry procedure: every transition, the refused ones, dates and permissions."""

from __future__ import annotations

import datetime as dt

import pytest

from credit.audit.models import ChangeLog
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.lists import queries, services
from credit.lists.models import EntryState, ListEntry, ListType, RemovalKind

pytestmark = pytest.mark.django_db

# Friday before the 2025 National Day holidays: Sunday 28 Sep is a make-up working day,
# 1–8 Oct are holidays, so the 5th working day after it is Friday 10 Oct.
NOTICE = dt.date(2025, 9, 26)
DEADLINE = dt.date(2025, 10, 10)


def _notify(actor, list_type, subject, number="本市监告〔2025〕1号", on=NOTICE):
    return services.notify(
        actor, list_type, subject, number, on, "多次抽检不合格拒不整改", "直接送达"
    )


def _decided(actor, list_type, subject, decided=dt.date(2025, 10, 13), **kwargs):
    entry = _notify(actor, list_type, subject)
    return services.decide(
        actor,
        entry,
        kwargs.pop("number", "本市监严〔2025〕1号"),
        decided,
        "一年内三次抽检不合格",
        "《市场监督管理严重违法失信名单管理办法》",
        **kwargs,
    )


def test_list_types_seeded_and_linked_to_departments(departments):
    assert ListType.objects.count() >= 12
    samr = ListType.objects.get(code="samr_serious_violation")
    assert samr.department.name == "本溪市市场监督管理局"
    assert samr.color == "black" and samr.default_period_months == 36
    tax = ListType.objects.get(code="tax_major_violation")
    assert tax.department.name == "国家税务总局本溪市税务局"
    court = ListType.objects.get(code="court_dishonest")
    assert court.department is None and court.authority_display == "人民法院"
    assert ListType.objects.get(code="tax_grade_a").color == "red"
    assert ListType.objects.get(code="customs_advanced").color == "red"
    assert set(ListType.objects.values_list("statement_workdays", flat=True)) == {5}


def test_full_procedure_with_events_and_change_log(scjg_actor, samr_list, subject):
    entry = _notify(scjg_actor, samr_list, subject)
    assert entry.state == EntryState.NOTIFIED
    assert entry.statement_deadline == DEADLINE
    assert entry.department_id == samr_list.department_id

    services.record_statement(scjg_actor, entry, "抽检程序有误", "经核实抽检程序合法")
    assert entry.statement_text == "抽检程序有误"

    services.decide(
        scjg_actor,
        entry,
        "本市监严〔2025〕1号",
        dt.date(2025, 10, 13),
        "一年内三次抽检不合格",
        "《市场监督管理严重违法失信名单管理办法》",
    )
    assert entry.state == EntryState.DECIDED
    assert entry.period_start == dt.date(2025, 10, 13)
    # 36 months including the decision day, as decisions write it: 2025-10-13 to 2028-10-12.
    assert entry.period_end == dt.date(2028, 10, 12)

    services.publish(scjg_actor, entry, on=dt.date(2025, 10, 14))
    assert entry.state == EntryState.PUBLISHED

    services.remove(scjg_actor, entry, "已整改并申请提前移出", on=dt.date(2026, 10, 13))
    entry.refresh_from_db()
    assert entry.state == EntryState.REMOVED
    assert entry.removal_kind == RemovalKind.APPLICATION
    assert entry.removed_on == dt.date(2026, 10, 13)

    events = list(entry.events.values_list("action", "from_state", "to_state", "actor_label"))
    assert events == [
        ("notify", "", "notified", "t_scjg"),
        ("statement", "notified", "notified", "t_scjg"),
        ("decide", "notified", "decided", "t_scjg"),
        ("publish", "decided", "published", "t_scjg"),
        ("remove_application", "published", "removed", "t_scjg"),
    ]
    actions = list(
        ChangeLog.objects.filter(object_type="ListEntry", object_id=str(entry.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "list_entry.notify",
        "list_entry.statement",
        "list_entry.decide",
        "list_entry.publish",
        "list_entry.remove_application",
    ]


def test_decide_refused_inside_statement_window(scjg_actor, samr_list, subject):
    entry = _notify(scjg_actor, samr_list, subject)
    with pytest.raises(ServiceError) as exc:
        services.decide(scjg_actor, entry, "X〔2025〕1号", DEADLINE, "事实", "依据")
    assert exc.value.code == "statement_window_open"
    assert "2025-10-10" in exc.value.message
    entry.refresh_from_db()
    assert entry.state == EntryState.NOTIFIED
    # The first day after the window is fine, even though it is a Saturday.
    services.decide(scjg_actor, entry, "X〔2025〕1号", dt.date(2025, 10, 11), "事实", "依据")
    assert entry.state == EntryState.DECIDED


def test_waived_statement_allows_immediate_decision(scjg_actor, samr_list, subject):
    entry = _notify(scjg_actor, samr_list, subject)
    services.waive_statement(scjg_actor, entry, NOTICE, "放弃书〔2025〕2号")
    services.decide(scjg_actor, entry, "X〔2025〕2号", NOTICE, "事实", "依据")
    assert entry.state == EntryState.DECIDED
    with pytest.raises(ServiceError):
        services.waive_statement(scjg_actor, entry, NOTICE, "放弃书〔2025〕2号")


def test_statement_window_length_is_configurable(scjg_actor, samr_list, subject):
    samr_list.statement_workdays = 10
    samr_list.save()
    entry = _notify(scjg_actor, samr_list, subject)
    # 5 more working days after 10 Oct: 11 (make-up Saturday), 13, 14, 15, 16 Oct.
    assert entry.statement_deadline == dt.date(2025, 10, 16)


def test_illegal_transitions_refused(scjg_actor, samr_list, subject):
    entry = _notify(scjg_actor, samr_list, subject)
    with pytest.raises(ServiceError) as exc:
        services.publish(scjg_actor, entry)
    assert exc.value.code == "publish_not_allowed"
    with pytest.raises(ServiceError) as exc:
        services.remove(scjg_actor, entry, "理由")
    assert exc.value.code == "remove_not_allowed"

    services.decide(scjg_actor, entry, "X〔2025〕3号", dt.date(2025, 10, 13), "事实", "依据")
    with pytest.raises(ServiceError) as exc:
        services.decide(scjg_actor, entry, "X〔2025〕4号", dt.date(2025, 10, 14), "事实", "依据")
    assert exc.value.code == "decide_not_allowed"
    with pytest.raises(ServiceError):
        services.record_statement(scjg_actor, entry, "迟到的意见", "答复")
    with pytest.raises(ServiceError) as exc:
        services.publish(scjg_actor, entry, on=dt.date(2025, 10, 12))
    assert exc.value.code == "publish_before_decision"

    services.publish(scjg_actor, entry, on=dt.date(2025, 10, 13))
    with pytest.raises(ServiceError) as exc:
        services.publish(scjg_actor, entry)
    assert exc.value.code == "already_published"

    services.remove(scjg_actor, entry, "决定被撤销", kind=RemovalKind.REVOKED)
    with pytest.raises(ServiceError) as exc:
        services.remove(scjg_actor, entry, "再次移出", kind=RemovalKind.REVOKED)
    assert exc.value.code == "already_removed"
    assert "不能重复移出" in exc.value.message
    assert entry.events.count() == 4


def test_duplicate_notice_and_decision_number_refused(scjg_actor, samr_list, make_subject):
    first = make_subject()
    _notify(scjg_actor, samr_list, first)
    with pytest.raises(ServiceError) as exc:
        _notify(scjg_actor, samr_list, first, number="本市监告〔2025〕9号")
    assert exc.value.code == "list_entry_pending"

    _decided(scjg_actor, samr_list, make_subject(), number="本市监严〔2025〕7号")
    other = _notify(scjg_actor, samr_list, make_subject(), number="本市监告〔2025〕8号")
    with pytest.raises(ServiceError) as exc:
        services.decide(
            scjg_actor, other, "本市监严 〔2025〕7号", dt.date(2025, 10, 13), "事实", "依据"
        )
    assert exc.value.code == "decision_number_taken"


def test_withdraw_after_statement(scjg_actor, samr_list, subject):
    entry = _notify(scjg_actor, samr_list, subject)
    services.record_statement(scjg_actor, entry, "已全部整改", "经核实属实")
    services.withdraw(scjg_actor, entry, "陈述申辩理由成立，不予列入")
    assert entry.state == EntryState.WITHDRAWN
    with pytest.raises(ServiceError):
        services.decide(scjg_actor, entry, "X〔2025〕5号", dt.date(2025, 10, 13), "事实", "依据")
    # A new procedure may start once the earlier one ended.
    again = _notify(scjg_actor, samr_list, subject, number="本市监告〔2025〕2号")
    assert again.state == EntryState.NOTIFIED


def test_period_given_within_maximum(admin_user, subject, departments):
    actor = Actor.for_user(admin_user)
    procurement = ListType.objects.get(code="procurement_serious")
    entry = services.notify(
        actor, procurement, subject, "本财告〔2025〕1号", NOTICE, "提供虚假材料"
    )
    with pytest.raises(ServiceError) as exc:
        services.decide(
            actor,
            entry,
            "本财决〔2025〕1号",
            dt.date(2025, 10, 13),
            "事实",
            "依据",
            period_end=dt.date(2028, 10, 14),
        )
    assert exc.value.code == "period_too_long"
    services.decide(
        actor,
        entry,
        "本财决〔2025〕1号",
        dt.date(2025, 10, 13),
        "事实",
        "依据",
        period_end=dt.date(2026, 10, 12),
    )
    assert entry.period_end == dt.date(2026, 10, 12)


def test_another_department_cannot_act(scjg_actor, sthj_actor, samr_list, subject):
    with pytest.raises(PermissionDenied):
        _notify(sthj_actor, samr_list, subject)
    entry = _notify(scjg_actor, samr_list, subject)
    with pytest.raises(PermissionDenied):
        services.decide(sthj_actor, entry, "X〔2025〕6号", dt.date(2025, 10, 13), "事实", "依据")
    with pytest.raises(PermissionDenied):
        services.record_statement(sthj_actor, entry, "意见", "答复")
    entry.refresh_from_db()
    assert entry.state == EntryState.NOTIFIED


def test_credit_office_may_act_and_enters_court_lists(
    system_actor, credit_office, samr_list, scjg_actor, subject, make_subject
):
    from credit.accounts import services as accounts
    from credit.accounts.models import Role

    office_user = accounts.create_user(
        system_actor, "t_office_op", "Benxi-credit-2024!", Role.OPERATOR, credit_office, "信用办"
    )
    office = Actor.for_user(office_user)
    entry = _notify(scjg_actor, samr_list, subject)
    services.waive_statement(office, entry, NOTICE, "放弃书〔2025〕3号")
    assert entry.statement_waived

    court = ListType.objects.get(code="court_dishonest")
    with pytest.raises(PermissionDenied):
        services.enter_decided(
            scjg_actor, court, make_subject(), "(2025)辽0502执1号", NOTICE, "", "法释〔2017〕7号"
        )
    court_entry, created = services.enter_decided(
        office,
        court,
        make_subject(),
        "(2025)辽0502执1号",
        NOTICE,
        "有履行能力而拒不履行",
        "法释〔2017〕7号",
        authority_name="本溪市平山区人民法院",
    )
    assert created and court_entry.state == EntryState.PUBLISHED
    assert court_entry.period_end is None and court_entry.department_id == credit_office.pk


def test_early_removal_rules(scjg_actor, admin_user, samr_list, make_subject, departments):
    entry = _decided(scjg_actor, samr_list, make_subject())
    with pytest.raises(ServiceError) as exc:
        services.remove(scjg_actor, entry, "申请提前移出", on=dt.date(2026, 10, 12))
    assert exc.value.code == "early_removal_too_soon"
    assert "2026-10-13" in exc.value.message

    actor = Actor.for_user(admin_user)
    stats = ListType.objects.get(code="statistics_serious")
    stat_entry = services.notify(
        actor, stats, make_subject(), "本统告〔2025〕1号", NOTICE, "统计造假"
    )
    services.decide(actor, stat_entry, "本统决〔2025〕1号", dt.date(2025, 10, 13), "事实", "依据")
    with pytest.raises(ServiceError) as exc:
        services.remove(actor, stat_entry, "申请提前移出", on=dt.date(2026, 1, 5))
    assert exc.value.code == "early_removal_not_allowed"
    services.remove(actor, stat_entry, "决定被复议撤销", on=dt.date(2026, 1, 5), kind="revoked")
    assert stat_entry.state == EntryState.REMOVED


def test_expiry_on_the_right_day_and_idempotent(scjg_actor, samr_list, subject):
    entry = _decided(scjg_actor, samr_list, subject)
    services.publish(scjg_actor, entry, on=dt.date(2025, 10, 13))
    last_day = dt.date(2028, 10, 12)
    assert entry.period_end == last_day

    assert queries.current_entries([subject.pk], today=last_day)[subject.pk] == [entry]
    assert queries.public_entries_of(subject, today=last_day) == [entry]
    day_after = last_day + dt.timedelta(days=1)
    # Out of every view the day after, before the job has run.
    assert queries.current_entries([subject.pk], today=day_after) == {}
    assert queries.public_entries_of(subject, today=day_after) == []
    assert list(queries.public_entries(samr_list, today=day_after)) == []

    assert services.expire_entries(today=last_day) == 0
    assert services.expire_entries(today=day_after) == 1
    assert services.expire_entries(today=day_after) == 0
    entry.refresh_from_db()
    assert entry.state == EntryState.REMOVED
    assert entry.removal_kind == RemovalKind.EXPIRY
    assert entry.removed_on == day_after
    assert entry.events.last().actor_label == services.EXPIRY_ACTOR_LABEL
    assert queries.current_entries([subject.pk], today=last_day) == {}


def test_current_entries_per_subject(scjg_actor, samr_list, make_subject, admin_user):
    listed, clean = make_subject(), make_subject()
    entry = _decided(scjg_actor, samr_list, listed)
    red = ListType.objects.get(code="customs_advanced")
    red_entry, _ = services.enter_decided(
        Actor.for_user(admin_user),
        red,
        listed,
        "海关认证〔2025〕1号",
        dt.date(2025, 4, 1),
        "",
        "纳税信用评价",
        publish_now=False,
    )
    found = queries.current_entries([listed.pk, clean.pk], today=dt.date(2025, 12, 1))
    assert set(found) == {listed.pk}
    assert {e.pk for e in found[listed.pk]} == {entry.pk, red_entry.pk}
    # Decided but unpublished entries count for checks, not for the public.
    assert queries.public_entries_of(listed, today=dt.date(2025, 12, 1)) == []
    before_decision = queries.current_entries([listed.pk], today=dt.date(2025, 10, 12))
    assert [e.pk for e in before_decision[listed.pk]] == [red_entry.pk]


def test_enter_decided_is_idempotent_and_expires_past_periods(
    admin_user, make_subject, departments
):
    actor = Actor.for_user(admin_user)
    tax = ListType.objects.get(code="tax_major_violation")
    subject = make_subject()
    entry, created = services.enter_decided(
        actor, tax, subject, "本税稽罚〔2021〕3号", dt.date(2021, 3, 1), "偷税", "54号令"
    )
    assert created
    # Three years from 2021-03-01 ended on 2024-02-29: already out when entered.
    assert entry.period_end == dt.date(2024, 2, 29)
    assert entry.state == EntryState.REMOVED and entry.removed_on == dt.date(2024, 3, 1)
    again, created = services.enter_decided(
        actor, tax, subject, "本税稽罚 〔2021〕3号", dt.date(2021, 3, 1), "偷税", "54号令"
    )
    assert not created and again.pk == entry.pk
    assert ListEntry.objects.filter(list_type=tax).count() == 1


def test_period_end_for_uses_the_core_period():
    assert services.period_end_for(dt.date(2026, 12, 5), 36) == dt.date(2029, 12, 4)
    assert services.period_end_for(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert services.period_end_for(dt.date(2024, 3, 15), 36) == dt.date(2027, 3, 14)
    assert services.period_end_for(dt.date(2025, 1, 1), None) is None


def test_each_procedure_step_writes_its_outbox_event(scjg_actor, samr_list, subject):
    from credit.facts import LIST_ENTRY
    from credit.facts.models import FactEvent

    today = dt.date.today()
    entry, _ = services.enter_decided(
        scjg_actor,
        samr_list,
        subject,
        "本市监严违〔2026〕901号",
        today - dt.timedelta(days=5),
        "事实",
        "依据",
    )
    services.remove(scjg_actor, entry, "决定被撤销", on=today, kind=RemovalKind.REVOKED)
    rows = list(
        FactEvent.objects.order_by("id").values_list("kind", "action", "fact_ids", "subject_ids")
    )
    assert rows == [
        (LIST_ENTRY, "entered", [entry.pk], [subject.pk]),
        (LIST_ENTRY, "published", [entry.pk], [subject.pk]),
        (LIST_ENTRY, "removed", [entry.pk], [subject.pk]),
    ]
