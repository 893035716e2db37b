"""Issue 11: the console's review pages (queue, comparison, merge history)."""

from __future__ import annotations

import pytest
from django.test import Client

from credit.audit.models import AccessLog
from credit.core.fieldcrypto import encrypt_id
from credit.core.masking import mask_id_number
from credit.records.models import Record
from credit.subjects.models import Subject, SubjectMerge
from tests.collection.samples import person_id
from tests.review.conftest import OWNER, SOLE_TRADER

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_office_merges_from_the_comparison_and_undoes_it_from_the_history(
    duplicates, admin_user
):
    survivor, merged, third = duplicates.profiles
    office = _signed_in(admin_user)
    queue = office.get("/console/review/")
    page = queue.content.decode()
    assert queue.status_code == 200 and "同名、同负责人、同地区" in page
    assert f"/console/review/subjects/{survivor.public_id}/" in page

    compare = office.get(f"/console/review/subjects/{merged.public_id}/")
    page = compare.content.decode()
    assert compare.status_code == 200
    # Side by side: every candidate, its 负责人, its records by dataset and list entries.
    for s in duplicates.profiles:
        assert s.public_id in page
    assert duplicates.namesake.public_id not in page
    assert OWNER in page and "行政处罚：1" in page
    assert "已告知" in page  # the list entry on the second profile
    assert set(
        AccessLog.objects.filter(resource="subjects.review").values_list("subject_id", flat=True)
    ) == {s.pk for s in duplicates.profiles}

    response = office.post(
        f"/console/review/subjects/{merged.public_id}/decide/",
        {
            "action": "merge",
            "survivor": survivor.public_id,
            "selected": [merged.public_id, third.public_id],
            "reason": "同一经营者，负责人与地址相同",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/console/review/subjects/{survivor.public_id}/"
    assert "已将 2 个主体合并至" in response.content.decode()
    assert Record.objects.filter(subject=survivor).count() == 3
    # The merged subject's console page sends the office to the survivor's.
    redirected = office.get(f"/console/review/subjects/{third.public_id}/")
    assert redirected.status_code == 302
    assert redirected.url == f"/console/review/subjects/{survivor.public_id}/"
    # Only the namesake with another 负责人 is left in the queue.
    assert SOLE_TRADER in office.get("/console/review/").content.decode()
    assert not Subject.objects.filter(needs_review=True).exclude(pk=duplicates.namesake.pk)

    history = office.get("/console/review/merges/").content.decode()
    assert "同一经营者，负责人与地址相同" in history and "撤销合并" in history
    merge = SubjectMerge.objects.get(merged=third)
    response = office.post(
        f"/console/review/merges/{merge.pk}/undo/", {"reason": "核实后为另一家店"}, follow=True
    )
    assert "已撤销合并" in response.content.decode()
    third.refresh_from_db()
    assert third.merged_into_id is None and third.needs_review
    assert Record.objects.filter(subject=third).count() == 1
    assert "核实后为另一家店" in office.get("/console/review/merges/").content.decode()


def test_a_refused_merge_says_why_on_the_page(duplicates, admin_user):
    survivor, merged, _ = duplicates.profiles
    office = _signed_in(admin_user)
    url = f"/console/review/subjects/{survivor.public_id}/decide/"
    empty = office.post(url, {"action": "merge", "survivor": survivor.public_id, "reason": "x"})
    assert empty.status_code == 400
    assert "请勾选要合并到保留主体的主体" in empty.content.decode()
    no_reason = office.post(
        url, {"action": "merge", "survivor": survivor.public_id, "selected": [merged.public_id]}
    )
    assert no_reason.status_code == 400 and "这个字段是必填项" in no_reason.content.decode()
    assert not SubjectMerge.objects.exists()


def test_auditors_read_and_operators_see_nothing(duplicates, auditor_user, operator_user):
    survivor, merged, _ = duplicates.profiles
    auditor = _signed_in(auditor_user)
    page = auditor.get(f"/console/review/subjects/{survivor.public_id}/").content.decode()
    assert survivor.public_id in page and 'value="merge"' not in page
    refused = auditor.post(
        f"/console/review/subjects/{survivor.public_id}/decide/",
        {
            "action": "merge",
            "survivor": survivor.public_id,
            "selected": [merged.public_id],
            "reason": "审计员试图合并",
        },
    )
    assert refused.status_code == 403 and not SubjectMerge.objects.exists()
    operator = _signed_in(operator_user)
    assert operator.get("/console/review/").status_code == 403
    assert "主体核对" not in operator.get("/console/").content.decode()
    assert "主体核对" in _signed_in(auditor_user).get("/console/").content.decode()


def test_identity_numbers_are_masked_on_the_comparison(admin_user):
    number = person_id(4)
    people = [
        Subject.objects.create(
            public_id=f"PERSON{n}".ljust(22, "0"),
            kind="person",
            name="欧阳娜娜",
            name_norm="欧阳娜娜",
            id_cipher=encrypt_id(number) if n == 1 else "",
            verified=n == 1,
            needs_review=True,
        )
        for n in (1, 2)
    ]
    page = _signed_in(admin_user).get(f"/console/review/subjects/{people[1].public_id}/")
    text = page.content.decode()
    assert people[0].public_id in text and mask_id_number(number) in text
    assert number not in text


def test_a_lone_subject_offers_only_the_confirmation(duplicates, admin_user):
    lone = duplicates.namesake
    office = _signed_in(admin_user)
    page = office.get(f"/console/review/subjects/{lone.public_id}/").content.decode()
    assert "确认为独立主体" in page and 'value="merge"' not in page
    response = office.post(
        f"/console/review/subjects/{lone.public_id}/decide/",
        {"action": "distinct", "selected": [lone.public_id], "reason": "独立经营者"},
    )
    assert response.status_code == 302
    lone.refresh_from_db()
    assert not lone.needs_review
    # Nothing left to decide: no form at all.
    page = office.get(f"/console/review/subjects/{lone.public_id}/").content.decode()
    assert "确认为独立主体" not in page and 'name="reason"' not in page
