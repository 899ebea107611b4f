"""Top-level URL configuration."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, re_path

from cpconf.api import views as api_views
from cpconf.api.api import api

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
    path("", include("cpconf.minutes.urls")),
    path("", include("cpconf.plans.urls")),
    # The plans' follow-up: core groups, visits, reviews and endings, the overdue lists (docs/plans-followup.md).
    path("plans/", include("cpconf.plans.urls_followup")),
    # The JSON API (docs/api.md): its index, its operations, and "not found" as JSON for any other address.
    path("api/", api_views.index, name="api-index"),
    path("api/", api.urls),
    re_path(r"^api/", api_views.not_found, name="api-not-found"),
]
