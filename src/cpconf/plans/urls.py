"""Plan pages. Each area of the work has its own module of views; their URLs are gathered here."""

from __future__ import annotations

from cpconf.plans.views import plans

app_name = "plans"

urlpatterns = [
    *plans.urlpatterns,
]
