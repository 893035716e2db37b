"""Reads of the subject registry shared with other apps (portal, measures, console)."""

from __future__ import annotations

import contextlib
import re

from credit.core.errors import NotFound
from credit.core.fieldcrypto import FieldCryptoError, decrypt_id
from credit.core.masking import mask_id_number, mask_person_name
from credit.core.normalize import has_control_chars, name_key
from credit.subjects import search
from credit.subjects.models import RegStatus, Subject, SubjectKind, SubjectRegistration

# Registered names vary in the legal-form suffix for the same kind of company: a credit
# check naming "XX有限公司" must also consider "XX有限责任公司" and the other way round.
_LEGAL_FORMS = re.compile(r"(有限责任公司|有限公司)$")
_LEGAL_FORM_CANONICAL = "有限公司"


def match_key(name: str) -> str:
    """Normalised name with the legal form unified (有限责任公司 → 有限公司)."""
    key = name_key(name or "")
    if key.endswith("股份有限公司"):
        return key
    return _LEGAL_FORMS.sub(_LEGAL_FORM_CANONICAL, key)


def name_variants(name: str) -> list[str]:
    """Every normalised spelling a registry entry of this name may carry."""
    key = name_key(name or "")
    unified = match_key(key)
    variants = [key, unified]
    if unified.endswith(_LEGAL_FORM_CANONICAL) and not unified.endswith("股份有限公司"):
        variants.append(unified[: -len(_LEGAL_FORM_CANONICAL)] + "有限责任公司")
    return list(dict.fromkeys(v for v in variants if v))


def get_by_public_id(public_id: str) -> Subject:
    try:
        return Subject.objects.get(public_id=public_id)
    except Subject.DoesNotExist:
        raise NotFound("未找到该信用主体") from None


def surviving(subject: Subject) -> Subject:
    """The subject a merged one now lives in (merges may chain), or `subject` itself."""
    for _ in range(20):  # bounded: a cycle cannot be made, but a page must never hang
        if subject.merged_into_id is None:
            break
        subject = Subject.objects.get(pk=subject.merged_into_id)
    return subject


def survivor_public_id(public_id: str) -> str | None:
    """The public id to redirect to when `public_id` names a merged subject, else None."""
    if has_control_chars(public_id):
        return None  # names nothing, and PostgreSQL refuses NUL in a parameter
    subject = Subject.objects.filter(public_id=public_id, merged_into__isnull=False).first()
    return surviving(subject).public_id if subject is not None else None


def candidates(name: str, region: str | None = None, limit: int = 10) -> list[Subject]:
    """Organisations and sole traders that may be the one named, best first.

    Exact matches of the normalised name (legal-form variants included) come first, then
    the name search's ranked substring and fuzzy matches. Persons are never matched by
    name. `region` (a GB/T 2260 code) keeps subjects registered there or below it.
    """
    variants = name_variants(name)
    if not variants:
        return []
    base = Subject.objects.exclude(kind=SubjectKind.PERSON).filter(merged_into__isnull=True)
    if region:
        base = base.filter(region_code__startswith=region.rstrip("0") or region)
    found = list(base.filter(name_norm__in=variants).order_by("-verified", "name", "id")[:limit])
    # The whole name as a substring (and, on PostgreSQL, by trigram similarity); when that
    # finds nothing, distinctive pieces of it, so a typo (有线公司) or a left-out word
    # (管理公司 for 管理有限公司) still brings the subject up as a suggestion.
    for probe in [variants[0], *(probes(variants[0]) if not found else ())]:
        if len(found) >= limit:
            break
        ids, _total = search.match_ids(probe, limit=limit * 3)
        seen = {s.id for s in found}
        more = base.filter(id__in=[i for i in ids if i not in seen]).in_bulk()
        found += [more[i] for i in ids if i in more][: limit - len(found)]
    return found


# A city prefix and the generic words names end with: pieces made of them would match
# thousands of subjects.
_CITY_PREFIX = re.compile(r"^(辽宁省)?(本溪市|本溪)")
_GENERIC_ENDING = re.compile(
    r"(有限责任公司|有限公司|有线公司|股份公司|分公司|公司|集团|有限|管理|服务|经营部|中心|店|厂)+$"
)
PROBE_LENGTH = 4


