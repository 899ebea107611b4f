"""Pages of the web app (namespace ``web``). Settings refer to ``web:sign-in``, ``web:home`` and
``web:signed-out``."""

from __future__ import annotations

from django.urls import path

from cpconf.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-in/code/", views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
    path("sign-in/set-up-authenticator-app/", views.TwoFactorSetUpView.as_view(), name="two-factor-set-up"),
    path("sign-in/recovery-codes/", views.RecoveryCodesView.as_view(), name="two-factor-recovery-codes"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("signed-out/", views.SignedOutView.as_view(), name="signed-out"),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
]
