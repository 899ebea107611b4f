"""Signing in: plain-English errors, one message for any wrong pair, and Django's safe redirects."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.test import Client

from cpconf.people.models import Professional, User
from tests.factories import DEFAULT_PASSWORD
from tests.web.html import page_title

SIGN_IN = "/sign-in/"


def title_of(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, "the page has no title"
    return " ".join(match.group(1).split())


def error_summary(html: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert match, "the page has no error summary"
    return match.group(0)


def test_the_sign_in_page_has_a_govuk_title_and_the_fields_password_managers_need(client: Client) -> None:
    response = client.get(SIGN_IN)
    html = response.content.decode()
    assert response.status_code == 200
    assert title_of(html) == page_title("Sign in")
    assert re.search(r'<input type="email" name="email"[^>]*autocomplete="username"', html)
    assert re.search(r'<input type="email" name="email"[^>]*spellcheck="false"', html)
    assert re.search(r'<input type="password" name="password"[^>]*autocomplete="current-password"', html)
    assert '<form method="post" novalidate>' in html
    assert "govuk-error-summary" not in html


def test_signing_in_lands_on_home(client: Client, chair: Professional) -> None:
    response = client.post(
        SIGN_IN, {"email": "morwenna.quillfeather@northbridge.example", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/"
    assert client.session["_auth_user_id"] == str(chair.user.pk)
    assert "Your work" in client.get("/").content.decode()


def test_an_email_address_typed_with_capitals_and_spaces_still_signs_in(
    client: Client, chair: Professional
) -> None:
    response = client.post(
        SIGN_IN, {"email": "  Morwenna.Quillfeather@Northbridge.example ", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(chair.user.pk)


@pytest.mark.parametrize(
    ("email", "password", "field", "message"),
    [
        ("", DEFAULT_PASSWORD, "email", "Enter your email address"),
        (
            "morwenna.quillfeather",
            DEFAULT_PASSWORD,
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        ("morwenna.quillfeather@northbridge.example", "", "password", "Enter your password"),
    ],
    ids=["no email address", "email address in the wrong format", "no password"],
)
def test_each_missing_or_malformed_answer_gets_its_own_message(
    client: Client, chair: Professional, email: str, password: str, field: str, message: str
) -> None:
    response = client.post(SIGN_IN, {"email": email, "password": password})
    html = response.content.decode()
    assert response.status_code == 200
    assert title_of(html) == page_title("Error: Sign in")
    # The summary links to the field; the field shows the message with its hidden "Error:" prefix.
    assert f'<a href="#id_{field}">{message}</a>' in error_summary(html)
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in html
    assert re.search(rf'<input [^>]*aria-describedby="id_{field}-error"[^>]*class="[^"]*--error"', html)
    assert "_auth_user_id" not in client.session


def test_both_answers_missing_lists_both_errors_in_page_order(client: Client, db: None) -> None:
    html = client.post(SIGN_IN, {"email": "", "password": ""}).content.decode()
    summary = error_summary(html)
    assert summary.index("#id_email") < summary.index("#id_password")


def test_a_wrong_password_is_refused_with_the_wrong_pair_message(client: Client, chair: Professional) -> None:
    response = client.post(
        SIGN_IN, {"email": "morwenna.quillfeather@northbridge.example", "password": "not-the-password"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert title_of(html) == page_title("Error: Sign in")
    assert '<a href="#id_email">The email address or password is not right</a>' in error_summary(html)
    assert "_auth_user_id" not in client.session


def test_an_unknown_email_address_and_a_wrong_password_look_exactly_the_same(
    client: Client, chair: Professional
) -> None:
    wrong_password = client.post(
        SIGN_IN, {"email": "morwenna.quillfeather@northbridge.example", "password": "not-the-password"}
    )
    unknown_address = client.post(
        SIGN_IN, {"email": "nobody.here@northbridge.example", "password": "not-the-password"}
    )
    assert wrong_password.status_code == unknown_address.status_code == 200
    assert error_summary(wrong_password.content.decode()) == error_summary(unknown_address.content.decode())


def test_a_closed_account_cannot_sign_in_even_with_the_right_password(
    client: Client, closed_account: User
) -> None:
    response = client.post(SIGN_IN, {"email": closed_account.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "The email address or password is not right" in error_summary(response.content.decode())
    assert "_auth_user_id" not in client.session


def test_sign_in_passes_the_request_to_authenticate(client: Client, chair: Professional) -> None:
    # Lockout and audit (django-axes, the access log) need the request; failures report it.
    seen: list[HttpRequest | None] = []

    def record(
        sender: object, credentials: dict[str, str], request: HttpRequest | None = None, **kwargs: object
    ) -> None:
        seen.append(request)

    user_login_failed.connect(record)
    try:
        client.post(SIGN_IN, {"email": "morwenna.quillfeather@northbridge.example", "password": "wrong"})
    finally:
        user_login_failed.disconnect(record)
    assert len(seen) == 1
    assert seen[0] is not None
    assert seen[0].path == SIGN_IN


def test_signing_in_follows_a_next_address_on_this_site(client: Client, chair: Professional) -> None:
    page = client.get(SIGN_IN, {"next": "/accessibility/"}).content.decode()
    assert '<input type="hidden" name="next" value="/accessibility/">' in page
    response = client.post(
        SIGN_IN,
        {
            "email": "morwenna.quillfeather@northbridge.example",
            "password": DEFAULT_PASSWORD,
            "next": "/accessibility/",
        },
    )
    assert response.url == "/accessibility/"


def test_signing_in_ignores_a_next_address_on_another_site(client: Client, chair: Professional) -> None:
    response = client.post(
        SIGN_IN,
        {
            "email": "morwenna.quillfeather@northbridge.example",
            "password": DEFAULT_PASSWORD,
            "next": "https://phishing.example/",
        },
    )
    assert response.status_code == 302
    assert response.url == "/"


def test_someone_already_signed_in_goes_straight_to_home(chair_client: Client) -> None:
    response = chair_client.get(SIGN_IN)
    assert response.status_code == 302
    assert response.url == "/"
