"""信用修复告知书 ("两书同达"): with every penalty and list decision the deciding department
hands the party a notice of what may be repaired, from when, how and with which materials.
Generated from the fact and the repair self-check, rendered and signed like the reports
(no register number: it is a notice about the fact, not a report; it is regenerated on
every download)."""

from __future__ import annotations

import weasyprint
from django.conf import settings
from django.utils import timezone

from credit.lists.models import ListEntry
from credit.records.models import Record
from credit.repairs import eligibility
from credit.repairs import settings as repair_settings
from credit.reports import render, signing

TEMPLATE = "reports/repair_notice.html"
SIGN_REASON = "信用修复告知书"


def context_for(fact: Record | ListEntry) -> dict:
    today = timezone.localdate()
    answer = eligibility.check(fact, today)
    if isinstance(fact, ListEntry):
        fact_rows = [
            ("名单", fact.list_type.name),
            ("列入决定书文号", fact.decision_number),
            ("决定日期", fact.decision_date),
            ("列入期限", f"{fact.period_start or '—'} 至 {fact.period_end or '长期'}"),
        ]
        subject, authority = fact.subject, fact.authority_name or fact.department.name
        number_part = f"L{fact.pk}"
    else:
        fact_rows = [
            ("信息类别", fact.dataset.name),
            ("决定文书号", fact.doc_number),
            ("决定日期", fact.decision_date),
            ("失信严重程度", fact.severity or "—"),
            ("公示期", f"{fact.public_from or '—'} 至 {fact.public_until or '长期'}"),
        ]
        subject, authority = fact.subject, fact.authority_name or fact.department.name
        number_part = f"R{fact.pk}"
    return {
        "number": f"XFGZ-{today:%Y%m%d}-{number_part}",
        "subject": subject,
        "authority": authority,
        "fact_rows": fact_rows,
        "answer": answer,
        "accept_days": repair_settings.accept_workdays(),
        "decide_days": repair_settings.decide_workdays(),
        "site": settings.CREDIT_SITE_URL,
        "today": today,
        "issuer": settings.CREDIT_REPORT_ISSUER,
    }


def pdf(fact: Record | ListEntry) -> bytes:
    context = context_for(fact)
    page = render.html(TEMPLATE, context)
    document = weasyprint.HTML(string=page, base_url=str(settings.BASE_DIR))
    number = context["number"]
    unsigned = document.write_pdf(pdf_identifier=number.encode(), uncompressed_pdf=False)
    return signing.sign(unsigned, reason=SIGN_REASON)
