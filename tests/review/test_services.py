"""Issue 11: the review queue's services: merge, undo, confirm distinct, names."""

from __future__ import annotations

import pytest

from credit.audit import labels
from credit.audit.models import ChangeLog
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.facts import LIST_ENTRY, RECORD
from credit.facts.models import FactEvent
from credit.lists.models import ListEntry
from credit.records.models import Record
from credit.review import queries, services
from credit.subjects.models import (
    DistinctConfirmation,
    Subject,
    SubjectMerge,
    SubjectNameSeen,
)
from credit.subjects.search import search_subjects
from credit.subjects.signals import subjects_changed
from tests.collection.samples import company_uscc, penalty_row
from tests.review.conftest import SOLE_TRADER

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(admin_user):
    return Actor.for_user(admin_user)


def _state(subject: Subject):
    """Everything a merge changes and an undo must give back."""
    subject.refresh_from_db()
    return (
        subject.merged_into_id,
        subject.needs_review,
        sorted(Record.objects.filter(subject=subject).values_list("pk", flat=True)),
        sorted(ListEntry.objects.filter(subject=subject).values_list("pk", flat=True)),
    )


def test_the_queue_groups_one_sole_traders_profiles_and_leaves_a_namesake_alone(duplicates):
    found = queries.review_queue()
    assert found.flagged_total == 4
    groups = [sorted(m.pk for m in g.members) for g in found.groups]
    assert sorted(p.pk for p in duplicates.profiles) in groups
    # Same name, same (empty) region, another 负责人: only a lone flagged subject.
    assert [duplicates.namesake.pk] in groups
    group = next(g for g in found.groups if len(g.members) == 3)
    assert group.reason.startswith("同名、同负责人、同地区") and group.flagged == 3
    assert queries.group_of(duplicates.profiles[2]) == duplicates.profiles


def test_a_merge_moves_records_and_entries_redirects_and_is_undone_exactly(
    duplicates, office, client, django_capture_on_commit_callbacks
):
    survivor, merged, third = duplicates.profiles
    before = {s.pk: _state(s) for s in duplicates.profiles}
    merged_records = before[merged.pk][2]
    assert len(merged_records) == 1 and before[merged.pk][3] == [duplicates.entry.pk]
    sent = []

    def remember(sender, subject_ids, public_ids, **kwargs):
        # The outbox's subscriber ("facts") tells the same; the merge's own signal is checked.
        if sender == "subjects":
            sent.append(set(public_ids))

    subjects_changed.connect(remember)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            merge = services.merge_subjects(office, survivor, merged, "同一负责人同一店铺")
        # Caches are told only once the merge is committed.
        assert sent == []
        for callback in callbacks:
            callback()
    finally:
        subjects_changed.disconnect(remember)
    assert sent == [{survivor.public_id, merged.public_id}]

    assert merge.moved == {"records": merged_records, "list_entries": [duplicates.entry.pk]}
    merged.refresh_from_db()
    survivor.refresh_from_db()
    assert merged.merged_into_id == survivor.pk and not merged.needs_review
    assert not survivor.needs_review  # the merge was the office's decision on it
    assert Record.objects.filter(subject=survivor).count() == 2
    assert ListEntry.objects.get(pk=duplicates.entry.pk).subject_id == survivor.pk
    assert not Record.objects.filter(subject=merged).exists()
    log = ChangeLog.objects.get(action="subject.merge")
    assert log.object_id == merged.public_id
    assert log.after["merged_into"] == f"{survivor.name}（{survivor.public_id}）"
    assert log.after["records"] == 1 and log.after["list_entries"] == 1
    assert labels.action("subject.merge") == "合并信用主体"

    # The merged profile redirects on the portal and the API; search leaves it out.
    response = client.get(f"/subjects/{merged.public_id}/")
    assert response.status_code == 302 and response.url == f"/subjects/{survivor.public_id}/"
    assert client.get(response.url).status_code == 200
    api = client.get(f"/api/v1/public/subjects/{merged.public_id}")
    assert api.status_code == 302 and api.url == f"/api/v1/public/subjects/{survivor.public_id}"
    hits = search_subjects(SOLE_TRADER).hits
    assert merged.public_id not in {h.public_id for h in hits}
    assert survivor.public_id in {h.public_id for h in hits}
    # The queue now shows the survivor with the remaining flagged profile only.
    assert sorted(m.pk for m in queries.group_of(third)) == [survivor.pk, third.pk]

    services.undo_merge(office, merge, "核实为两家店")
    assert {s.pk: _state(s) for s in duplicates.profiles} == before
    merge.refresh_from_db()
    assert merge.is_undone and merge.undone_by == office.label
    assert client.get(f"/subjects/{merged.public_id}/").status_code == 200
    assert ChangeLog.objects.get(action="subject.merge_undo").after["records"] == 1
    with pytest.raises(ServiceError, match="已于此前撤销"):
        services.undo_merge(office, merge, "再撤一次")


