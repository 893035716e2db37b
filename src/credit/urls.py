from django.contrib import admin
from django.urls import include, path

from credit.api import api

admin.site.site_header = "信用本溪 管理后台"
admin.site.site_title = "信用本溪"
admin.site.index_title = "平台配置"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("console/audit/", include("credit.audit.urls")),
    path("console/checks/", include("credit.measures.console_urls")),
    path("console/lists/", include("credit.lists.console_urls")),
    path("console/", include("credit.console.urls")),
    path("catalog/", include("credit.catalog.urls")),
    path("lists/", include("credit.lists.urls")),
    path("", include("credit.portal.urls")),
]
