"""Pages for strategy discussions and Section 47 enquiries."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "enquiries"

urlpatterns: list[URLPattern] = []
