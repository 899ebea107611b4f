"""Values every page template needs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from cpconf.web.identity import signed_in_person


def service(request: HttpRequest) -> dict[str, Any]:
    """The service name, whether this is a demo, and who is signed in.

    ``signed_in`` is lazy: only pages that show it (our layout, not the admin) load the professional
    record, and then only once per request (see ``cpconf.web.identity``).
    """
    return {
        "service_name": settings.CPCONF_SERVICE_NAME,
        "demo": settings.DEMO,
        "signed_in": SimpleLazyObject(lambda: signed_in_person(request)),
    }
