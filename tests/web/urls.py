"""The product's URLs plus views that fail on purpose, to render the error pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("A deliberate failure for the 500 page test.")


def forbid(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [
    path("deliberate-failure/", fail),
    path("deliberately-forbidden/", forbid),
    path("", include("cpconf.urls")),
]