def _events():
    return [
        (e.kind, e.action, e.fact_ids, e.subject_ids, e.actor_label)
        for e in FactEvent.objects.order_by("id")
    ]


def test_merge_and_undo_tell_the_outbox_which_subjects_facts_moved(duplicates, office):
    survivor, merged, third = duplicates.profiles
    FactEvent.objects.all().delete()  # the fixture's imports and list steps
    record_ids = sorted(Record.objects.filter(subject=merged).values_list("pk", flat=True))
    both = sorted([survivor.pk, merged.pk])

    merge = services.merge_subjects(office, survivor, merged, "同一店铺")
    assert _events() == [
        (RECORD, "moved", record_ids, both, office.label),
        (LIST_ENTRY, "moved", [duplicates.entry.pk], both, office.label),
    ]

    FactEvent.objects.all().delete()
    services.undo_merge(office, merge, "核实为两家店")
    assert _events() == [
        (RECORD, "moved", record_ids, both, office.label),
        (LIST_ENTRY, "moved", [duplicates.entry.pk], both, office.label),
    ]

    # A merge that moves no list entry writes no list-entry event; a refused merge none.
    FactEvent.objects.all().delete()
    services.merge_subjects(office, survivor, third, "同一店铺")
    assert [(kind, subjects) for kind, _, _, subjects, _ in _events()] == [
        (RECORD, sorted([survivor.pk, third.pk]))
    ]
    FactEvent.objects.all().delete()
    with pytest.raises(ServiceError):
        services.merge_subjects(office, survivor, survivor, "同一店铺")
    assert _events() == []


def test_undo_gives_back_only_what_is_still_on_the_survivor(duplicates, office):
    survivor, merged, _ = duplicates.profiles
    merge = services.merge_subjects(office, survivor, merged, "同一店铺")
    later = Subject.objects.create(
        public_id="P" * 22, kind="sole_trader", name=SOLE_TRADER, name_norm=SOLE_TRADER
    )
    moved_record = merge.moved["records"][0]
    Record.objects.filter(pk=moved_record).update(subject=later)
    FactEvent.objects.all().delete()
    services.undo_merge(office, merge, "撤销")
    assert Record.objects.get(pk=moved_record).subject_id == later.pk
    # The record that went elsewhere stays out of the undo's event too.
    assert [(kind, facts) for kind, _, facts, _, _ in _events()] == [
        (LIST_ENTRY, [duplicates.entry.pk])
    ]
    assert ListEntry.objects.get(pk=duplicates.entry.pk).subject_id == merged.pk
    assert ChangeLog.objects.get(action="subject.merge_undo").after["not_returned"] == 1


