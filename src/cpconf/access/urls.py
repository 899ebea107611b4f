"""Pages of the access app (namespace ``access``): opening a record in an emergency."""

from __future__ import annotations

from django.urls import path

from cpconf.access import views

app_name = "access"

urlpatterns = [
    path("children/emergency-access/", views.emergency_access, name="emergency-access"),
]
