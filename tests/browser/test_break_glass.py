"""Opening a record in an emergency, in a real browser: no WCAG 2.2 AA violations on the page, with its
errors, or on the record it opens (with its banner); and it works with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.access.conftest import World, build_world
from tests.browser.conftest import assert_accessible, sign_in_as, tab_to
from tests.web.html import page_title

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


def test_the_emergency_access_page_and_its_errors_have_no_accessibility_violations(
    page: Page, live_server: LiveServer, world: World
) -> None:
    sign_in_as(page, live_server, world.user("police_officer"))
    page.goto(f"{live_server.url}/children/")
    page.get_by_role("link", name="open a record in an emergency").click()
    expect(page).to_have_title(page_title("Open a record in an emergency"))
    assert_accessible(page)
    # Sent empty: the error summary, each message beside its field, and focus on the summary.
    page.get_by_role("button", name="Open the record").click()
    expect(page).to_have_title(page_title("Error: Open a record in an emergency"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter why you need to open this record now")
    expect(summary).to_contain_text("Confirm that you understand your use of this record will be reviewed")
    assert_accessible(page)
    # A date of birth that is not a date: the message sits in the date's fieldset.
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2020")
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator("#date-of-birth-error")).to_contain_text("Date of birth must be a real date")
    assert_accessible(page)


def test_a_record_opened_with_the_keyboard_shows_its_banner_without_violations(
    page: Page, live_server: LiveServer, world: World
) -> None:
    sign_in_as(page, live_server, world.user("police_officer"))
    page.goto(f"{live_server.url}/children/emergency-access/")
    tab_to(page, "#id_nhs_number", max_presses=40)
    page.keyboard.type(world.brother.nhs_number)
    tab_to(page, "#id_reason", max_presses=40)
    page.keyboard.type("Jago was brought in by a neighbour at 2am; checking who has parental responsibility.")
    tab_to(page, "#id_confirm")
    page.keyboard.press("Space")
    tab_to(page, "button.govuk-button--warning")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jago Fairbrass")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You opened this record in an emergency."
    )
    expect(page.locator("main")).to_contain_text("Contact details withheld")
    assert_accessible(page)


def test_the_review_list_and_form_with_its_errors_have_no_accessibility_violations(
    page: Page, live_server: LiveServer, world: World
) -> None:
    sign_in_as(page, live_server, world.user("safeguarding_manager"))
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Emergency access to review").click()
    expect(page).to_have_title(page_title("Emergency access to review"))
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator("tbody")).to_contain_text("Review overdue")
    assert_accessible(page)
    page.get_by_role("link", name="Review Wenna Trethowan's access to Elowen Fairbrass's record").click()
    expect(page).to_have_title(page_title("Review emergency access"))
    assert_accessible(page)
    # Not justified, with nothing said: the error summary, each message beside its field.
    page.get_by_label("No, it was not justified").check()
    page.get_by_role("button", name="Save review").click()
    expect(page).to_have_title(page_title("Error: Review emergency access"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter what you found")
    expect(summary).to_contain_text("Enter what will happen next")
    assert_accessible(page)
    page.get_by_label("What you found").fill(
        "Her clinical lead says the child was not in her care that night."
    )
    page.get_by_label("If it was not justified, what will happen next?").fill(
        "Raised with the clinical lead."
    )
    page.get_by_role("button", name="Save review").click()
    expect(page).to_have_title(page_title("Emergency access to review"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your review of Wenna Trethowan")
    expect(page.locator("tbody")).to_contain_text("Not justified")
    assert_accessible(page)
    # The review, with its history.
    page.get_by_role(
        "link", name="See review of Wenna Trethowan's access to Elowen Fairbrass's record"
    ).click()
    expect(page.locator("main")).to_contain_text("Changes to the review")
    assert_accessible(page)


def test_the_page_after_too_many_failed_searches_has_no_accessibility_violations(
    page: Page, live_server: LiveServer, world: World
) -> None:
    from cpconf.access.services import FAILED_SEARCH_LIMIT
    from cpconf.people.demo_data import nhs_number_in_test_range

    sign_in_as(page, live_server, world.user("police_officer"))
    for _ in range(FAILED_SEARCH_LIMIT):
        page.goto(f"{live_server.url}/children/emergency-access/")
        page.get_by_label("NHS number").fill(nhs_number_in_test_range(999))
        page.get_by_label("Why do you need to open this record now?").fill(
            "A child brought to the station at night; checking who holds parental responsibility."
        )
        page.get_by_label("I understand that opening this record is recorded").check()
        page.get_by_role("button", name="Open the record").click()
    expect(page).to_have_title(page_title("You cannot search again yet"))
    assert_accessible(page)
