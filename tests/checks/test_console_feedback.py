"""Feedback messages name the subject row and the measure, as the console table and the API
number them; a refused console form comes back with the user's answers; a changed feedback
shows its earlier answers, read from the change log."""

from __future__ import annotations

import re

import pytest

from credit.audit.models import ChangeLog
from credit.checks import feedback
from credit.checks.models import Feedback
from credit.checks.store import run_check

from .test_checks_helpers import make_subject, put_on_list, uscc

pytestmark = pytest.mark.django_db

MEASURE = "P-SAMR-02"


@pytest.fixture
def check(actor):
    """Four subjects: 序号 1 and 2 blacklisted (one measure each), 序号 3 clean, 序号 4 not
    found."""
    first = make_subject("本溪市反馈甲有限公司", code=uscc(610001))
    second = make_subject("本溪市反馈乙有限公司", code=uscc(610002))
    make_subject("本溪市反馈丙有限公司", code=uscc(610003))
    put_on_list(first, "samr_serious_violation")
    put_on_list(second, "samr_serious_violation")
    return run_check(
        actor,
        "bidding",
        [
            {"uscc": uscc(610001)},
            {"uscc": uscc(610002)},
            {"uscc": uscc(610003)},
            {"name": "本溪市查无此反馈公司"},
        ],
        purpose="反馈测试",
    )


@pytest.fixture
def bearer(api_client_scjg):
    _client, token = api_client_scjg
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _api(client, check, items, bearer):
    return client.post(
        f"/api/v1/checks/{check.pk}/feedback",
        {"items": items},
        content_type="application/json",
        **bearer,
    )


def _refused(actor, check, items, **kwargs) -> str:
    with pytest.raises(feedback.FeedbackRefused) as exc:
        feedback.give_feedback(actor, check.pk, items, **kwargs)
    return exc.value.message


# --- the service's messages, as the API numbers subjects ----------------------------------


def test_api_messages_name_index_subject_and_measure(client, check, bearer):
    cases = [
        (
            {"index": 1, "measure": MEASURE, "applied": False},
            f"index 1（本溪市反馈乙有限公司）措施“{MEASURE}”：未实施措施时必须说明理由",
        ),
        (
            {"index": 99, "measure": MEASURE, "applied": True},
            "index 99 超出本次核查的主体范围（0–3）",
        ),
        ({"index": 3, "measure": MEASURE, "applied": True}, "index 3 的主体未匹配，无需反馈"),
        ({"measure": MEASURE, "applied": True}, "第 1 条反馈缺少 index 或 subject"),
        (
            {"index": 2, "measure": MEASURE, "applied": True},
            f"index 2（本溪市反馈丙有限公司）：该主体不适用措施“{MEASURE}”",
        ),
        (
            {"index": 0, "measure": "P-XXX", "applied": True},
            "index 0（本溪市反馈甲有限公司）：该主体不适用措施“P-XXX”",
        ),
        (
            {"subject": "NOPE", "measure": MEASURE, "applied": True},
            "subject NOPE 不是本次核查中匹配到的主体",
        ),
    ]
    for item, message in cases:
        response = _api(client, check, [item], bearer)
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["code"] == "invalid_feedback"
        assert body["message"] == message


def test_api_subject_by_public_id_is_named_by_it(client, check, bearer):
    public_id = check.answer["items"][0]["subject"]["public_id"]
    response = _api(
        client, check, [{"subject": public_id, "measure": MEASURE, "applied": False}], bearer
    )
    assert response.json()["message"] == (
        f"subject {public_id}（本溪市反馈甲有限公司）措施“{MEASURE}”：未实施措施时必须说明理由"
    )


def test_all_or_nothing_and_every_problem_listed(actor, check):
    message = _refused(
        actor,
        check,
        [
            {"index": 0, "measure": MEASURE, "applied": True, "result": "取消资格"},
            {"index": 1, "measure": MEASURE, "applied": False},
            {"index": 7, "measure": MEASURE, "applied": True},
        ],
    )
    assert message == (
        f"index 1（本溪市反馈乙有限公司）措施“{MEASURE}”：未实施措施时必须说明理由；"
        "index 7 超出本次核查的主体范围（0–3）"
    )
    # The valid first item was not written either.
    assert not Feedback.objects.filter(check_run=check, given_at__isnull=False).exists()
    assert not ChangeLog.objects.filter(action="check.feedback").exists()


def test_same_measure_twice_in_one_submission_is_refused(actor, check):
    item = {"index": 0, "measure": MEASURE, "applied": True}
    message = _refused(actor, check, [item, {**item, "applied": False, "reason": "改主意"}])
    assert (
        message == f"index 0（本溪市反馈甲有限公司）措施“{MEASURE}”：同一措施在本次提交中出现多次"
    )


def test_console_numbering_is_the_tables(actor, check):
    message = _refused(
        actor,
        check,
        [
            {"index": 1, "measure": MEASURE, "applied": None, "reason": "只写了理由"},
            {"index": 3, "measure": MEASURE, "applied": True},
            {"index": 10, "measure": MEASURE, "applied": True},
        ],
        numbering=feedback.NUMBERING_CONSOLE,
    )
    assert message == (
        f"序号 2（本溪市反馈乙有限公司）措施“{MEASURE}”：请选择是否实施该措施；"
        "序号 4 的主体未匹配，无需反馈；"
        "序号 11 超出本次核查的主体范围（1–4）"
    )


