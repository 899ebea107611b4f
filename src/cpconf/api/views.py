"""The API's two plain Django views, so that every answer under /api/ is JSON: its index, and "not found"
for an address that is none of its operations (a mistyped path, an identifier that is not a UUID)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from cpconf.api.api import VERSION


def index(request: HttpRequest) -> JsonResponse:
    """Where the schema and its documentation are (both for signed-in people and service accounts)."""
    return JsonResponse(
        {
            "name": "cpconf API",
            "version": VERSION,
            "schema": reverse("api:openapi-json"),
            "documentation": reverse("api:openapi-view"),
        }
    )


# Exempt from the CSRF check, which would answer a POST to a mistyped address with an HTML page: this
# view changes nothing, and the API's operations check CSRF themselves (cpconf.api.auth).
@csrf_exempt
def not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": "There is nothing at this address in the API."}, status=404)
