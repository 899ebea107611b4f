"""Conference pages. Each area of the work has its own module of views; their URLs are gathered here."""

from __future__ import annotations

from cpconf.conferences.views import (
    attendance,
    decisions,
    exclusions,
    invitations,
    reports,
    scheduling,
    worklists,
)

app_name = "conferences"

urlpatterns = [
    *scheduling.urlpatterns,
    *invitations.urlpatterns,
    *reports.urlpatterns,
    *exclusions.urlpatterns,
    *attendance.urlpatterns,
    *decisions.urlpatterns,
    *worklists.urlpatterns,
]
