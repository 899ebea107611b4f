"""The pages every user meets: sign in and out, their home page, and the accessibility statement.

Views stay thin: reads go through selectors (``cpconf.web.identity`` calls ``professional_for_user``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import TemplateView

from cpconf.web.forms import SignInForm
from cpconf.web.identity import signed_in_professional


class SignInView(LoginView):
    """Django's sign-in view (safe ``next`` handling, session key rotation) with our form and page."""

    # LoginView only needs a form that takes the request and has get_user(); django-stubs insists on
    # an AuthenticationForm subclass, which would bring its username field and messages.
    form_class = SignInForm  # type: ignore[assignment]
    template_name = "web/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(LogoutView):
    """Signing out changes state, so it is a POST (Django's LogoutView refuses GET)."""


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start of the signed-in person's work list."""
    return render(request, "web/home.html", {"professional": signed_in_professional(request)})


class SignedOutView(TemplateView):
    template_name = "web/signed_out.html"


class AccessibilityView(TemplateView):
    template_name = "web/accessibility.html"
