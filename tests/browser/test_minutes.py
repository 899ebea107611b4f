"""The minutes in a real browser (R-EX-5, R-AF-2, R-AF-5): the minute taker starts and drafts them, the
chair approves and signs them, they are circulated, and the excluded father's copy ("Preview Tobin
Ashdown's copy") lacks the sections he was excluded from. No WCAG 2.2 AA violations on any page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from cpconf.minutes import services
from cpconf.minutes.models import Minutes
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.minutes.conftest import AFTER, TEXTS, Held, build_held
from tests.web.html import page_title

pytestmark = pytest.mark.browser


@pytest.fixture
def held(transactional_db: None) -> Iterator[Held]:
    with time_machine.travel(AFTER, tick=True):
        yield build_held()


def test_the_minutes_are_drafted_approved_and_circulated_each_their_own_copy(
    page: Page, live_server: LiveServer, held: Held
) -> None:
    conference = held.conference
    base = f"{live_server.url}/conferences/{conference.public_id}"

    # The minute taker finds the minutes from the conference's page and starts them.
    assert held.minute_taker.user is not None
    sign_in_as(page, live_server, held.minute_taker.user)
    page.goto(f"{base}/")
    page.get_by_role("link", name="Minutes, decisions and their circulation").click()
    expect(page).to_have_title(page_title("Minutes"))
    assert_accessible(page)
    page.get_by_role("button", name="Start the minutes").click()
    expect(page).to_have_title(page_title("Write the minutes"))
    assert_accessible(page)

    # Every section but the decision written already; the decision is written here, for the mother too.
    minutes = Minutes.objects.get(conference=conference)
    for key, text in TEXTS.items():
        if key != "decision":
            services.section_save(
                minutes=minutes, key=key, text=text, expected_version=None, acting_user=held.minute_taker.user
            )
    services.section_set_audience(
        minutes=minutes,
        key="introductions",
        invitations=[held.mother, held.father],
        expected_version=None,
        acting_user=held.minute_taker.user,
    )
    page.reload()
    decision = page.locator("#section-decision")
    decision.locator("textarea").fill(TEXTS["decision"])
    decision.get_by_label("Sorrel Ashdown (parent or carer)").check()
    decision.get_by_label("Tobin Ashdown (parent or carer)").check()
    decision.get_by_role("button", name="Save this section").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You saved")
    assert_accessible(page)

    # The chair approves and signs them.
    page.context.clear_cookies()
    assert held.chair.user is not None
    sign_in_as(page, live_server, held.chair.user)
    page.goto(f"{base}/minutes/approve/")
    expect(page).to_have_title(page_title("Approve and sign the minutes"))
    assert_accessible(page)
    page.get_by_role("button", name="Approve and sign").click()
    expect(page).to_have_title(page_title("Error: Approve and sign the minutes"))
    assert_accessible(page)
    page.get_by_label("I have read the minutes, and I approve and sign them as the chair").check()
    page.get_by_role("button", name="Approve and sign").click()
    expect(page).to_have_title(page_title("Minutes"))
    expect(page.locator("main")).to_contain_text("Approved and signed by Idris Vantage, chair")
    assert_accessible(page)

    # Circulated: each person by the way R-AF-5 allows.
    page.get_by_role("link", name="Circulate the minutes and decisions").click()
    expect(page).to_have_title(page_title("Circulate the minutes and decisions"))
    assert_accessible(page)
    page.get_by_label("Minutes", exact=True).check()
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Minutes: sent to 4 people.")
    assert_accessible(page)

    # The excluded father's copy: without the sections he was excluded from (R-EX-5).
    page.get_by_role("link", name="Preview Tobin Ashdown\u2019s copy").click()
    expect(page).to_have_title(page_title("Tobin Ashdown\u2019s copy"))
    main = page.locator("main")
    expect(main).to_contain_text(TEXTS["decision"])
    expect(main).to_contain_text(TEXTS["introductions"])
    expect(main).not_to_contain_text(TEXTS["agency-reports"])
    expect(main).not_to_contain_text(TEXTS["information-without-family"])
    expect(main).to_contain_text("Some parts of these minutes are not included in this copy.")
    assert_accessible(page)
