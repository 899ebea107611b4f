"""Pages of the access app (namespace ``access``): opening a record in an emergency, and reviewing it."""

from __future__ import annotations

from django.urls import path

from cpconf.access import views

app_name = "access"

urlpatterns = [
    path("children/emergency-access/", views.emergency_access, name="emergency-access"),
    path(
        "children/emergency-access/reviews/", views.emergency_access_reviews, name="emergency-access-reviews"
    ),
    path(
        "children/emergency-access/reviews/<uuid:grant_id>/",
        views.emergency_access_review,
        name="emergency-access-review",
    ),
]
