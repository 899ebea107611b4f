"""Signing in and out in a real browser: keyboard only, and no WCAG 2.2 AA violations on any page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from cpconf.people.models import Professional, Role
from tests.browser.conftest import assert_accessible, sign_in_as, tab_to
from tests.factories import (
    DEFAULT_PASSWORD,
    AgencyFactory,
    AuthorityFactory,
    ProfessionalFactory,
    UserFactory,
)
from tests.web.html import page_title

pytestmark = pytest.mark.browser

EMAIL = "rowan.ashdown@eastmere.example"


@pytest.fixture
def social_worker(transactional_db: None) -> Professional:
    agency = AgencyFactory(
        authority=AuthorityFactory(name="Eastmere Borough Council"), name="Eastmere Children's Services"
    )
    return ProfessionalFactory(
        agency=agency,
        user__email=EMAIL,
        user__first_name="Rowan",
        user__last_name="Ashdown",
        job_title="Senior social worker",
        roles=[Role.SOCIAL_WORKER, Role.LEAD_CHILD_PROTECTION_PRACTITIONER],
    )


def test_the_sign_in_page_has_no_accessibility_violations(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    expect(page).to_have_title(page_title("Sign in"))
    assert_accessible(page)


def test_a_failed_sign_in_focuses_the_error_summary_and_has_no_violations(
    page: Page, live_server: LiveServer, social_worker: Professional
) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill("rowan.ashdown")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(page_title("Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter an email address in the correct format, like name@example.com")
    expect(summary).to_contain_text("Enter your password")
    assert_accessible(page)
    # The summary's first link takes the person straight to the field to put right.
    tab_to(page, '.govuk-error-summary a[href="#id_email"]', max_presses=3)
    page.keyboard.press("Enter")
    expect(page.get_by_label("Email address")).to_be_focused()


def test_signing_in_works_with_the_keyboard_alone(
    page: Page, live_server: LiveServer, social_worker: Professional
) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    tab_to(page, "#id_email")
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")
    expect(page.locator(".govuk-generic-header")).to_contain_text("Eastmere Borough Council")
    expect(page.locator("main")).to_contain_text("Lead child protection practitioner")
    assert_accessible(page)


def test_signing_out_works_with_the_keyboard_alone(
    page: Page, live_server: LiveServer, social_worker: Professional
) -> None:
    sign_in_as(page, live_server, social_worker.user)
    page.goto(f"{live_server.url}/")
    expect(page.locator(".govuk-service-navigation")).to_contain_text("Rowan Ashdown")
    assert_accessible(page)
    tab_to(page, ".cpconf-sign-out__button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/signed-out/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    assert_accessible(page)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))


def test_the_accessibility_statement_and_page_not_found_have_no_violations(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.url}/accessibility/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    assert_accessible(page)
    page.goto(f"{live_server.url}/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)


def test_home_without_a_professional_record_has_no_violations(page: Page, live_server: LiveServer) -> None:
    user = UserFactory(email="tobias.fernleigh@eastmere.example", first_name="Tobias", last_name="Fernleigh")
    sign_in_as(page, live_server, user)
    page.goto(f"{live_server.url}/")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your account is not linked to an active professional record"
    )
    assert_accessible(page)
