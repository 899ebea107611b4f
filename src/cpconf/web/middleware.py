"""Middleware that protects every signed-in request: session lifetime, closed accounts, two-factor
sign-in, and no caching of pages.

Order (settings.MIDDLEWARE): SessionSecurityMiddleware and then django-otp's OTPMiddleware come right
after Django's AuthenticationMiddleware, then TwoFactorMiddleware; NoStoreMiddleware sits just before
django-axes' middleware, which must be last.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django_otp import DEVICE_ID_SESSION_KEY

from cpconf import clock
from cpconf.people.models import User
from cpconf.people.selectors import has_closed_professional_record
from cpconf.web.identity import signed_in_professional
from cpconf.web.two_factor import has_authenticator, is_verified, two_factor_required

# Session keys: when this session signed in, when it was last used, and why the last one ended
# (SESSION_ENDED_INACTIVE or SESSION_ENDED_TOO_LONG, for the sign-in page to explain).
SIGNED_IN_AT = "cpconf_signed_in_at"
LAST_ACTIVITY = "cpconf_last_activity"
SESSION_ENDED = "cpconf_session_ended"
SESSION_ENDED_INACTIVE = "inactive"
SESSION_ENDED_TOO_LONG = "too_long"

# Last activity is written at most once a minute, so that a busy page does not write the session on
# every request; the inactivity timeout is therefore exact to within a minute.
ACTIVITY_RESOLUTION_SECONDS = 60

# Pages a person who has given their password but not yet a code may still open (by URL name).
TWO_FACTOR_EXEMPT = {
    "web:two-factor-set-up",
    "web:two-factor-verify",
    "web:sign-out",
    "web:signed-out",
    "web:accessibility",  # the statement holds nothing personal, and they may need it to finish
}


def session_started(sender: object, request: HttpRequest, user: Any, **kwargs: object) -> None:
    """On sign-in (user_logged_in): start the session's clocks. A new sign-in is never verified by a
    code from an earlier session (django-otp sets ``otp_device`` only when a form verified one)."""
    now = int(clock.now().timestamp())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVITY] = now
    request.session.pop(SESSION_ENDED, None)
    if getattr(user, "otp_device", None) is None:
        request.session.pop(DEVICE_ID_SESSION_KEY, None)


def _why_session_ended(request: HttpRequest, now: int) -> str | None:
    """SESSION_ENDED_INACTIVE or SESSION_ENDED_TOO_LONG if the session has ended, else None."""
    last_activity = request.session.get(LAST_ACTIVITY)
    signed_in_at = request.session.get(SIGNED_IN_AT)
    # ASVS 7.3.1: an idle session ends.
    if last_activity is not None and now - last_activity > settings.SESSION_INACTIVITY_TIMEOUT:
        return SESSION_ENDED_INACTIVE
    # ASVS 7.3.2: so does any session, however busy, SESSION_COOKIE_AGE after sign-in.
    if signed_in_at is not None and now - signed_in_at > settings.SESSION_COOKIE_AGE:
        return SESSION_ENDED_TOO_LONG
    return None


class SessionSecurityMiddleware:
    """Ends a session that has been idle too long or has lasted too long, and the session of an
    account that has been closed, so that its next request is treated as signed out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = int(clock.now().timestamp())
            ended = _why_session_ended(request, now)
            if ended is not None:
                logout(request)
                request.session[SESSION_ENDED] = ended
            elif signed_in_professional(request) is None and has_closed_professional_record(user):
                # ASVS 7.4.2: someone whose professional record was closed loses their sessions at once.
                logout(request)
            else:
                request.session.setdefault(SIGNED_IN_AT, now)
                last_activity = request.session.get(LAST_ACTIVITY)
                if last_activity is None or now - last_activity >= ACTIVITY_RESOLUTION_SECONDS:
                    request.session[LAST_ACTIVITY] = now
        elif SESSION_KEY in request.session:
            # The session names a user Django no longer signs in (the account was made inactive):
            # Django already treats the request as signed out; delete the session too.
            request.session.flush()
        return self.get_response(request)


def _exempt_from_two_factor(request: HttpRequest) -> bool:
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in TWO_FACTOR_EXEMPT


def two_factor_step_url(request: HttpRequest, next_url: str | None) -> str:
    """Where a person who has given their password goes next: set up an app, or enter its code."""
    user = cast("User", request.user)
    step = "web:two-factor-verify" if has_authenticator(user) else "web:two-factor-set-up"
    url = reverse(step)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class TwoFactorMiddleware:
    """Until the session has confirmed a code, every page but a few sends the person to the two-factor
    step, including the admin (ASVS 6.3.3: no path skips the second factor)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if two_factor_required(request) and not is_verified(request) and not _exempt_from_two_factor(request):
            # Come back to the page afterwards, unless it was a form being sent.
            next_url = request.get_full_path() if request.method in {"GET", "HEAD"} else None
            return HttpResponseRedirect(two_factor_step_url(request, next_url))
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response the application makes (ASVS 14.3.2): no page
    about a child may stay in a browser's or a proxy's cache. Static files are served before this."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
