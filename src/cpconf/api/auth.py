"""Who is asking: a person signed in with a session, or a service account with a bearer token.

Two schemes, tried in this order (docs/api.md):

1. ``Authorization: Bearer <token>``: a service account's token (``cpconf api_token create``). When the
   header is there it decides: a malformed, unknown, revoked or expired token, or one whose account or
   professional record has been closed (or no longer holds the service account role), is refused with
   401 and a JSON message, whatever else the request carries. The token is never logged.
2. The session cookie of a person signed in to the pages, with Django's CSRF check on every request that
   changes something (the ``X-CSRFToken`` header). They get exactly what the pages give them.

Neither: 401.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from cpconf import clock
from cpconf.access.rules import mark_signed_in_by_api_token
from cpconf.api import selectors, services
from cpconf.clock import time_in_words
from cpconf.people.models import Role, User
from cpconf.people.selectors import professional_for_user
from cpconf.web.two_factor import is_verified, two_factor_required

logger = logging.getLogger("cpconf.security")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

NOT_SIGNED_IN = (
    "Sign in to use the API, or send a service account's token in the header 'Authorization: Bearer <token>'."
)
NOT_BEARER = "Send the token in the header 'Authorization: Bearer <token>'."
MALFORMED = (
    "This is not a cpconf API token: a token is 43 letters, digits, '-' and '_'. Check it was copied whole."
)
UNKNOWN = "This token is not known. Ask your authority's administrator for a new one."
CLOSED = "The account this token belongs to is closed. Ask your authority's administrator."
NOT_SERVICE_ACCOUNT = (
    "The account this token belongs to is not a service account any more. Ask your authority's administrator."
)
CSRF_FAILED = (
    "This request changes something, so a session must send its CSRF token in the 'X-CSRFToken' header "
    "(service accounts use a token instead)."
)


class TokenRefused(AuthenticationError):
    """A bearer token that does not sign anyone in: 401, with the reason in plain English."""

    def __init__(self, message: str) -> None:
        super().__init__(401, message)


def _refuse(message: str, *, why: str, prefix: str = "") -> TokenRefused:
    # The application log says why, never the token (only a known token's prefix, which is not secret).
    logger.warning("API token refused: %s%s", why, f" (token {prefix}…)" if prefix else "")
    return TokenRefused(message)


def user_for_token(token: str) -> User:
    """The service account a bearer token signs in, marked as signed in with a token; ``TokenRefused``
    (401) otherwise."""
    if not services.TOKEN_FORM.match(token):
        raise _refuse(MALFORMED, why="malformed")
    record = selectors.api_token_by_hash(services.token_hash(token))
    if record is None:
        raise _refuse(UNKNOWN, why="unknown")
    now = clock.now()
    if record.revoked_at is not None:
        raise _refuse(
            f"This token was revoked on {time_in_words(record.revoked_at)}. Ask your authority's administrator "
            "for a new one.",
            why="revoked",
            prefix=record.prefix,
        )
    if record.expires_at <= now:
        raise _refuse(
            f"This token expired on {time_in_words(record.expires_at)}. Ask your authority's administrator "
            "for a new one.",
            why="expired",
            prefix=record.prefix,
        )
    user = record.user
    # The account, or the professional record (someone who has left), was closed after the token was made.
    professional = professional_for_user(user)
    if not user.is_active or user.is_superuser or professional is None:
        raise _refuse(CLOSED, why="account closed", prefix=record.prefix)
    if not any(held.role == Role.SERVICE_ACCOUNT for held in professional.roles.all()):
        raise _refuse(NOT_SERVICE_ACCOUNT, why="no longer a service account", prefix=record.prefix)
    services.api_token_touch(token=record, now=now)
    mark_signed_in_by_api_token(user)
    return user


class BearerToken(HttpBearer):
    """A service account's token (``Authorization: Bearer <token>``)."""

    openapi_bearerFormat = "cpconf API token"

    def __call__(self, request: HttpRequest) -> User | None:
        # Not ninja's own reading of the header: it logs the whole header (the token) in DEBUG.
        header = request.headers.get(self.header)
        if header is None:
            return None
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            raise _refuse(NOT_BEARER, why="not the bearer scheme")
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        return user_for_token(token)


class SessionCookie(APIKeyCookie):
    """A person signed in to the pages, with the CSRF check on every change."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> User | None:
        user = request.user
        # Not signed in (or signed out by the session checks: idle, too long, closed record).
        if not user.is_authenticated or not isinstance(user, User):
            return None
        # Half signed in: the second factor is still to come (the pages' middleware sends them to it).
        if two_factor_required(request) and not is_verified(request):
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise AuthorizationError(403, CSRF_FAILED)
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:  # pragma: no cover
        return None  # everything happens in __call__; ninja requires the method


bearer_token = BearerToken()
session_cookie = SessionCookie()
#: Every operation's authentication, in order.
API_AUTH = [bearer_token, session_cookie]


def _json_refusal(message: str, status: int) -> JsonResponse:
    response = JsonResponse({"detail": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="cpconf"'
    return response


def signed_in_for_docs(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and the documentation page, for anyone signed in (a person or a service account): the
    security notes keep API documentation from the public. Signed out, the page sends people to sign in
    and the schema answers 401."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        is_page = request.resolver_match is not None and request.resolver_match.url_name == "openapi-view"
        try:
            user = bearer_token(request) or session_cookie(request)
        except AuthenticationError as refusal:
            return _json_refusal(refusal.message, refusal.status_code)
        if user is None:
            if is_page:
                return redirect_to_login(request.get_full_path())
            return _json_refusal(NOT_SIGNED_IN, 401)
        return view(request, *args, **kwargs)

    return wrapper


def acting_user(request: HttpRequest) -> User:
    """Who the request is from: the person, or the service account, that authentication found."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # pragma: no cover - every operation requires authentication
        raise AuthenticationError()
    return user
