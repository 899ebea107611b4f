"""The pages every user meets: sign in (with the two-factor step and the locked page) and out, their
home page, and the accessibility statement.

Views stay thin: reads go through selectors (``cpconf.web.identity`` calls ``professional_for_user``)
and two-factor reads and writes through ``cpconf.web.two_factor``.
"""

from __future__ import annotations

import math
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, TemplateView

from cpconf.access.rules import MANAGE_ENQUIRIES, REVIEW_EMERGENCY_ACCESS, SEE_CHILDREN, may
from cpconf.people.models import User
from cpconf.web import two_factor
from cpconf.web.forms import AuthenticatorCodeForm, SignInForm, TwoFactorCodeForm
from cpconf.web.identity import signed_in_professional
from cpconf.web.middleware import SESSION_ENDED, two_factor_step_url

# Where the recovery codes wait, in the session, between the set-up page and the one page that shows them.
RECOVERY_CODES_TO_SHOW = "cpconf_recovery_codes_to_show"


class SignInView(LoginView):
    """Django's sign-in view (safe ``next`` handling, session key rotation) with our form and page."""

    # LoginView only needs a form that takes the request and has get_user(); django-stubs insists on
    # an AuthenticationForm subclass, which would bring its username field and messages.
    form_class = SignInForm  # type: ignore[assignment]
    template_name = "web/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Said once, on the first sign-in page after the session ended ("inactive" or "too_long").
        context["session_ended"] = self.request.session.pop(SESSION_ENDED, None)
        context["inactivity_minutes"] = settings.SESSION_INACTIVITY_TIMEOUT // 60
        context["session_hours"] = settings.SESSION_COOKIE_AGE // 3600
        return context

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if two_factor.two_factor_required(self.request):
            # Straight to the code (or to set up an app), then on to where they were going.
            return two_factor_step_url(self.request, url)
        return url


class SignOutView(LogoutView):
    """Signing out changes state, so it is a POST (Django's LogoutView refuses GET)."""


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start of the signed-in person's work list."""
    context = {
        "professional": signed_in_professional(request),
        "may_see_children": may(request.user, SEE_CHILDREN),
        "may_manage_enquiries": may(request.user, MANAGE_ENQUIRIES),
        "may_review_emergency_access": may(request.user, REVIEW_EMERGENCY_ACCESS),
    }
    return render(request, "web/home.html", context)


class SignedOutView(TemplateView):
    template_name = "web/signed_out.html"


class AccessibilityView(TemplateView):
    template_name = "web/accessibility.html"


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The page django-axes shows (AXES_LOCKOUT_CALLABLE) once a sign-in is locked. It says how long to
    wait, and nothing about the account or how many tries are allowed."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "web/locked_out.html",
        {"cooloff_minutes": minutes},
        status=429,
    )


def _next_url(request: HttpRequest) -> str:
    """The page to go to after the two-factor step: `next` if it is on this site, else home."""
    candidate = request.GET.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _signed_in_user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _code_error(outcome: two_factor.CodeOutcome, *, recovery_codes_allowed: bool) -> str:
    if outcome.result == two_factor.CodeResult.TOO_MANY_TRIES:
        seconds = two_factor.seconds_until(outcome.try_again_at)
        wait = "a minute" if seconds <= 60 else f"{math.ceil(seconds / 60)} minutes"
        return f"You have entered a wrong code too many times. Wait {wait}, then try again"
    if recovery_codes_allowed:
        return (
            "The code is not right. Enter the code your app shows now, or a recovery code you have not used"
        )
    return "The code is not right. Enter the code your app shows now"


class TwoFactorSetUpView(LoginRequiredMixin, FormView[AuthenticatorCodeForm]):
    """Set up an authenticator app: scan the QR code or type the key, then confirm with a code."""

    template_name = "web/two_factor/set_up.html"
    form_class = AuthenticatorCodeForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and two_factor.has_authenticator(_signed_in_user(request)):
            # Adding another app needs the code from the first: only someone verified could do that.
            return HttpResponseRedirect(two_factor_step_url(request, request.GET.get("next")))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        device = two_factor.authenticator_for_set_up(user=_signed_in_user(self.request))
        context["qr_code"] = two_factor.qr_code_svg(device)
        context["key_groups"] = two_factor.grouped_key(device)
        return context

    def form_valid(self, form: AuthenticatorCodeForm) -> HttpResponse:
        device = two_factor.authenticator_for_set_up(user=_signed_in_user(self.request))
        outcome = two_factor.authenticator_confirm(
            request=self.request, device=device, code=form.cleaned_data["code"]
        )
        if not outcome.accepted:
            form.add_error("code", _code_error(outcome, recovery_codes_allowed=False))
            return self.form_invalid(form)
        self.request.session[RECOVERY_CODES_TO_SHOW] = outcome.recovery_codes
        url = reverse("web:two-factor-recovery-codes")
        next_url = self.request.GET.get("next")
        return HttpResponseRedirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)


class TwoFactorVerifyView(LoginRequiredMixin, FormView[TwoFactorCodeForm]):
    """The second step of signing in: a code from the person's app, or a recovery code."""

    template_name = "web/two_factor/verify.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            if two_factor.is_verified(request):
                return HttpResponseRedirect(_next_url(request))
            if not two_factor.has_authenticator(_signed_in_user(request)):
                return HttpResponseRedirect(two_factor_step_url(request, request.GET.get("next")))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: TwoFactorCodeForm) -> HttpResponse:
        outcome = two_factor.two_factor_verify(request=self.request, code=form.cleaned_data["code"])
        if not outcome.accepted:
            form.add_error("code", _code_error(outcome, recovery_codes_allowed=True))
            return self.form_invalid(form)
        return HttpResponseRedirect(_next_url(self.request))


class RecoveryCodesView(LoginRequiredMixin, TemplateView):
    """Shows the new recovery codes once, straight after setting up an app."""

    template_name = "web/two_factor/recovery_codes.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["recovery_codes"] = self.request.session.pop(RECOVERY_CODES_TO_SHOW, None)
        context["next_url"] = _next_url(self.request)
        return context
