"""A publicly shown fact — a record or a list entry — as the due-process pages and public
APIs name it: by the opaque id the profile gives (`opaque.fact_ref`), with what the
objection and repair forms show of it and where its pages are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from credit import facts
from credit.core.masking import mask_person_name
from credit.lists.models import ListEntry
from credit.portal.opaque import entry_token, fact_ref, record_token
from credit.records.models import Record
from credit.repairs import eligibility


@dataclass(frozen=True)
class PublicFact:
    kind: str
    fact: Record | ListEntry
    token: str
    name: str  # the dataset's or the list's name
    number: str  # 决定文书号
    authority: str
    decision_date: dt.date | None
    subject_name: str  # persons by surname only
    page_url: str  # the record page, or the list's page
    check_url: str  # 信用修复自查
    apply_url: str  # 申请信用修复
    objection_url: str

    @property
    def label(self) -> str:
        return f"{self.name} {self.number}".strip()

    @property
    def form_initial(self) -> dict:
        """What the application forms fill in: an organisation's name (public anyway); a
        person's name is never put on a public page, so the applicant types it."""
        subject = self.fact.subject
        return {} if subject.kind == "person" else {"subject_name": subject.name}

    def eligibility(self) -> eligibility.Eligibility:
        return eligibility.check(self.fact)


def _public_name(subject) -> str:
    return mask_person_name(subject.name) if subject.kind == "person" else subject.name


def find(token: str, *, kind: str | None = None, list_code: str | None = None):
    """The PublicFact the public may see today under `token`, or None. `kind`: only that
    kind of fact (a record's address takes no entry's id); `list_code`: the token came in
    a list's address, so it must be an entry of that list."""
    ref = fact_ref(token)
    if ref is None:
        return None
    kind_found, pk = ref
    if list_code is not None:
        kind = facts.LIST_ENTRY
    if kind is not None and kind_found != kind:
        return None
    kind = kind_found
    today = timezone.localdate()
    if kind == facts.RECORD:
        record = (
            facts.readable(facts.RECORD, facts.Audience.PUBLIC, today)
            .select_related("dataset", "dataset_version", "subject", "department")
            .filter(pk=pk)
            .first()
        )
        return _of_record(record) if record is not None else None
    entries = facts.readable(facts.LIST_ENTRY, facts.Audience.PUBLIC, today).filter(pk=pk)
    if list_code is not None:
        entries = entries.filter(list_type__code=list_code)
    entry = entries.select_related("list_type", "subject", "department").first()
    return _of_entry(entry) if entry is not None else None


def _of_record(record: Record) -> PublicFact:
    token = record_token(record.pk)
    return PublicFact(
        kind=facts.RECORD,
        fact=record,
        token=token,
        name=record.dataset.name,
        number=record.doc_number,
        authority=record.authority_name or (record.department.name if record.department else ""),
        decision_date=record.decision_date,
        subject_name=_public_name(record.subject),
        page_url=reverse("portal:record", args=[token]),
        check_url=reverse("portal:repair", args=[token]),
        apply_url=reverse("portal:repair_apply", args=[token]),
        objection_url=reverse("applications:new_objection", args=[token]),
    )


def _of_entry(entry: ListEntry) -> PublicFact:
    token = entry_token(entry.pk)
    code = entry.list_type.code
    return PublicFact(
        kind=facts.LIST_ENTRY,
        fact=entry,
        token=token,
        name=entry.list_type.name,
        number=entry.decision_number or entry.notice_number or "",
        authority=entry.authority_name or (entry.department.name if entry.department else ""),
        decision_date=entry.decision_date,
        subject_name=_public_name(entry.subject),
        # A list type the office switched off has no public page; its self-check stands in.
        page_url=reverse("lists:detail", args=[code])
        if entry.list_type.active
        else reverse("lists:entry_repair", args=[code, token]),
        check_url=reverse("lists:entry_repair", args=[code, token]),
        apply_url=reverse("lists:entry_repair_apply", args=[code, token]),
        objection_url=reverse("applications:new_objection", args=[token]),
    )
