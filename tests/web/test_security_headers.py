"""Security headers and cookies on every URL the application has (security.md 3.5, in place of a
ZAP baseline scan): each pattern in the URL configuration, path parameters filled with a random UUID,
fetched by someone signed out and by a superuser who has given their code, with production's
security settings. None may fail with a 500."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from http.cookies import Morsel

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from cpconf.people.models import User
from tests.factories import SuperuserFactory
from tests.web.two_factor import sign_in_with_code

# Production's values for the settings that the demo (and so the test suite) relaxes.
PRODUCTION = {
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "CPCONF_REQUIRE_TWO_FACTOR": True,
}

_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_NAMED_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)")


def _fill_route(route: str) -> str:
    return _CONVERTER.sub(lambda match: str(uuid.uuid4()), route)


def _fill_regex(regex: str) -> str:
    def value(match: re.Match[str]) -> str:
        body = match.group("body")
        # A choice of words (the admin's app labels) takes the first; anything else a UUID.
        if re.fullmatch(r"[\w|]+", body):
            return body.split("|")[0]
        return str(uuid.uuid4())

    text = _NAMED_GROUP.sub(value, regex)
    return text.removeprefix("^").removesuffix("$").replace("\\", "")


def _paths(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        pattern = str(entry.pattern)
        part = _fill_regex(pattern) if isinstance(entry.pattern, RegexPattern) else _fill_route(pattern)
        if isinstance(entry, URLResolver):
            yield from _paths(entry.url_patterns, prefix + part)
        else:
            yield "/" + prefix + part


def every_path() -> list[str]:
    """Every URL pattern in the product's URL configuration, made into a path."""
    return sorted(set(_paths(get_resolver("cpconf.urls").url_patterns)))


def assert_security_headers(path: str, response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    where = f"{path} ({response.status_code})"  # type: ignore[attr-defined]
    assert response.status_code < 500, where  # type: ignore[attr-defined]
    assert "no-store" in headers.get("Cache-Control", ""), where
    csp = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp, where
    assert "frame-ancestors 'none'" in csp, where
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
    assert headers.get("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload", where
    for morsel in response.cookies.values():  # type: ignore[attr-defined]
        assert_cookie_is_safe(path, morsel)


def assert_cookie_is_safe(path: str, morsel: Morsel[str]) -> None:
    where = f"{path}: cookie {morsel.key}"
    if morsel.value == "" and str(morsel["max-age"]) == "0":
        return  # a deletion (Django's messages cookie once read): it carries nothing
    assert morsel["secure"], where
    assert morsel["httponly"], where
    assert morsel["samesite"] == "Lax", where


def test_the_walk_covers_the_whole_url_configuration() -> None:
    paths = every_path()
    for expected in ("/", "/sign-in/", "/sign-in/code/", "/sign-out/", "/admin/", "/admin/login/"):
        assert expected in paths
    assert any(path.startswith("/admin/people/child/") and path.endswith("/change/") for path in paths)
    assert any(path.startswith("/admin/otp_totp/") for path in paths)
    assert any(path.startswith("/admin/axes/") for path in paths)
    assert len(paths) > 100


@pytest.fixture
def production_settings() -> Iterator[None]:
    with override_settings(**PRODUCTION):
        yield


@pytest.mark.usefixtures("production_settings")
def test_every_url_has_the_security_headers_for_someone_signed_out(db: None) -> None:
    client = Client(raise_request_exception=False)
    for path in every_path():
        assert_security_headers(path, client.get(path, secure=True))


@pytest.mark.usefixtures("production_settings")
def test_every_url_has_the_security_headers_for_a_superuser_who_gave_their_code(db: None) -> None:
    superuser: User = SuperuserFactory()
    client = Client(raise_request_exception=False)
    sign_in_with_code(client, superuser)
    statuses: dict[int, int] = {}
    for path in every_path():
        response = client.get(path, secure=True)
        assert_security_headers(path, response)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    # The walk went past the sign-in: most admin pages rendered or found nothing for a random UUID.
    assert statuses.get(200, 0) > 30, statuses
    assert "_auth_user_id" in client.session  # and no GET signed the superuser out


@pytest.mark.usefixtures("production_settings")
def test_the_sign_in_page_and_its_cookies(db: None) -> None:
    client = Client()
    response = client.get("/sign-in/", secure=True)
    assert_security_headers("/sign-in/", response)
    assert "csrftoken" in response.cookies
    assert "no-store" in response["Cache-Control"]