def test_long_lists_of_problems_are_cut(actor, check):
    items = [{"index": 100 + n, "measure": MEASURE, "applied": True} for n in range(25)]
    message = _refused(actor, check, items)
    assert message.count("超出本次核查的主体范围") == feedback.MAX_LISTED
    assert message.endswith("另有 5 条反馈有问题，未逐条列出")


# --- the console form -------------------------------------------------------------------


@pytest.fixture
def browser(client, operator_user):
    client.force_login(operator_user)
    return client


def _radio_checked(page: str, name: str, value: str) -> bool:
    found = re.search(
        rf'<input type="radio" name="{re.escape(name)}" value="{value}"( checked)?>', page
    )
    assert found, f"no radio {name}={value}"
    return bool(found.group(1))


def test_console_error_names_the_row_and_keeps_the_answers(browser, check):
    url = f"/console/checks/{check.pk}/feedback/"
    response = browser.post(
        url,
        {
            f"applied-0-{MEASURE}": "yes",
            f"result-0-{MEASURE}": "已取消投标资格",
            f"applied-1-{MEASURE}": "no",
            f"reason-1-{MEASURE}": "",
            f"result-1-{MEASURE}": "待复核",
            "show": "hits",
            "page": "1",
        },
    )
    # The page again, not a redirect that would lose what was typed.
    assert response.status_code == 200
    page = response.content.decode()
    expected = f"序号 2（本溪市反馈乙有限公司）措施“{MEASURE}”：未实施措施时必须说明理由"
    assert page.count(expected) == 1
    assert "反馈未保存" in page
    assert _radio_checked(page, f"applied-0-{MEASURE}", "yes")
    assert _radio_checked(page, f"applied-1-{MEASURE}", "no")
    assert 'value="已取消投标资格"' in page and 'value="待复核"' in page
    # The problem also sits next to its row, and the field says so to assistive technology.
    assert f'id="problem-1-{MEASURE}">未实施措施时必须说明理由</p>' in page
    assert f'aria-describedby="problem-1-{MEASURE}"' in page
    # The filter the user was on is kept.
    assert '<input type="hidden" name="show" value="hits">' in page
    assert not Feedback.objects.filter(given_at__isnull=False).exists()


def test_console_text_without_a_choice_asks_for_the_choice(browser, check):
    page = browser.post(
        f"/console/checks/{check.pk}/feedback/", {f"reason-0-{MEASURE}": "项目已终止"}
    ).content.decode()
    assert f"序号 1（本溪市反馈甲有限公司）措施“{MEASURE}”：请选择是否实施该措施" in page
    assert 'value="项目已终止"' in page


def test_console_success_redirects_back_to_the_same_view(browser, check):
    response = browser.post(
        f"/console/checks/{check.pk}/feedback/",
        {f"applied-0-{MEASURE}": "yes", "show": "hits", "page": "1"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/console/checks/{check.pk}/?show=hits&page=1"
    assert Feedback.objects.get(check_subject__position=0).applied is True


# --- history of a changed feedback --------------------------------------------------------


def test_changed_feedback_shows_its_earlier_answers(browser, actor, check, operator_user):
    url = f"/console/checks/{check.pk}/feedback/"
    browser.post(url, {f"applied-0-{MEASURE}": "no", f"reason-0-{MEASURE}": "项目暂停"})
    detail = browser.get(f"/console/checks/{check.pk}/").content.decode()
    assert "已修改" not in detail

    # The page posts every shown answer again: an unchanged one is no change.
    again = browser.post(
        url, {f"applied-0-{MEASURE}": "no", f"reason-0-{MEASURE}": "项目暂停"}, follow=True
    )
    assert "反馈内容没有变化" in again.content.decode()
    assert ChangeLog.objects.filter(action="check.feedback").count() == 1

    changed = browser.post(
        url, {f"applied-0-{MEASURE}": "yes", f"result-0-{MEASURE}": "已取消投标资格"}, follow=True
    )
    page = changed.content.decode()
    assert "已保存 1 条反馈" in page
    assert "已反馈：已实施；结果：已取消投标资格" in page
    assert re.search(r"已修改 1 次，上次修改 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（t_scjg）", page)
    assert "：未实施；理由：项目暂停</li>" in page

    history = feedback.feedback_history(check)
    entry = history[(0, MEASURE)]
    assert entry.changes == 1
    assert [(a.applied, a.reason, a.result) for a in entry.answers] == [
        (False, "项目暂停", ""),
        (True, "", "已取消投标资格"),
    ]
    assert entry.last.by == operator_user.username
    assert (1, MEASURE) not in history
    # Limited to the positions a page shows.
    assert feedback.feedback_history(check, [1, 2]) == {}


def test_history_through_the_api_too(client, check, bearer, actor):
    for reason in ("第一次理由", "第二次理由", "第三次理由"):
        item = {"index": 1, "measure": MEASURE, "applied": False, "reason": reason}
        assert _api(client, check, [item], bearer).status_code == 200
    entry = feedback.feedback_history(check)[(1, MEASURE)]
    assert entry.changes == 2
    assert [a.reason for a in entry.earlier] == ["第二次理由", "第一次理由"]
    assert entry.last.by.startswith("api:")
