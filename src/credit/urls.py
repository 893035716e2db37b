from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path

from credit.api import api

admin.site.site_header = "信用本溪 管理后台"
admin.site.site_title = "信用本溪"
admin.site.index_title = "平台配置"


def api_not_found(request, rest: str):
    """An address under the API that no route answers: the API's own JSON error, not the
    portal's HTML page (a calling system reads `code`)."""
    return JsonResponse(
        {"code": "not_found", "message": "接口不存在，请核对地址（接口文档：/api/v1/docs）"},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/<path:rest>", api_not_found),
    path("console/audit/", include("credit.console.audit_urls")),
    path("console/checks/", include("credit.checks.console_urls")),
    path("console/commitments/", include("credit.console.commitment_urls")),
    path("console/lists/", include("credit.lists.console_urls")),
    path("console/records/", include("credit.console.record_urls")),
    path("console/repairs/", include("credit.repairs.console_urls")),
    path("console/repair-notices/", include("credit.reports.repair_notice_urls")),
    path("console/review/", include("credit.review.console_urls")),
    path("console/reports/", include("credit.reports.console_urls")),
    path("console/supervision/", include("credit.supervision.console_urls")),
    path("console/", include("credit.console.urls")),
    path("catalog/", include("credit.catalog.urls")),
    path("lists/", include("credit.portal.list_urls")),
    path("", include("credit.reports.urls")),
    path("console/objections/", include("credit.objections.console_urls")),
    path("", include("credit.portal.objection_urls")),
    path("", include("credit.portal.urls")),
]
