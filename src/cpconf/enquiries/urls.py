"""Pages for strategy discussions and Section 47 enquiries."""

from __future__ import annotations

from django.urls import path

from cpconf.enquiries import views

app_name = "enquiries"

urlpatterns = [
    path("enquiries/", views.enquiry_list, name="enquiry-list"),
    path(
        "enquiries/strategy-discussions/new/", views.strategy_discussion_new, name="strategy-discussion-new"
    ),
    path("enquiries/start/<uuid:discussion_id>/", views.enquiry_start, name="enquiry-start"),
    path("enquiries/<uuid:enquiry_id>/", views.enquiry_detail, name="enquiry-detail"),
]
