"""The children pages in a real browser: no WCAG 2.2 AA violations on the list, a record (as social care
staff and as an agency professional, who sees less) or who has seen it; and the search works by keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from cpconf.people.models import Child
from tests import factories
from tests.access.conftest import World, build_world
from tests.browser.conftest import assert_accessible, sign_in_as, tab_to
from tests.web.html import page_title

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: None) -> World:
    world = build_world()
    # Enough children for the list to have pages.
    factories.ChildFactory.create_batch(30, authority=world.northbridge, family_name="Ambleside")
    return world


def record_url(live_server: LiveServer, child: Child) -> str:
    return f"{live_server.url}/children/{child.public_id}/"


def test_the_list_and_its_search_have_no_accessibility_violations(
    page: Page, live_server: LiveServer, world: World
) -> None:
    sign_in_as(page, live_server, world.user("team_manager"))
    page.goto(f"{live_server.url}/children/")
    expect(page).to_have_title(page_title("Children"))
    expect(page.locator("nav.govuk-pagination")).to_be_visible()
    assert_accessible(page)
    # Search with the keyboard alone.
    tab_to(page, "#q")
    page.keyboard.type("fairbrass")
    page.keyboard.press("Enter")
    expect(page).to_have_title(page_title("Children matching “fairbrass”"))
    expect(page.get_by_role("link", name="Elowen Fairbrass")).to_be_visible()
    assert_accessible(page)


def test_a_record_and_who_has_seen_it_have_no_accessibility_violations(
    page: Page, live_server: LiveServer, world: World
) -> None:
    sign_in_as(page, live_server, world.user("team_manager"))
    page.goto(record_url(live_server, world.child))
    expect(page.get_by_role("heading", level=1)).to_have_text("Elowen Fairbrass")
    expect(page.locator("main")).to_contain_text("Confidential")
    assert_accessible(page)
    page.get_by_role("link", name="See who has seen this record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has seen this record")
    assert_accessible(page)


def test_a_record_with_details_withheld_has_no_accessibility_violations(
    page: Page, live_server: LiveServer, world: World
) -> None:
    sign_in_as(page, live_server, world.user("health_visitor"))
    page.goto(record_url(live_server, world.child))
    expect(page.locator("main")).to_contain_text("Contact details withheld")
    assert_accessible(page)
    # And the refusal she meets for the brother she is not allocated to.
    response = page.goto(record_url(live_server, world.brother))
    assert response is not None and response.status == 404
    assert_accessible(page)
