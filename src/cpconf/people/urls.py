"""Pages about children (namespace ``people``). Every one obtains its child through an access gateway."""

from __future__ import annotations

from django.urls import path

from cpconf.people import views

app_name = "people"

urlpatterns = [
    path("children/", views.child_list, name="child-list"),
    path("children/<uuid:public_id>/", views.child_detail, name="child-detail"),
    path("children/<uuid:public_id>/access/", views.child_access_history, name="child-access-history"),
]
