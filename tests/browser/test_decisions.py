"""Each child's decision in a real browser (R-DE-1 to R-DE-6): at the Ashdown children's held conference
(a Staffordshire-policy authority), the chair records the agencies' views on two siblings and then each
decision: Wren a child protection plan under neglect, Pip no plan. Errors on the way; no WCAG 2.2 AA
violations on any page state."""

from __future__ import annotations

import pytest
import time_machine
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from cpconf.conferences.models import ChildDecision
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.conferences.decisions_setting import AFTER_CONFERENCE, Decisions, build_decisions
from tests.web.html import page_title

pytestmark = pytest.mark.browser


@pytest.fixture
def held(transactional_db: None) -> Decisions:
    with time_machine.travel(AFTER_CONFERENCE, tick=False):
        return build_decisions()


def _record_view(page: Page, child: str, who: str, recommendation: str, category: str = "") -> None:
    page.get_by_role("button", name=f"Record an agency's view on {child}").click()
    expect(page).to_have_title(page_title(f"Record an agency's view on {child}"))
    page.get_by_role("group", name="Whose view is it?").get_by_label(who).check()
    page.get_by_role("group", name="What does the agency recommend?").get_by_label(recommendation).check()
    if category:
        page.get_by_role(
            "group", name="If it recommends a child protection plan, under which category?"
        ).get_by_label(category).check()
    page.get_by_label("The agency's reasons").fill(f"{who.split(',')[0]} explained the agency's concerns.")
    page.get_by_role("button", name="Save the view").click()
    expect(page).to_have_title(page_title("Decisions"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"view on {child}")


def _answer(page: Page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def test_the_chair_records_views_and_decisions_for_two_siblings(
    page: Page, live_server: LiveServer, held: Decisions
) -> None:
    assert held.chair.user is not None
    sign_in_as(page, live_server, held.chair.user)
    page.goto(f"{live_server.url}/conferences/{held.conference.public_id}/")
    page.get_by_role("link", name="Decisions", exact=True).click()
    expect(page).to_have_title(page_title("Decisions"))
    expect(page.locator("main")).to_contain_text("the chair has a casting vote only on an even split")
    assert_accessible(page)

    # Wren: a view sent empty first, then three agencies' views.
    page.get_by_role("button", name="Record an agency's view on Wren Ashdown").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save the view").click()
    expect(page).to_have_title(page_title("Error: Record an agency's view on Wren Ashdown"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whose view it is")
    assert_accessible(page)
    page.get_by_role("link", name="Back to decisions").click()
    _record_view(page, "Wren Ashdown", "Caspar Holt, Westmere Police", "Child protection plan", "Neglect")
    _record_view(
        page, "Wren Ashdown", "Morwenna Tilly, Westmere Health Visiting", "Child protection plan", "Neglect"
    )
    _record_view(page, "Wren Ashdown", "Westmere Brook Academy's written report", "Child in need plan")
    expect(page.locator("main")).to_contain_text("Westmere Maternity Service: did not attend")
    assert_accessible(page)

    # Wren's decision: sent without answers, then the two-limbed test and the chair's view.
    page.get_by_role("button", name="Record the decision for Wren Ashdown").click()
    expect(page).to_have_title(page_title("Record the decision for Wren Ashdown"))
    assert_accessible(page)
    page.get_by_role("button", name="Save the decision").click()
    expect(page).to_have_title(page_title("Error: Record the decision for Wren Ashdown"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether the child has suffered significant harm"
    )
    assert_accessible(page)
    _answer(page, "Has the child suffered significant harm?", "Yes")
    _answer(page, "Is the child likely to suffer significant harm in future?", "Yes")
    _answer(page, "What is the chair's own view?", "Child protection plan")
    page.get_by_role("button", name="Save the decision").click()
    expect(page).to_have_title(page_title("Decisions"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "You recorded the decision for Wren Ashdown: child protection plan."
    )
    expect(page.locator("main")).to_contain_text(
        "Wren Ashdown is to have a child protection plan, under the category of neglect."
    )
    assert_accessible(page)

    # Pip: two agencies, no plan.
    _record_view(page, "Pip Ashdown", "Caspar Holt, Westmere Police", "No further action")
    _record_view(page, "Pip Ashdown", "Morwenna Tilly, Westmere Health Visiting", "No further action")
    page.get_by_role("button", name="Record the decision for Pip Ashdown").click()
    _answer(page, "Has the child suffered significant harm?", "No")
    _answer(page, "Is the child likely to suffer significant harm in future?", "No")
    _answer(page, "What is the chair's own view?", "No further action")
    page.get_by_role("button", name="Save the decision").click()
    expect(page).to_have_title(page_title("Decisions"))
    expect(page.locator("main")).to_contain_text(
        "Pip Ashdown does not need a child protection plan; no further action is to be taken."
    )
    assert_accessible(page)

    decisions = {
        decision.child.given_name: decision for decision in ChildDecision.objects.select_related("child")
    }
    assert (decisions["Wren"].outcome, decisions["Wren"].categories) == ("plan", ["neglect"])
    assert (decisions["Pip"].outcome, decisions["Pip"].categories) == ("no_further_action", [])
