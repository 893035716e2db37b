"""Only the admin: these tests must not depend on every app's URLs importing cleanly."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
