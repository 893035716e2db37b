"""A report's PDF: an HTML template rendered by WeasyPrint, then signed.

The CJK font (Noto Sans CJK, installed by `make`) is subset and embedded by WeasyPrint,
so the file reads the same on a machine without it. The report number is in the PDF's
metadata (title and keywords) as well as on every page.
"""

from __future__ import annotations

import segno
import weasyprint
from django.conf import settings
from django.template.loader import render_to_string

from credit.reports import signing


def verify_url(number: str) -> str:
    return f"{settings.CREDIT_SITE_URL}/verify/{number}"


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=1)


def html(template: str, context: dict) -> str:
    return render_to_string(template, context)


def pdf(template: str, context: dict, *, reason: str) -> bytes:
    number = context["number"]
    url = verify_url(number)
    page = html(
        template,
        {
            **context,
            "verify_url": url,
            "qr": qr_data_uri(url),
            "issuer": settings.CREDIT_REPORT_ISSUER,
        },
    )
    document = weasyprint.HTML(string=page, base_url=str(settings.BASE_DIR))
    unsigned = document.write_pdf(pdf_identifier=number.encode(), uncompressed_pdf=False)
    return signing.sign(unsigned, reason=reason)
