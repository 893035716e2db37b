"""Credit checks through the service: resolution, verdicts, measures, feedback, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from credit.audit.models import AccessLog, ChangeLog
from credit.checks import feedback, matching, stats
from credit.checks.answer import _feedback_due, answer_with_feedback
from credit.checks.models import CheckSubject, CreditCheck, Feedback
from credit.checks.store import ACCESS_RESOURCE, check_answer, get_check, run_check
from credit.core.actors import Actor
from credit.core.errors import NotFound, PermissionDenied, ServiceError
from credit.core.workdays import add_workdays

from .test_checks_helpers import (  # noqa: F401
    catalog,
    import_penalty,
    make_person,
    make_subject,
    person_id,
    put_on_list,
    uscc,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(other_operator):
    return Actor.for_user(other_operator)


def _item(check, index=0):
    return check.answer["items"][index]


def test_clean_subject_by_uscc(actor):
    make_subject("本溪市清白商贸有限公司", code=uscc(100001))
    check = run_check(actor, "bidding", [{"uscc": uscc(100001)}], purpose="项目A")
    item = _item(check)
    assert item["status"] == "matched"
    assert item["resolution"]["method"] == "uscc"
    assert item["verdict"] == "无不良记录"
    assert item["verdicts"] == ["无不良记录"]
    assert item["measures"] == [] and item["black_entries"] == [] and item["records"] == []
    stored = CreditCheck.objects.get(pk=check.pk)
    assert stored.department_id == actor.department_id
    assert stored.user_id == actor.user.pk
    assert stored.scenario.code == "bidding" and stored.purpose == "项目A"
    assert stored.subject_count == 1 and stored.hit_count == 0
    assert stored.answer["items"][0]["verdict"] == "无不良记录"


def test_black_list_hit_gives_measures_with_basis_and_reason(actor):
    subject = make_subject("本溪市失信建筑有限公司", code=uscc(100002))
    put_on_list(subject, "samr_serious_violation")
    check = run_check(actor, "bidding", [{"uscc": uscc(100002)}], purpose="测试核查")
    item = _item(check)
    assert item["verdict"] == "命中黑名单"
    assert item["black_entries"][0]["list_type"] == "samr_serious_violation"
    assert item["black_entries"][0]["decision_number"].startswith("本认")
    codes = [m["code"] for m in item["measures"]]
    assert codes == ["P-SAMR-02"]
    measure = item["measures"][0]
    assert measure["legal_basis"] and measure["implementer"]
    assert measure["because"] == ["列入市场监督管理严重违法失信名单"] or measure["because"][
        0
    ].startswith("列入")
    assert check.measure_count == 1 and check.hit_count == 1
    row = Feedback.objects.get(check_run=check)
    assert row.measure_code == "P-SAMR-02"
    assert row.due_date == add_workdays(timezone.localdate(), 5)


def test_red_list_and_both_lists(actor):
    red = make_subject("本溪市守信纳税有限公司", code=uscc(100003))
    put_on_list(red, "tax_grade_a")
    both = make_subject("本溪市红黑并存有限公司", code=uscc(100004))
    put_on_list(both, "tax_grade_a")
    put_on_list(both, "wage_arrears")
    check = run_check(
        actor, "bidding", [{"uscc": uscc(100003)}, {"uscc": uscc(100004)}], purpose="测试核查"
    )
    first, second = check.answer["items"]
    assert first["verdict"] == "命中红名单"
    assert first["verdicts"] == ["命中红名单", "无不良记录"]
    assert [m["code"] for m in first["measures"]] == ["R-GEN-03"]
    assert second["verdicts"] == ["命中黑名单", "命中红名单"]
    assert {m["code"] for m in second["measures"]} == {"R-GEN-03", "P-WAGE-03"}
    assert check.answer["summary"]["black"] == 1 and check.answer["summary"]["red"] == 2


def test_expired_entry_is_not_current(actor):
    subject = make_subject("本溪市期满移出有限公司", code=uscc(100005))
    today = timezone.localdate()
    put_on_list(
        subject,
        "samr_serious_violation",
        start=today - dt.timedelta(days=400),
        end=today - dt.timedelta(days=1),
    )
    item = _item(run_check(actor, "bidding", [{"uscc": uscc(100005)}], purpose="测试核查"))
    assert item["verdict"] == "无不良记录" and item["black_entries"] == []


def test_negative_records_give_bad_record_verdict(actor, import_penalty):  # noqa: F811
    import_penalty(7)
    item = _item(run_check(actor, "bidding", [{"uscc": uscc(7)}], purpose="测试核查"))
    assert item["status"] == "matched"
    assert item["verdict"] == "有不良记录"
    assert item["records"][0]["dataset"] == "penalty"
    assert item["records"][0]["doc_number"] == "本市监罚〔2026〕7号"
    assert item["records"][0]["summary"]["处罚内容"] == "警告并处罚款2000元"
    assert (
        CheckSubject.objects.get(check_run_id=item and CreditCheck.objects.get().pk).record_count
        == 1
    )


def test_withdrawn_records_are_left_out(actor, import_penalty):  # noqa: F811
    from credit.records.models import Record

    import_penalty(8)
    Record.objects.update(withdrawn_at=timezone.now(), visibility="withdrawn")
    item = _item(run_check(actor, "bidding", [{"uscc": uscc(8)}], purpose="测试核查"))
    assert item["verdict"] == "无不良记录" and item["records"] == []


def test_person_by_id_number_is_masked(actor):
    number = person_id(11)
    person = make_person("李四", number)
    put_on_list(person, "court_dishonest")
    check = run_check(actor, "civil_service", [{"id_number": number}], purpose="测试核查")
    item = _item(check)
    assert item["resolution"]["method"] == "id_digest"
    assert item["subject"]["id_number"] == number[:6] + "********" + number[-4:]
    assert item["input"]["id_number"] == item["subject"]["id_number"]
    assert number not in str(check.answer)
    assert item["verdict"] == "命中黑名单"


def test_invalid_codes_are_reported_per_item(actor):
    make_subject("本溪市正常有限公司", code=uscc(100006))
    check = run_check(
        actor,
        "bidding",
        [
            {"uscc": "91210502MA0000000X"},
            {"id_number": "210502198501150000"},
            {},
            {"uscc": uscc(100006)},
        ],
        purpose="测试核查",
    )
    bad_code, bad_id, empty, good = check.answer["items"]
    assert bad_code["status"] == "invalid" and "校验" in bad_code["message"]
    assert bad_id["status"] == "invalid" and "身份证" in bad_id["message"]
    assert empty["status"] == "invalid" and "至少提供" in empty["message"]
    assert good["status"] == "matched"
    assert check.answer["summary"]["invalid"] == 3


def test_codes_win_over_names(actor):
    make_subject("本溪市代码优先有限公司", code=uscc(100007))
    make_subject("本溪市名称干扰有限公司", code=uscc(100008))
    item = _item(
        run_check(
            actor,
            "bidding",
            [{"uscc": uscc(100007), "name": "本溪市名称干扰有限公司"}],
            purpose="测试核查",
        )
    )
    assert item["subject"]["name"] == "本溪市代码优先有限公司"
    assert item["resolution"]["method"] == "uscc"
    assert any("以代码为准" in r for r in item["resolution"]["reasons"])
    # A valid but unknown code is 未找到 even when the name would match.
    unknown = _item(
        run_check(
            actor,
            "bidding",
            [{"uscc": uscc(100099), "name": "本溪市代码优先有限公司"}],
            purpose="测试核查",
        )
    )
    assert unknown["status"] == "not_found" and unknown["status_label"] == "未找到"


def test_name_match_normalises_width_brackets_and_legal_form(actor):
    make_subject("本溪市（平山）恒达建材有限公司", code=uscc(100010))
    item = _item(
        run_check(
            actor, "bidding", [{"name": "本溪市 (平山) 恒达建材有限责任公司"}], purpose="测试核查"
        )
    )
    assert item["status"] == "matched"
    assert item["resolution"]["method"] == "name"
    assert item["resolution"]["score"] >= matching.MATCH_THRESHOLD
    assert any("有限责任公司" in r for r in item["resolution"]["reasons"])


def test_control_characters_in_the_input_are_dropped_not_a_server_error(actor):
    # PostgreSQL refuses NUL in a text parameter: a pasted NUL used to give a 500.
    make_subject("本溪市（平山）恒达建材有限公司", code=uscc(100014))
    check = run_check(
        actor,
        "bidding",
        [{"name": "本溪市（平山）恒达\x00建材有限公司"}, {"name": "\x00", "uscc": "\x00"}],
        purpose="招标\x00核查",
    )
    assert _item(check)["status"] == "matched"
    assert _item(check, 1)["status"] != "matched"
    assert check.purpose == "招标核查"


def test_ambiguous_name_is_never_picked(actor):
    make_subject("本溪市同名商贸有限公司", code=uscc(100011), region="210502")
    make_subject("本溪市同名商贸有限责任公司", code=uscc(100012), region="210503")
    item = _item(
        run_check(actor, "bidding", [{"name": "本溪市同名商贸有限公司"}], purpose="测试核查")
    )
    assert item["status"] == "ambiguous"
    assert "subject" not in item
    assert {c["uscc"] for c in item["candidates"]} == {uscc(100011), uscc(100012)}
    assert all(c["reasons"] for c in item["candidates"])
    # The region separates them.
    by_region = _item(
        run_check(
            actor,
            "bidding",
            [{"name": "本溪市同名商贸有限公司", "region": "溪湖区"}],
            purpose="测试核查",
        )
    )
    assert by_region["status"] == "matched"
    assert by_region["subject"]["uscc"] == uscc(100012)
    assert "地区一致" in by_region["resolution"]["reasons"]


def test_unknown_name_is_not_found(actor):
    make_subject("本溪市某某科技有限公司", code=uscc(100013))
    item = _item(
        run_check(actor, "bidding", [{"name": "沈阳完全不同餐饮管理中心"}], purpose="测试核查")
    )
    assert item["status"] == "not_found"
    assert item["status_label"] == "未找到"
    assert "未找到" in item["message"]


def test_unknown_scenario_and_limits(actor):
    with pytest.raises(ServiceError) as exc:
        run_check(actor, "no_such", [{"name": "x"}], purpose="测试核查")
    assert exc.value.code == "unknown_scenario"
    with pytest.raises(ServiceError):
        run_check(actor, "bidding", [], purpose="测试核查")


def test_access_log_written_per_subject_asked_for(actor):
    a = make_subject("本溪市日志甲有限公司", code=uscc(100020))
    b = make_subject("本溪市日志乙有限公司", code=uscc(100021))
    check = run_check(
        actor,
        "gov_procurement",
        [{"uscc": uscc(100020)}, {"uscc": uscc(100021)}, {"name": "无"}],
        purpose="测试核查",
    )
    logs = AccessLog.objects.filter(resource=ACCESS_RESOURCE)
    matched = logs.filter(subject_id__isnull=False)
    assert sorted(matched.values_list("subject_id", flat=True)) == sorted([a.pk, b.pk])
    # The name that matched nothing is logged too, by what was asked for.
    assert list(logs.filter(subject_id__isnull=True).values_list("subject_label", flat=True)) == [
        "未找到：无"
    ]
    log = matched.first()
    assert log.actor_user_id == actor.user.pk
    assert "政府采购" in log.purpose and f"#{check.pk}" in log.purpose


def test_unmatched_queries_are_logged_by_what_was_asked_never_a_clear_id_number(actor):
    make_subject("本溪市同名日志有限公司", code=uscc(100041), region="210502")
    make_subject("本溪市同名日志有限责任公司", code=uscc(100042), region="210503")
    unknown_person = person_id(977)
    asked = [
        {"id_number": unknown_person},  # valid, not registered
        {"id_number": "21050"},  # invalid
        {"name": "本溪市同名日志有限公司"},  # ambiguous
        {"name": f"张三 {unknown_person}"},  # an ID number typed into the name
        {},  # nothing given
    ]
    for raw in asked:
        check = run_check(actor, "bidding", [raw], purpose="测试核查")
        # A single check takes the same path as a one-subject API call.
        (log,) = AccessLog.objects.filter(purpose__endswith=f"#{check.pk}")
        assert log.subject_id is None
        assert unknown_person not in log.subject_label, log.subject_label
    labels = list(
        AccessLog.objects.filter(resource=ACCESS_RESOURCE)
        .order_by("id")
        .values_list("subject_label", flat=True)
    )
    assert labels[0] == f"未找到：{unknown_person[:6]}********{unknown_person[-4:]}"
    assert labels[1] == "标识无效：*****"
    assert labels[2] == "多个候选：本溪市同名日志有限公司"
    assert labels[3].startswith("未找到：张三 ") and "********" in labels[3]
    assert labels[4] == "标识无效：（未提供标识）"


def test_near_miss_names_come_back_with_candidates(actor):
    listed = make_subject("本溪东风餐饮管理有限公司", code=uscc(100051))
    put_on_list(listed, "samr_serious_violation")
    make_subject("平山关门山酒店管理有限公司", code=uscc(100052))
    for name, expected in (
        ("本溪东风餐饮管理公司", uscc(100051)),  # 有限 left out
        ("平山关门山酒店管理有线公司", uscc(100052)),  # 有线 for 有限
    ):
        item = _item(run_check(actor, "bidding", [{"name": name}], purpose="测试核查"))
        # Never picked on a near miss, but suggested with the reasons.
        assert item["status"] == "not_found", name
        assert item["candidates"][0]["uscc"] == expected, item["candidates"]
        assert item["candidates"][0]["reasons"]
        assert "自然人须以身份证号核查" in item["message"]


def test_a_subject_listed_twice_is_answered_twice_and_counted_once(actor):
    listed = make_subject("本溪市重复投标有限公司", code=uscc(100061))
    put_on_list(listed, "samr_serious_violation")
    once = make_subject("本溪市单次投标有限公司", code=uscc(100062))
    check = run_check(
        actor,
        "bidding",
        [
            {"uscc": uscc(100061)},
            {"uscc": uscc(100062)},
            {"name": "本溪市重复投标有限公司"},  # the same bidder again, in another lot
        ],
        purpose="测试核查",
    )
    first, _, again = check.answer["items"]
    assert again["duplicate_of"] == 0 and "duplicate_of" not in first
    assert again["verdicts"] == first["verdicts"] and again["measures"] == first["measures"]
    assert again["input"]["name"] == "本溪市重复投标有限公司" and again["index"] == 2
    summary = check.answer["summary"]
    assert (summary["subjects"], summary["matched"], summary["duplicates"]) == (3, 2, 1)
    assert summary["hits"] == 1 and summary["black"] == 1
    assert check.hit_count == 1 and CheckSubject.objects.filter(check_run=check).count() == 1
    assert Feedback.objects.filter(check_run=check).count() == summary["measures"] > 0
    logged = AccessLog.objects.filter(purpose__endswith=f"#{check.pk}")
    assert sorted(logged.values_list("subject_id", flat=True)) == sorted([listed.pk, once.pk])
    # Each row says how its own input matched.
    assert first["resolution"]["method"] == "uscc" and again["resolution"]["method"] == "name"
    # Feedback is given on the first row only, and the repeat says where.
    with pytest.raises(ServiceError) as refused:
        feedback.give_feedback(
            actor,
            check.pk,
            [{"index": 2, "measure": first["measures"][0]["code"], "applied": True}],
        )
    assert "与 index 0 为同一主体，请在 index 0 反馈" in refused.value.message


def test_answer_time_is_beijing_time(actor):
    make_subject("本溪市时区有限公司", code=uscc(100071))
    answer = check_answer(actor, "bidding", [{"uscc": uscc(100071)}], purpose="测试核查")
    assert answer["created_at"].endswith("+08:00")
    assert (
        run_check(actor, "bidding", [{"uscc": uscc(100071)}], purpose="测试核查")
        .answer["created_at"]
        .endswith("+08:00")
    )


def test_other_department_cannot_read_check(actor, other, admin_user):
    make_subject("本溪市权限测试有限公司", code=uscc(100030))
    check = run_check(actor, "bidding", [{"uscc": uscc(100030)}], purpose="测试核查")
    assert get_check(actor, check.pk).pk == check.pk
    with pytest.raises(NotFound):
        get_check(other, check.pk)
    assert get_check(Actor.for_user(admin_user), check.pk).pk == check.pk


def _hit_check(actor, n=100040):
    subject = make_subject(f"本溪市反馈测试有限公司{n}", code=uscc(n))
    put_on_list(subject, "samr_serious_violation")
    return run_check(actor, "bidding", [{"uscc": uscc(n)}], purpose="测试核查")


def test_feedback_recorded_and_logged(actor, other):
    check = _hit_check(actor)
    with pytest.raises(ServiceError) as exc:
        feedback.give_feedback(
            actor, check.pk, [{"index": 0, "measure": "P-SAMR-02", "applied": False}]
        )
    assert "理由" in exc.value.message
    with pytest.raises(ServiceError):
        feedback.give_feedback(actor, check.pk, [{"index": 0, "measure": "P-XXX", "applied": True}])
    with pytest.raises(NotFound):
        feedback.give_feedback(
            other, check.pk, [{"index": 0, "measure": "P-SAMR-02", "applied": True}]
        )
    public_id = check.answer["items"][0]["subject"]["public_id"]
    saved = feedback.give_feedback(
        actor,
        check.pk,
        [{"subject": public_id, "measure": "P-SAMR-02", "applied": True, "result": "取消投标资格"}],
    )
    assert len(saved) == 1
    row = Feedback.objects.get(check_run=check)
    assert row.applied is True and row.result == "取消投标资格" and row.given_at is not None
    assert ChangeLog.objects.filter(action="check.feedback", object_id=str(row.pk)).exists()
    answer = answer_with_feedback(check)
    assert answer["feedback"][0]["given"] is True


def test_overdue_feedback_in_working_days(actor, other, admin_user):
    check = _hit_check(actor, 100050)
    row = Feedback.objects.get(check_run=check)
    due = row.due_date
    # Due on the 5th working day: not overdue that day, overdue the day after.
    assert not feedback.overdue_feedback(actor, today=due).exists()
    day_after = due + dt.timedelta(days=1)
    assert list(feedback.overdue_feedback(actor, today=day_after)) == [row]
    assert list(feedback.overdue_feedback(Actor.for_user(admin_user), today=day_after)) == [row]
    assert not feedback.overdue_feedback(other, today=day_after).exists()
    # Working days, not calendar days: a check on Friday 2026-10-30 is due Friday 2026-11-06.
    assert _feedback_due(dt.date(2026, 10, 30)) == dt.date(2026, 11, 6)
    # Around the National Day holiday: 2026-09-30 → the 5th working day after the break.
    assert _feedback_due(dt.date(2026, 9, 30)) == add_workdays(dt.date(2026, 9, 30), 5)
    assert _feedback_due(dt.date(2026, 9, 30)) > dt.date(2026, 10, 7)
    feedback.give_feedback(
        actor,
        check.pk,
        [{"index": 0, "measure": "P-SAMR-02", "applied": False, "reason": "已中标"}],
    )
    assert not feedback.overdue_feedback(actor, today=day_after).exists()


def test_feedback_days_are_configurable(actor, settings):
    settings.CREDIT_CHECK_FEEDBACK_WORKDAYS = 2
    check = _hit_check(actor, 100060)
    assert check.feedback_due == add_workdays(timezone.localdate(), 2)


def test_monthly_stats(actor, other, admin_user):
    check = _hit_check(actor, 100070)
    make_subject("本溪市统计无命中有限公司", code=uscc(100071))
    run_check(other, "bidding", [{"uscc": uscc(100071)}], purpose="测试核查")
    feedback.give_feedback(actor, check.pk, [{"index": 0, "measure": "P-SAMR-02", "applied": True}])
    month = timezone.localdate().replace(day=1)
    office = stats.monthly_stats(Actor.for_user(admin_user), month)
    assert len(office["departments"]) == 2
    mine = stats.monthly_stats(actor, month)
    assert len(mine["departments"]) == 1
    row = mine["departments"][0]
    assert row["checks"] == 1 and row["subjects"] == 1 and row["hits"] == 1
    assert row["measures_applied"] == 1 and row["feedback_rate"] == 1.0 and row["overdue"] == 0
    assert office["totals"]["checks"] == 2
    with pytest.raises(ServiceError):
        stats.parse_month("2026-13")


def test_department_less_actor_cannot_check(db):
    with pytest.raises(PermissionDenied):
        run_check(Actor(label="匿名"), "bidding", [{"name": "x"}], purpose="测试核查")


def test_batch_by_code_resolves_in_bulk(actor, django_assert_max_num_queries):
    from credit.subjects.models import Subject

    Subject.objects.bulk_create(
        [
            Subject(
                public_id=f"BATCH{n:06d}",
                kind="organization",
                name=f"本溪市批量{n}有限公司",
                name_norm=f"本溪市批量{n}有限公司",
                uscc=uscc(300000 + n),
                region_code="210502",
            )
            for n in range(1200)
        ]
    )
    listed = Subject.objects.get(uscc=uscc(300005))
    put_on_list(listed, "samr_serious_violation")
    codes = [{"uscc": uscc(300000 + n)} for n in range(1200)] + [{"uscc": uscc(399999)}]
    # Far fewer queries than subjects: reads chunked by 900 (one array on PostgreSQL),
    # access logs inserted in batches (COPY on PostgreSQL).
    with django_assert_max_num_queries(40):
        check = run_check(actor, "bidding", codes, purpose="测试核查")
    summary = check.answer["summary"]
    assert summary["matched"] == 1200 and summary["not_found"] == 1 and summary["black"] == 1
    logs = AccessLog.objects.filter(purpose__endswith=f"#{check.pk}")
    assert logs.count() == 1201  # every subject asked for, the unregistered code too
    assert logs.get(subject_id__isnull=True).subject_label == f"未找到：{uscc(399999)}"


def test_check_summarises_datasets_by_their_catalog_attributes(
    actor,
    scjg,
    catalog,  # noqa: F811
    tmp_path,
):
    """A 不良 dataset other than penalties is summarised with its own check fields; a 良好
    one (check_summary false) never reaches the check."""
    from credit.collection import services
    from credit.collection.models import BatchState

    from ..collection.samples import company_uscc, write_csv
    from ..collection.test_national_datasets import enforcement_row, honour_row

    today = timezone.localdate()
    for dataset, row in (
        ("enforcement", enforcement_row(41, today - dt.timedelta(days=2))),
        ("honour", honour_row(42, today - dt.timedelta(days=2), today + dt.timedelta(days=9))),
    ):
        path = write_csv(tmp_path / f"{dataset}.csv", [row])
        batch = services.submit_file(
            Actor.system(),
            dataset_code=dataset,
            department=scjg,
            fileobj=path,
            filename=path.name,
            run_now=True,
        )
        assert batch.state == BatchState.DONE, batch.message
    check = run_check(
        actor, "bidding", [{"uscc": company_uscc(41)}, {"uscc": company_uscc(142)}], purpose="摘要"
    )
    enforced, honoured = check.answer["items"]
    assert enforced["verdicts"] == ["有不良记录"]
    assert [(r["dataset"], r["doc_number"]) for r in enforced["records"]] == [
        ("enforcement", "本市监强〔2026〕41号")
    ]
    assert enforced["records"][0]["summary"] == {
        "强制类别": "行政强制措施",
        "强制方式": "查封;扣押",
        "强制内容": "查封仓库一处",
    }
    assert honoured["status"] == "matched"
    assert honoured["records"] == [] and honoured["verdicts"] == ["无不良记录"]
