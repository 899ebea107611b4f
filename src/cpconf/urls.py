"""Top-level URL configuration."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "cpconf administration"
admin.site.site_title = "cpconf administration"
admin.site.index_title = "Authority administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("cpconf.web.urls")),
    path("", include("cpconf.people.urls")),
    path("", include("cpconf.access.urls")),
    path("", include("cpconf.enquiries.urls")),
    path("", include("cpconf.conferences.urls")),
]