def probes(key: str) -> list[str]:
    """The first and last four characters of a normalised name once its city prefix and
    generic ending are dropped: a name with a typo or a missing word still shares one."""
    core = _GENERIC_ENDING.sub("", _CITY_PREFIX.sub("", key))
    if len(core) < 3:
        return []
    return list(dict.fromkeys([core[:PROBE_LENGTH], core[-PROBE_LENGTH:]]))


# Subjects a name filter may stand for: the log is then read by the subject_id index.
MAX_NAMED_SUBJECTS = 500


def ids_matching(name: str, uscc: str) -> list[int]:
    """Ids of the subjects with this USCC and/or a normalised name containing `name`.

    For the auditors' access-log filter. Found in the subject registry (indexed: trigram on
    PostgreSQL), never by scanning the access log's labels, which grow by a row per subject
    on every credit check."""
    subjects = Subject.objects.all()
    if uscc:
        subjects = subjects.filter(uscc=uscc.strip().upper())
    if name:
        query = search.clean_query(name)
        if not query:
            return []
        subjects = subjects.filter(name_norm__contains=query)
    return list(subjects.order_by().values_list("pk", flat=True)[:MAX_NAMED_SUBJECTS])


# --- registration (登记注册基本信息) ---------------------------------------------------------

LONG_TERM = "长期"


def current_registration(subject: Subject) -> SubjectRegistration | None:
    """The subject's current registration version, or None when none was received."""
    return SubjectRegistration.objects.filter(subject=subject, superseded_at__isnull=True).first()


def registration_history(subject: Subject) -> list[SubjectRegistration]:
    """Every registration version of the subject, newest first (the current one first)."""
    return list(SubjectRegistration.objects.filter(subject=subject))


def registration_status(subject: Subject) -> str:
    """The subject's 登记状态 as a RegStatus value ("" when no registration is known)."""
    return subject.reg_status or ""


def is_active(subject: Subject) -> bool | None:
    """Whether the subject's registration is 存续; None when no registration is known."""
    return None if not subject.reg_status else subject.reg_status == RegStatus.ACTIVE


def _day(value) -> str:
    return value.isoformat() if value else ""


def _amount(value) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def _term(row: SubjectRegistration) -> str:
    if not row.term_from and not row.term_to:
        return ""
    return f"{_day(row.term_from) or '—'} 至 {_day(row.term_to) or LONG_TERM}"


# `basic_info`'s registration argument when the caller did not read it: look it up.
_LOOK_UP = object()


def basic_info(subject, registration=_LOOK_UP) -> list[tuple[str, str]]:
    """(Chinese label, value) of the public base information known for a subject, in the
    order of a 信用中国 report's 基本信息, masked for the public; items with no value are
    left out.

    From the registry's own columns, and for organisations and sole traders the current
    registration (登记注册基本信息) when one was received. The name is the subject's
    (registered or adopted by the credit office), never a name a file carried on its own.
    `subject` is a Subject or any row with the same attributes (the portal's compiled read);
    `registration` the current SubjectRegistration (or None) when the caller already read it
    with its own statements, as the portal profile does to save a round trip.
    """
    person = subject.kind == SubjectKind.PERSON
    rows = [
        ("姓名" if person else "名称", mask_person_name(subject.name) if person else subject.name),
        ("统一社会信用代码", subject.uscc or ""),
        ("主体类别", search.KIND_NAMES.get(subject.kind, subject.kind)),
    ]
    if person:
        if subject.id_cipher:
            with contextlib.suppress(FieldCryptoError):
                rows.append(("身份证号码", mask_id_number(decrypt_id(subject.id_cipher))))
    else:
        row = registration
        if row is _LOOK_UP:
            row = SubjectRegistration.objects.filter(
                subject_id=subject.id, superseded_at__isnull=True
            ).first()
        if row is None:
            rows.append(("法定代表人（负责人）", subject.legal_rep))
        else:
            rows += [
                ("主体类型", row.entity_type),
                ("法定代表人（负责人）", row.legal_rep or subject.legal_rep),
                ("成立日期", _day(row.established_on)),
                ("注册资本（万元）", _amount(row.capital)),
                ("住所", row.address),
                ("经营范围", row.business_scope),
                ("营业期限", _term(row)),
                ("登记机关", row.authority),
                ("登记状态", row.get_status_display()),
                ("核准日期", _day(row.approved_on)),
            ]
    rows.append(("所属地区", search.region_name(subject.region_code) or ""))
    return [(label, value) for label, value in rows if value]
