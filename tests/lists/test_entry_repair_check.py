"""The public self-check (信用修复自查) of a list entry, reached from the public list page:
what the eligibility service answers for that entry, and nothing for an entry that is not
public or a token that is not one we issued."""

from __future__ import annotations

import datetime as dt

import pytest

from credit.core.actors import Actor
from credit.lists import services
from credit.portal.opaque import entry_token, record_token
from credit.repairs import eligibility

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _entry(list_type, subject, number, **kwargs):
    entry, _ = services.enter_decided(
        Actor.system("测试"),
        list_type,
        subject,
        number,
        TODAY - dt.timedelta(days=30),
        "事实",
        "依据",
        **kwargs,
    )
    return entry


def test_public_entry_has_its_self_check_from_the_list_page(
    client, departments, samr_list, make_subject
):
    person = make_subject("张三丰", kind="person")
    entry = _entry(samr_list, person, "自查〔2026〕1号")
    url = f"/lists/{samr_list.code}/entries/{entry_token(entry.pk)}/repair/"
    assert url in client.get(f"/lists/{samr_list.code}/").content.decode()
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    answer = eligibility.for_entry(entry)
    assert answer.message in text and "自查〔2026〕1号" in text
    assert "张**" in text and "张三丰" not in text  # persons by surname only
    for material in answer.materials:
        assert material in text


def test_entries_not_public_and_foreign_tokens_are_not_found(
    client, departments, samr_list, make_subject
):
    hidden = _entry(
        samr_list, make_subject("本溪市未公开有限公司"), "自查〔2026〕2号", publish_now=False
    )
    shown = _entry(samr_list, make_subject("本溪市公开有限公司"), "自查〔2026〕3号")
    for token in (entry_token(hidden.pk), record_token(shown.pk), "x" * 22, "bad"):
        got = client.get(f"/lists/{samr_list.code}/entries/{token}/repair/")
        assert got.status_code == 404, token
        assert "不存在或已不再公开" in got.content.decode()
    # The right token under another list's address is not found either.
    assert (
        client.get(f"/lists/other_list/entries/{entry_token(shown.pk)}/repair/").status_code == 404
    )
    assert (
        client.post(f"/lists/{samr_list.code}/entries/{entry_token(shown.pk)}/repair/").status_code
        == 405
    )
