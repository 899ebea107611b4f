"""The plans' follow-up pages (core groups, visits, reviews and endings, the overdue lists), included
under ``plans/`` with the namespace ``followup``. The plans' own pages (``plans/urls.py``, namespace
``plans``) sit beside them."""

from __future__ import annotations

from cpconf.plans.views import core_groups, overdue, reviews, visits

app_name = "followup"

urlpatterns = [
    *overdue.urlpatterns,
    *core_groups.urlpatterns,
    *visits.urlpatterns,
    *reviews.urlpatterns,
]
