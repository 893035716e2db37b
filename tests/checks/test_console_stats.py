"""Statistics page numbers (one-decimal feedback rate, thousands separators) and the result
table's 结论 for subjects that were not matched."""

from __future__ import annotations

import re

import pytest

from credit.checks import feedback
from credit.checks.models import CreditCheck
from credit.checks.store import run_check
from credit.checks.templatetags.check_format import feedback_percent, thousands

from .test_checks_helpers import make_subject, put_on_list, uscc

pytestmark = pytest.mark.django_db

STATS = "/console/checks/stats/"


def _cells(page: str) -> list[str]:
    """Text of the department row's cells (the first body row) and of the totals row."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    foot = page.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    cell = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)
    return cell.findall(body.split("</tr>", 1)[0]) + cell.findall(foot)


def test_rate_has_one_decimal_and_counts_have_separators(client, operator_user, actor):
    made = []
    for n in range(4):
        subject = make_subject(f"本溪市统计命中{n}有限公司", code=uscc(640000 + n))
        put_on_list(subject, "samr_serious_violation")
        made.append(run_check(actor, "bidding", [{"uscc": uscc(640000 + n)}], purpose="测试核查"))
        feedback.give_feedback(
            actor, made[-1].pk, [{"index": 0, "measure": "P-SAMR-02", "applied": True}]
        )
    # 5,030 expected measures in all (as if one check had met many listed subjects) and
    # 12,345 subjects checked; statistics count from the stored check rows.
    CreditCheck.objects.filter(pk=made[0].pk).update(measure_count=5_027, subject_count=12_342)
    client.force_login(operator_user)
    page = client.get(STATS).content.decode()
    cells = _cells(page)
    department = cells[:9]
    assert department[0] == operator_user.department.name
    assert department[2] == "12,345"  # subjects
    assert department[4] == "5,030"  # measures expected
    assert department[6] == "4"  # feedback given
    assert department[7] == "0.1%"  # 4 / 5,030 = 0.0795 %, not "0%"
    totals = cells[9:]
    assert totals[0] == "合计" and totals[2] == "12,345" and totals[7] == "0.1%"


def test_rate_is_a_dash_without_measures_and_full_at_one_hundred(client, operator_user, actor):
    make_subject("本溪市统计清白有限公司", code=uscc(641000))
    run_check(actor, "bidding", [{"uscc": uscc(641000)}], purpose="测试核查")
    client.force_login(operator_user)
    cells = _cells(client.get(STATS).content.decode())
    assert cells[4] == "0" and cells[7] == "—" and cells[9 + 7] == "—"

    listed = make_subject("本溪市统计全反馈有限公司", code=uscc(641001))
    put_on_list(listed, "samr_serious_violation")
    check = run_check(actor, "bidding", [{"uscc": uscc(641001)}], purpose="测试核查")
    feedback.give_feedback(actor, check.pk, [{"index": 0, "measure": "P-SAMR-02", "applied": True}])
    cells = _cells(client.get(STATS).content.decode())
    assert cells[7] == "100.0%"


def test_format_filters():
    assert thousands(5030) == "5,030" and thousands(0) == "0" and thousands(1234567) == "1,234,567"
    assert thousands(None) is None and thousands("abc") == "abc"
    row = {"feedback_given": 4, "measures_expected": 5030}
    assert feedback_percent(row) == "0.1%"
    assert feedback_percent({"feedback_given": 0, "measures_expected": 0}) == "—"
    assert feedback_percent({"feedback_given": 0, "measures_expected": 7}) == "0.0%"
    assert feedback_percent({"feedback_given": 1, "measures_expected": 20_000}) == "<0.1%"
    # Half-way rounds up, computed exactly from the counts: 1/16 = 6.25 %.
    assert feedback_percent({"feedback_given": 1, "measures_expected": 16}) == "6.3%"
    assert feedback_percent({"feedback_given": 2, "measures_expected": 3}) == "66.7%"


def test_unmatched_rows_show_their_status_as_the_conclusion(client, operator_user, actor):
    make_subject("本溪市同名结论有限公司", code=uscc(642001), region="210502")
    make_subject("本溪市同名结论有限责任公司", code=uscc(642002), region="210503")
    check = run_check(
        actor,
        "bidding",
        [
            {"name": "本溪市查无此结论公司"},
            {"name": "本溪市同名结论有限公司"},
            {"uscc": "9121"},
        ],
        purpose="测试核查",
    )
    assert [i["status"] for i in check.answer["items"]] == ["not_found", "ambiguous", "invalid"]
    client.force_login(operator_user)
    page = client.get(f"/console/checks/{check.pk}/").content.decode()
    conclusions = re.findall(r'<td data-label="结论"[^>]*>(.*?)</td>', page, re.S)
    assert [re.sub(r"<[^>]+>", "", c).strip() for c in conclusions] == [
        "未找到",
        "多个候选",
        "标识无效",
    ]
