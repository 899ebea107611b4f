"""The conference pages the walk does not reach, in a real browser: cancelling, recording what happened,
requesting a transfer-in conference, each with its errors; zero axe-core violations (WCAG 2.2 AA)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from cpconf import clock
from cpconf.conferences.models import Conference
from tests.access.conftest import World, build_world
from tests.browser.conftest import assert_accessible, sign_in_as

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


def test_cancelling_recording_what_happened_and_a_transfer_in_have_no_accessibility_violations(
    page: Page, live_server: LiveServer, world: World
) -> None:
    sign_in_as(page, live_server, world.user("chair"))
    conference = world.conferences["elowen"]
    # Recording what happened: the conference has started.
    Conference.objects.filter(pk=conference.pk).update(
        starts_at=clock.now() - timedelta(minutes=20), ends_at=clock.now() + timedelta(hours=1)
    )
    page.goto(f"{live_server.url}/conferences/{conference.public_id}/")
    page.get_by_role("button", name="Record what happened").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select what happened")
    assert_accessible(page)

    # Cancelling Corin's: a reason is needed.
    corin = world.conferences["corin"]
    page.goto(f"{live_server.url}/conferences/{corin.public_id}/")
    page.get_by_role("link", name="Cancel the conference").click()
    assert_accessible(page)
    page.get_by_role("button", name="Cancel the conference").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reason")
    assert_accessible(page)
    page.get_by_label("Reason").fill("The family moved to another authority for good.")
    page.get_by_role("button", name="Cancel the conference").click()
    expect(page.locator("main")).to_contain_text("Cancelled")
    assert_accessible(page)

    # A transfer-in conference: the household and the date of the decision.
    page.goto(f"{live_server.url}/conferences/transfer-in/new/")
    assert_accessible(page)
    page.get_by_role("button", name="Request the conference").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the household")
    assert_accessible(page)
    page.get_by_label("Household").select_option(label="the Halloway household")
    today = clock.today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Request the conference").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Transfer-in child protection conference")
    expect(page.locator("main")).to_contain_text("(R-CT-4)")
    assert_accessible(page)