def test_undo_waits_for_a_later_merge_of_the_survivor(duplicates, office):
    a, b, c = duplicates.profiles
    first = services.merge_subjects(office, b, a, "同一店铺")
    services.merge_subjects(office, c, b, "同一店铺")
    # Chains redirect to the end.
    assert queries.group_of(c)[0].pk == c.pk
    from credit.subjects.queries import survivor_public_id

    assert survivor_public_id(a.public_id) == c.public_id
    with pytest.raises(ServiceError, match="请先撤销那次合并"):
        services.undo_merge(office, first, "撤销")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("same", "不能是同一个主体"),
        ("kind", "主体类别不同"),
        ("merged_has_code", "请把它作为保留主体"),
        ("both_codes", "是不同的登记主体"),
    ],
)
def test_merges_that_would_join_registrations_are_refused(duplicates, office, change, message):
    survivor, merged, _ = duplicates.profiles
    if change == "same":
        merged = survivor
    elif change == "kind":
        Subject.objects.filter(pk=merged.pk).update(kind="organization")
    elif change == "merged_has_code":
        Subject.objects.filter(pk=merged.pk).update(uscc=company_uscc(5))
    else:
        Subject.objects.filter(pk=merged.pk).update(uscc=company_uscc(5))
        Subject.objects.filter(pk=survivor.pk).update(uscc=company_uscc(6))
    with pytest.raises(ServiceError, match=message):
        services.merge_subjects(office, survivor, merged, "测试")
    assert not SubjectMerge.objects.exists()
    assert Record.objects.filter(subject=merged).count() == 1


def test_a_reason_is_required_and_only_the_credit_office_decides(
    duplicates, office, operator_user, auditor_user
):
    survivor, merged, _ = duplicates.profiles
    with pytest.raises(ServiceError, match="请填写合并理由"):
        services.merge_subjects(office, survivor, merged, "  ")
    with pytest.raises(ServiceError, match="控制字符"):
        services.merge_subjects(office, survivor, merged, "理由\x00")
    with pytest.raises(PermissionDenied, match="只有信用办管理员"):
        services.merge_subjects(Actor.for_user(operator_user), survivor, merged, "理由")
    with pytest.raises(PermissionDenied, match="审计员"):
        services.merge_subjects(Actor.for_user(auditor_user), survivor, merged, "理由")
    with pytest.raises(PermissionDenied):
        services.confirm_distinct(Actor.for_user(auditor_user), survivor, [merged], "理由")
    assert not SubjectMerge.objects.exists() and _state(merged)[0] is None


def test_confirming_distinct_clears_the_flag_and_keeps_the_pairs(duplicates, office):
    a, b, c = duplicates.profiles
    pairs = services.confirm_distinct(office, a, [b, c], "两家店，营业执照不同")
    assert {(p.subject_a_id, p.subject_b_id) for p in pairs} == {(a.pk, b.pk), (a.pk, c.pk)}
    a.refresh_from_db()
    assert not a.needs_review
    # Confirming again adds nothing; the others still wait for a decision.
    services.confirm_distinct(office, a, [b], "再次确认")
    assert DistinctConfirmation.objects.count() == 2
    group = next(g for g in queries.review_queue().groups if len(g.members) == 3)
    assert group.flagged == 2
    log = ChangeLog.objects.filter(action="subject.confirm_distinct").first()
    assert b.public_id in log.after["distinct_from"]
    (shown,) = [c_ for c_ in queries.compare([a]) if c_.subject.pk == a.pk]
    assert set(shown.distinct_from) == {b.public_id, c.public_id}


