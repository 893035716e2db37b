"""Template context of every page: the site's identification for the footer."""

from django.conf import settings


def site(request):
    """`site`: 主办单位, contact, 网站标识码 and the 备案 numbers (CREDIT_SITE_* settings)."""
    return {"site": settings.CREDIT_SITE}
