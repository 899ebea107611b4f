"""Minutes pages (docs/minutes.md)."""

from __future__ import annotations

from cpconf.minutes.views import pages

app_name = "minutes"

urlpatterns = [*pages.urlpatterns]
