"""How django-axes tells one sign-in attempt from another: whose email address, from which address.

Settings name these functions (``AXES_USERNAME_CALLABLE``, ``AXES_CLIENT_IP_CALLABLE``); the locked
page itself is ``cpconf.web.views.locked_out``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def username_for_lockout(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The email address tried, in lower case, so that Name@council.example and name@council.example
    count as one. Our form passes it to authenticate() as ``username``; the admin's form posts it as
    ``username`` and ours as ``email``."""
    value = (credentials or {}).get("username") or request.POST.get("email") or request.POST.get("username")
    return str(value or "").strip().lower()


def client_ip_address(request: HttpRequest) -> str | None:
    """The address the request came from. Behind ``CPCONF_PROXY_COUNT`` proxies that each append to
    X-Forwarded-For, it is the entry the outermost proxy added: a client can put anything before it,
    so the left-most entry is never trusted."""
    count = settings.CPCONF_PROXY_COUNT
    if count > 0:
        header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    remote: str | None = request.META.get("REMOTE_ADDR")
    return remote
