"""One exposure policy: for every hidden state of a fact, the audiences that may see it
see it, the others do not, and the fast paths (the compiled profile read, the single
check's statement on PostgreSQL) agree with the general paths they were compiled from."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from credit import facts
from credit.catalog.models import DatasetVersion, ShareAttr
from credit.checks import fastpath
from credit.checks.answer import current_entry_dicts, shared_negative_records
from credit.checks.resolve import SubjectQuery, resolve
from credit.core.actors import Actor
from credit.facts import Audience
from credit.lists import queries as list_queries
from credit.lists.models import EntryState
from credit.portal import profile_page
from credit.portal.opaque import record_token
from credit.records import queries as record_queries
from credit.records import services as record_services
from credit.records.models import Record, Visibility
from tests.checks.test_checks_helpers import (  # noqa: F401
    catalog,
    import_penalty,
    make_subject,
    put_on_list,
    uscc,
)

pytestmark = pytest.mark.django_db

ALL = frozenset(Audience)
# The credit office at its own work sees a fact in every state.
OFFICE = Audience.OFFICE
SUBJECT_NUMBER = 71


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def _set(**values):
    def apply(record: Record) -> None:
        Record.objects.filter(pk=record.pk).update(**values)

    return apply


def _withdraw(record: Record) -> None:
    record_services.withdraw(Actor.system("测试"), record, "处罚决定已被撤销")


def _repair(record: Record) -> None:
    record_services.repair(Actor.system("测试"), record, "信用修复（测试）")


def _not_shareable(record: Record) -> None:
    DatasetVersion.objects.filter(pk=record.dataset_version_id).update(share_attr=ShareAttr.NONE)


# state -> (how to put the record in it, the audiences that see it)
RECORD_STATES = {
    "public": (lambda record: None, ALL),
    "withdrawn": (_withdraw, {Audience.PROVIDER}),
    # 信用修复: publication and sharing stop; the subject still sees what is held about it.
    "repaired": (_repair, {Audience.PROVIDER, Audience.SUBJECT}),
    "window ended": (
        _set(public_from=_days(-400), public_until=_days(-35), visibility=Visibility.ENDED),
        {Audience.PROVIDER, Audience.SUBJECT},
    ),
    # The daily job has not run yet: the dates already decide.
    "window ended, state not yet updated": (
        _set(public_from=_days(-366), public_until=_days(-1), visibility=Visibility.PUBLIC),
        {Audience.PROVIDER, Audience.SUBJECT},
    ),
    "not yet public": (
        _set(public_from=_days(3), public_until=_days(300), visibility=Visibility.PENDING),
        ALL - {Audience.PUBLIC},
    ),
    "not yet public, state already public": (
        _set(public_from=_days(3), public_until=_days(300), visibility=Visibility.PUBLIC),
        ALL - {Audience.PUBLIC},
    ),
    "not published (minor penalty)": (
        _set(public_from=None, public_until=None, visibility=Visibility.NOT_PUBLISHED),
        ALL - {Audience.PUBLIC},
    ),
    "not shareable by catalog attribute": (
        _not_shareable,
        ALL - {Audience.SHARING, Audience.CHECK},
    ),
}


def _fast_and_general(subject_uscc: str, today: dt.date):
    query = SubjectQuery(uscc=subject_uscc)
    resolutions = resolve([query])
    ids = [r["row"]["id"] for r in resolutions if r["status"] == "matched"]
    general = (
        resolutions,
        current_entry_dicts(ids, today),
        shared_negative_records(ids, today),
    )
    fast = fastpath.lookup_single([query], today) if connection.vendor == "postgresql" else None
    return fast, general


@pytest.mark.parametrize("state", list(RECORD_STATES))
def test_record_state_seen_by_its_audiences_on_every_path(state, import_penalty, scjg, sthj):  # noqa: F811
    import_penalty(SUBJECT_NUMBER)
    record = Record.objects.get(subject__uscc=uscc(SUBJECT_NUMBER))
    put_in_state, audiences = RECORD_STATES[state]
    put_in_state(record)
    today = timezone.localdate()
    subject = record.subject

    seen = {
        audience
        for audience in Audience
        if facts.readable(facts.RECORD, audience, today, department=scjg, subject=subject).filter(
            pk=record.pk
        )
    }
    assert seen == set(audiences) | {OFFICE}
    assert not facts.readable(facts.RECORD, Audience.PROVIDER, today, department=sthj).filter(
        pk=record.pk
    )

    # The public: general path, the compiled profile read, the portal's profile.
    public = Audience.PUBLIC in audiences
    assert record_queries.public_records(today).filter(pk=record.pk).exists() == public
    assert (
        record_queries.public_records_of_dataset("penalty", today).filter(pk=record.pk).exists()
        == public
    )
    profile = profile_page.load(subject.public_id, today)
    shown = [row.token for row in profile.datasets["penalty"].rows] if profile else []
    assert shown == ([record_token(record.pk)] if public else [])

    # Sharing and credit checks: general paths, and the single check's statement.
    shared = record_queries.shared_records(Actor.system("测试"), subject)
    assert shared.filter(pk=record.pk).exists() == (Audience.SHARING in audiences)
    fast, general = _fast_and_general(subject.uscc, today)
    assert bool(general[2]) == (Audience.CHECK in audiences)
    if connection.vendor == "postgresql":
        assert fast == general


def _entry_state(**values):
    def apply(entry) -> None:
        type(entry).objects.filter(pk=entry.pk).update(**values)

    return apply


# state -> (how to put the entry in it, the audiences that see it)
ENTRY_STATES = {
    "published, in force": (lambda entry: None, ALL),
    "removed": (
        _entry_state(state=EntryState.REMOVED, removed_on=_days(-1)),
        {Audience.PROVIDER, Audience.SUBJECT},
    ),
    "only notified": (
        _entry_state(state=EntryState.NOTIFIED, published_on=None),
        {Audience.PROVIDER, Audience.SUBJECT},
    ),
    "not listed after notice": (
        _entry_state(state=EntryState.WITHDRAWN, published_on=None),
        {Audience.PROVIDER},
    ),
    "decided, not yet published": (
        _entry_state(state=EntryState.DECIDED, published_on=None),
        ALL - {Audience.PUBLIC},
    ),
    "period ended, expiry job not yet run": (
        _entry_state(period_start=_days(-400), period_end=_days(-1)),
        {Audience.PROVIDER, Audience.SUBJECT},
    ),
    "period not yet started": (
        _entry_state(period_start=_days(2), period_end=_days(400)),
        {Audience.PROVIDER, Audience.SUBJECT},
    ),
}


@pytest.mark.parametrize("state", list(ENTRY_STATES))
def test_list_entry_state_seen_by_its_audiences_on_every_path(state, catalog, scjg, sthj):  # noqa: F811
    subject = make_subject("本溪市名单状态测试有限公司", code=uscc(SUBJECT_NUMBER + 1))
    entry = put_on_list(subject, "samr_serious_violation")
    type(entry).objects.filter(pk=entry.pk).update(department=scjg)
    put_in_state, audiences = ENTRY_STATES[state]
    put_in_state(entry)
    entry.refresh_from_db()
    today = timezone.localdate()

    seen = {
        audience
        for audience in Audience
        if facts.readable(
            facts.LIST_ENTRY, audience, today, department=scjg, subject=subject
        ).filter(pk=entry.pk)
    }
    assert seen == set(audiences) | {OFFICE}
    assert not facts.readable(facts.LIST_ENTRY, Audience.PROVIDER, today, department=sthj).filter(
        pk=entry.pk
    )

    public = Audience.PUBLIC in audiences
    assert list_queries.public_entries_of(subject, today) == ([entry] if public else [])
    profile = profile_page.load(subject.public_id, today)
    listed = [row.decision_number for row in profile.black] if profile else []
    assert listed == ([entry.decision_number] if public else [])

    in_force = Audience.CHECK in audiences
    assert list_queries.is_current(entry, today) == in_force
    fast, general = _fast_and_general(subject.uscc, today)
    assert bool(general[1]) == in_force
    if connection.vendor == "postgresql":
        assert fast == general


def test_every_reader_audience_needs_its_viewer(db):
    with pytest.raises(ValueError):
        facts.visible(facts.RECORD, Audience.PROVIDER)
    with pytest.raises(ValueError):
        facts.visible(facts.LIST_ENTRY, Audience.SUBJECT)
    with pytest.raises(LookupError):
        facts.visible("grade", Audience.PUBLIC)