def test_a_differing_name_waits_in_the_queue_until_kept_or_adopted(import_rows, scjg, office):
    registered = penalty_row(1)
    code = registered["行政相对人代码_1（统一社会信用代码）"]
    import_rows(scjg, [registered])
    other = penalty_row(
        1,
        **{
            "行政相对人名称": "本溪市新名称商贸有限公司",
            "行政处罚决定书文号": "本市监罚〔2026〕8号",
        },
    )
    # A dry run remembers nothing.
    import_rows(scjg, [other], dry_run=True)
    assert not SubjectNameSeen.objects.exists()
    import_rows(scjg, [other])
    subject = Subject.objects.get(uscc=code)
    (seen,) = SubjectNameSeen.objects.filter(subject=subject)
    assert seen.name == "本溪市新名称商贸有限公司" and seen.resolved_at is None
    (group,) = queries.review_queue().groups
    assert group.members == [subject] and group.names_seen == ["本溪市新名称商贸有限公司"]
    assert "报送名称与登记名称不一致" in group.reason

    # Keep the registered name: the question closes, the name stays.
    services.resolve_name(office, seen, adopt=False)
    subject.refresh_from_db()
    assert subject.name == "本溪市测试商贸有限公司1" and not subject.needs_review
    assert ChangeLog.objects.get(action="subject.name_keep").after["seen_name"] == seen.name
    # The same name again is a question again.
    import_rows(
        scjg,
        [
            penalty_row(
                1,
                **{
                    "行政相对人名称": "本溪市新名称商贸有限公司",
                    "行政处罚决定书文号": "本市监罚〔2026〕9号",
                },
            )
        ],
    )
    seen.refresh_from_db()
    subject.refresh_from_db()
    assert seen.resolved_at is None and subject.needs_review

    # Adopt it: the old name goes into the history, search finds the new one.
    services.resolve_name(office, seen, adopt=True, reason="已变更登记")
    subject.refresh_from_db()
    assert subject.name == "本溪市新名称商贸有限公司" and not subject.needs_review
    assert list(subject.former_names.values_list("name", "source")) == [
        ("本溪市测试商贸有限公司1", "信用办核对")
    ]
    assert subject.public_id in {h.public_id for h in search_subjects("新名称商贸").hits}
    log = ChangeLog.objects.get(action="subject.name_adopt")
    assert log.before["name"] == "本溪市测试商贸有限公司1" and log.after["reason"] == "已变更登记"
    with pytest.raises(ServiceError, match="已处理"):
        services.resolve_name(office, seen, adopt=False)
    assert not queries.review_queue().groups


def test_a_lone_flagged_subject_is_confirmed_as_its_own(duplicates, office):
    lone = duplicates.namesake
    assert queries.group_of(lone) == [lone]
    assert services.confirm_distinct(office, lone, [], "核实为独立经营者") == []
    lone.refresh_from_db()
    assert not lone.needs_review
    log = ChangeLog.objects.get(action="subject.confirm_distinct")
    assert log.after["distinct_from"] == "无候选主体"


def test_the_comparison_reads_as_the_office_every_fact_in_every_state(duplicates):
    """Whether two profiles are one subject does not depend on what is public: the
    comparison shows withdrawn records and entries not (yet) public, through the kernel's
    office audience."""
    from credit.facts import Audience, readable
    from credit.records import services as record_services

    survivor, merged, _ = duplicates.profiles
    record = Record.objects.get(subject=merged)
    record_services.withdraw(Actor.system("测试"), record, "处罚决定已被撤销")
    # Hidden from the public (and, the entry being only notified, from sharing too).
    assert not readable(RECORD, Audience.PUBLIC).filter(pk=record.pk).exists()
    assert not readable(LIST_ENTRY, Audience.SHARING).filter(pk=duplicates.entry.pk).exists()

    candidates = {c.subject.pk: c for c in queries.compare([survivor, merged])}
    shown = candidates[merged.pk]
    assert [r.pk for r in shown.records] == [record.pk]
    assert shown.record_total == 1
    assert [e.pk for e in shown.entries] == [duplicates.entry.pk]
    assert candidates[survivor.pk].entries == []
    assert [r.pk for r in candidates[survivor.pk].records] == list(
        Record.objects.filter(subject=survivor).values_list("pk", flat=True)
    )
