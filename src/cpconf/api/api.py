"""The JSON API, version 1, at /api/ (docs/api.md).

Every module in ``cpconf.api.routers`` with a ``router`` is mounted here, in name order, so adding an area
is one file. Every operation needs a signed-in person (session, with CSRF) or a service account's token;
the schema (/api/openapi.json) and its documentation page (/api/docs) are for anyone signed in.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Router
from ninja.openapi.docs import Swagger

from cpconf.api import errors, routers
from cpconf.api.auth import API_AUTH, signed_in_for_docs

VERSION = "1"

DESCRIPTION = """\
Child protection conferences: Section 47 enquiries and conferences, for an authority's own systems
(service accounts, with a token) and for people signed in to cpconf (with their session).

Every record is named by its public identifier (a UUID). A record that does not exist and one that is
not yours get the same answer: 404. See docs/api.md in the repository for tokens, errors and paging.
"""


class Documentation(Swagger):
    """Swagger UI from django-ninja's own static files (settings.INSTALLED_APPS has "ninja"), never a CDN:
    the page keeps the strict CSP and fetches nothing from anywhere else. Our template adds the page's
    language and a link to the schema for a browser without JavaScript."""

    template = "api/swagger.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps({**self.settings, "url": openapi_url}),
            "openapi_url": openapi_url,
            "api": api,
            # "Try it out" sends the session's CSRF token with every change (auth.SessionCookie checks it).
            "add_csrf": True,
        }
        return render(request, self.template, context)


def area_routers() -> list[tuple[str, Router]]:
    """Every area's router, by module name."""
    found = []
    for module in sorted(pkgutil.iter_modules(routers.__path__), key=lambda module: module.name):
        loaded = importlib.import_module(f"{routers.__name__}.{module.name}")
        router = getattr(loaded, "router", None)
        if isinstance(router, Router):
            found.append((module.name, router))
    return found


api = NinjaAPI(
    title="cpconf API",
    version=VERSION,
    description=DESCRIPTION,
    auth=API_AUTH,
    urls_namespace="api",
    # No validator badge: it would send the schema to a third party. No deep links: they put a link
    # inside each operation's button, which a screen reader cannot use (WCAG 4.1.2).
    docs=Documentation(settings={"validatorUrl": None, "persistAuthorization": False, "deepLinking": False}),
    docs_url="/docs",
    docs_decorator=signed_in_for_docs,
)
errors.install(api)
for _name, _router in area_routers():
    api.add_router("", _router)
