"""Issue 4's walk in a real browser: a coordinator takes a fictional demo family from strategy discussion
to a booked initial conference, with zero axe-core violations (WCAG 2.2 AA) on every page visited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from cpconf import clock
from cpconf.conferences.models import Conference, ConferenceStatus
from cpconf.people import demo_data
from cpconf.people.models import User
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.web.html import page_title

pytestmark = pytest.mark.browser


@pytest.fixture
def coordinator(transactional_db: None) -> User:
    demo_data.demo_load()
    return User.objects.get(email__startswith="ottoline.brackwater@")


def _next_weekday(days_ahead: int) -> object:
    day = clock.today() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_a_coordinator_takes_a_family_from_strategy_discussion_to_a_booked_conference(
    page: Page, live_server: LiveServer, coordinator: User
) -> None:
    sign_in_as(page, live_server, coordinator)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Strategy discussions and enquiries").click()
    expect(page).to_have_title(page_title("Enquiries"))
    assert_accessible(page)

    # The strategy discussion, sent empty first: the error summary.
    page.get_by_role("button", name="Record a strategy discussion").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save the strategy discussion").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the household")
    assert_accessible(page)
    page.get_by_label("Household").select_option(label="the Ashcombe household")
    today = clock.today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Northbridge Police Public Protection Unit").check()
    page.get_by_label("Northbridge Health Visiting Service").check()
    page.get_by_label("Start a Section 47 enquiry").check()
    page.get_by_label("Reasons for the outcome").fill("Florian disclosed being hit with a belt.")
    page.get_by_role("button", name="Save the strategy discussion").click()

    # The enquiry: every child of the household is included.
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a Section 47 enquiry")
    assert_accessible(page)
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Start the enquiry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Ashcombe household")
    assert_accessible(page)

    # The outcome: a conference is needed.
    page.get_by_label("Yes: the child is at continuing risk of significant harm").check()
    page.get_by_label("Reason").fill("Continuing risk of significant harm to all three children.")
    page.locator("#id_concluded_on_0").fill(str(today.day))
    page.locator("#id_concluded_on_1").fill(str(today.month))
    page.locator("#id_concluded_on_2").fill(str(today.year))
    page.get_by_role("button", name="Save the outcome").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Initial child protection conference")
    expect(page.locator("main")).to_contain_text("Not booked yet")
    assert_accessible(page)
    conference = Conference.objects.get(household__name="the Ashcombe household")
    assert conference.children.count() == 3

    # Booking it: first with an end before the start, then properly.
    page.get_by_role("button", name="Book the date, time and place").click()
    assert_accessible(page)
    day = _next_weekday(7)
    page.get_by_label("Day").fill(str(day.day))  # type: ignore[attr-defined]
    page.get_by_label("Month").fill(str(day.month))  # type: ignore[attr-defined]
    page.get_by_label("Year").fill(str(day.year))  # type: ignore[attr-defined]
    page.get_by_label("Start time").fill("10am")
    page.get_by_label("End time").fill("9am")
    page.get_by_label("Online", exact=True).check()
    page.get_by_label("How to join online").fill("A private video link, sent the day before.")
    page.get_by_label("Chair").select_option(label="Idris Fellowes, Independent conference chair")
    page.get_by_role("button", name="Save the booking").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The end time must be after the start time")
    assert_accessible(page)
    page.get_by_label("End time").fill("12pm")
    page.get_by_role("button", name="Save the booking").click()
    expect(page.locator("main")).to_contain_text("10:00am to 12:00pm")
    assert_accessible(page)
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.SCHEDULED

    # The coordinator's list shows it.
    page.goto(f"{live_server.url}/conferences/")
    expect(page.locator("main")).to_contain_text(conference.reference)
    assert_accessible(page)
    page.goto(f"{live_server.url}/conferences/chairing/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/conferences/my-work/")
    assert_accessible(page)
