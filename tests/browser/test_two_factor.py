"""Two-factor sign-in in a real browser: setting up an app and signing in with its code work with the
keyboard alone, and every page on the way has no WCAG 2.2 AA violations. The test reads the key from
the page, as a person types it into their app, and works out the app's code with django-otp's maths."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.test import Client
from django_otp.oath import totp
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from cpconf.people.models import Professional, Role
from tests.browser.conftest import assert_accessible, tab_to
from tests.factories import DEFAULT_PASSWORD, AgencyFactory, AuthorityFactory, ProfessionalFactory
from tests.web.html import page_title

pytestmark = pytest.mark.browser

EMAIL = "ines.marchbank@eastmere.example"


@pytest.fixture
def chair(transactional_db: None, settings: Settings) -> Professional:
    settings.CPCONF_REQUIRE_TWO_FACTOR = True  # as in production (the suite runs as the demo)
    agency = AgencyFactory(
        authority=AuthorityFactory(name="Eastmere Borough Council"), name="Eastmere Children's Services"
    )
    return ProfessionalFactory(
        agency=agency,
        user__email=EMAIL,
        user__first_name="Ines",
        user__last_name="Marchbank",
        job_title="Independent conference chair",
        roles=[Role.CHAIR],
    )


def code_for(key_as_shown: str, *, steps_from_now: int = 0) -> str:
    """The code an authenticator app shows for the key on the set-up page (RFC 6238)."""
    key = b32decode(key_as_shown.replace(" ", "") + "=" * (-len(key_as_shown.replace(" ", "")) % 8))
    return f"{totp(key, drift=steps_from_now):06d}"


def sign_in_with_keyboard(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    tab_to(page, "#id_email")
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")


def test_setting_up_an_app_and_signing_in_with_its_code_work_with_the_keyboard_alone(
    page: Page, live_server: LiveServer, chair: Professional
) -> None:
    sign_in_with_keyboard(page, live_server)
    expect(page).to_have_title(page_title("Set up an authenticator app"))
    expect(
        page.get_by_role("img", name="QR code to add this service to your authenticator app")
    ).to_be_visible()
    assert_accessible(page)
    key = page.locator("[data-secret-key]").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} )*[A-Z2-7]{1,4}", key)

    tab_to(page, "#id_code")
    page.keyboard.type(code_for(key))
    page.keyboard.press("Enter")
    expect(page).to_have_title(page_title("Save your recovery codes"))
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    assert_accessible(page)
    tab_to(page, "main a.govuk-button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")

    assert_accessible(page)
    tab_to(page, ".cpconf-sign-out__button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/signed-out/$"))
    assert_accessible(page)

    sign_in_with_keyboard(page, live_server)
    expect(page).to_have_title(page_title("Enter the code from your authenticator app"))
    assert_accessible(page)
    tab_to(page, "#id_code")
    # The code from the set-up was used; the app's next code is accepted too (clocks drift).
    page.keyboard.type(code_for(key, steps_from_now=1))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")
    expect(page.locator(".govuk-generic-header")).to_contain_text("Eastmere Borough Council")
    assert_accessible(page)


def test_the_two_factor_pages_with_errors_have_no_violations_and_focus_the_summary(
    page: Page, live_server: LiveServer, chair: Professional
) -> None:
    sign_in_with_keyboard(page, live_server)
    expect(page).to_have_title(page_title("Set up an authenticator app"))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(page_title("Error: Set up an authenticator app"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the 6-digit code from your authenticator app")
    assert_accessible(page)

    key = page.locator("[data-secret-key]").inner_text()
    page.get_by_label("Enter the 6-digit code from your authenticator app").fill(code_for(key))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(page_title("Save your recovery codes"))

    # A new browser: the password, then a code that is not right.
    context = page.context.browser.new_context(bypass_csp=True)  # type: ignore[union-attr]
    other = context.new_page()
    sign_in_with_keyboard(other, live_server)
    expect(other).to_have_title(page_title("Enter the code from your authenticator app"))
    other.get_by_label("Enter the code from your authenticator app").fill("12")
    other.get_by_role("button", name="Continue").click()
    expect(other).to_have_title(page_title("Error: Enter the code from your authenticator app"))
    expect(other.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(other)
    context.close()


def test_the_locked_page_has_no_violations(
    page: Page, live_server: LiveServer, chair: Professional, settings: Settings
) -> None:
    settings.AXES_ENABLED = True
    client = Client()
    for _ in range(5):
        client.post("/sign-in/", {"email": EMAIL, "password": "not-the-password"}, REMOTE_ADDR="127.0.0.1")
    sign_in_with_keyboard(page, live_server)
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot sign in at the moment")
    assert_accessible(page)
