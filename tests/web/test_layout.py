"""The layout every page shares: header, CSP, static files, error pages and the accessibility statement."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.web.html import page_title


def test_the_header_shows_the_service_name_to_someone_signed_out(client: Client, db: None) -> None:
    html = client.get("/sign-in/").content.decode()
    assert '<html lang="en-GB" class="govuk-template">' in html
    assert re.search(
        r'class="govuk-generic-header__homepage-link">\s*Child protection conferences\s*</a>', html
    )
    assert "Sign out" not in html
    assert "govuk-header__crown" not in html and "govuk-logo" not in html


def test_the_header_shows_the_authority_and_the_person_signed_in(chair_client: Client) -> None:
    html = chair_client.get("/").content.decode()
    assert re.search(r'class="govuk-generic-header__homepage-link">\s*Northbridge City Council\s*</a>', html)
    assert re.search(r'class="govuk-service-navigation__link">\s*Child protection conferences\s*</a>', html)
    assert '<span class="govuk-visually-hidden">Signed in as </span>Morwenna Quillfeather' in html
    assert '<form class="cpconf-sign-out" method="post" action="/sign-out/">' in html


def test_the_csp_nonce_in_the_header_matches_the_one_inline_script(client: Client, db: None) -> None:
    response = client.get("/sign-in/")
    policy = response.headers["Content-Security-Policy"]
    header_nonce = re.search(r"'nonce-([^']+)'", policy)
    assert header_nonce, policy
    html = response.content.decode()
    inline_scripts = re.findall(r"<script(?![^>]*\ssrc=)([^>]*)>", html)
    assert inline_scripts == [f' nonce="{header_nonce.group(1)}"']
    assert '<script type="module" src="/static/cpconf/application.js"></script>' in html
    assert "<style" not in html and " style=" not in html


def test_each_page_gets_a_fresh_nonce(client: Client, db: None) -> None:
    first = client.get("/sign-in/").headers["Content-Security-Policy"]
    second = client.get("/sign-in/").headers["Content-Security-Policy"]
    assert first != second


@pytest.mark.parametrize(
    "path", ["/static/cpconf/application.css", "/static/cpconf/application.js", "/static/cpconf/favicon.svg"]
)
def test_the_app_serves_its_own_static_files(client: Client, db: None, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    b"".join(response.streaming_content)  # type: ignore[attr-defined]
    response.close()


def test_the_footer_links_to_the_accessibility_statement_and_shows_the_version(
    client: Client, db: None
) -> None:
    html = client.get("/sign-in/").content.decode()
    assert '<a class="govuk-footer__link" href="/accessibility/">Accessibility statement</a>' in html
    assert re.search(r"cpconf version \d+\.\d+", html)
    assert "Open Government Licence" not in html and "Crown copyright" not in html


def test_the_accessibility_statement_is_public_and_honest(client: Client, db: None) -> None:
    response = client.get("/accessibility/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<title>{page_title('Accessibility statement')}</title>" in html
    assert "WCAG" in html
    assert "partially compliant" in html


def test_the_demo_says_it_is_a_demo(client: Client, db: None) -> None:
    # The tests run in demo mode (tests/settings.py).
    assert (
        "Do not enter real information about children or families."
        in client.get("/sign-in/").content.decode()
    )


def test_a_missing_page_gets_the_govuk_page_not_found(client: Client, db: None) -> None:
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert f"<title>{page_title('Page not found')}</title>" in html
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html


def test_a_missing_page_still_shows_who_is_signed_in(chair_client: Client) -> None:
    html = chair_client.get("/no-such-page/").content.decode()
    assert "Northbridge City Council" in html


@pytest.mark.urls("tests.web.urls")
def test_a_server_error_gets_the_govuk_problem_page_without_any_inline_script(db: None) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/deliberate-failure/")
    html = response.content.decode()
    assert response.status_code == 500
    assert f"<title>{page_title('Sorry, there is a problem with the service')}</title>" in html
    # Django renders the 500 page without context, so there is no nonce and no inline script.
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []
    assert '<link rel="stylesheet" href="/static/cpconf/application.css">' in html


@pytest.mark.urls("tests.web.urls")
def test_a_forbidden_page_gets_the_govuk_permission_page(chair_client: Client) -> None:
    response = chair_client.get("/deliberately-forbidden/")
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.content.decode()


def test_a_bad_request_gets_the_govuk_problem_page(client: Client, db: None) -> None:
    response = client.get("/sign-in/", headers={"host": "not-this-service.example"})
    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.content.decode()


def test_a_form_without_its_csrf_token_gets_a_page_that_says_what_to_do(db: None) -> None:
    response = Client(enforce_csrf_checks=True).post("/sign-in/", {"email": "a@b.example", "password": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Sorry, the service could not accept that form" in html
    assert "make sure your browser accepts cookies" in html
