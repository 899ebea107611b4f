"""Pages of the web app (namespace ``web``). Settings refer to ``web:sign-in``, ``web:home`` and
``web:signed-out``."""

from __future__ import annotations

from django.urls import path

from cpconf.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("signed-out/", views.SignedOutView.as_view(), name="signed-out"),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
]
