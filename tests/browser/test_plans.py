"""Making a child protection plan in a real browser (R-DE-5, R-PL-1, R-PL-2): from the conference's page, the
form sent empty (the error summary), then filled in; the plan's page with its actions, core group, due dates
and who in health and education was told (R-AF-3); changing it and adding an action. No WCAG 2.2 AA
violations on any page on the way, errors included."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from cpconf.plans.models import ChildProtectionPlan
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.plans.conftest import Scene, build_scene
from tests.web.html import page_title

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(transactional_db: None) -> Scene:
    # The real clock: the conference was held on 24 November 2026, before any day these tests run.
    return build_scene()


def test_a_social_worker_makes_the_plan_and_changes_it(
    page: Page, live_server: LiveServer, scene: Scene
) -> None:
    user = scene.people["social_worker"].user
    assert user is not None
    sign_in_as(page, live_server, user)
    page.goto(f"{live_server.url}/conferences/{scene.conference.public_id}/")
    assert_accessible(page)
    page.get_by_role("link", name="Make the child protection plan").first.click()
    expect(page).to_have_title(page_title("Make the child protection plan"))
    assert_accessible(page)

    # Sent empty: the error summary, and each message beside its question.
    page.get_by_role("button", name="Make the plan").click()
    expect(page).to_have_title(page_title("Error: Make the child protection plan"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the lead professional")
    expect(summary).to_contain_text("Enter the contingency plan")
    assert_accessible(page)

    page.get_by_label("Lead professional").select_option(
        label="Wilf Ashcombe, Harrowgate Children's Services"
    )
    page.get_by_label("Nell Marchant, Health visitor, Harrowgate Health Visiting").check()
    page.get_by_label("Carys Thistlewood (family)").check()
    page.get_by_label("What needs to change for the child to be safe").fill(
        "Linnet has a clean, warm home, regular meals and goes to school every day."
    )
    page.get_by_label("Contingency plan").fill(
        "If nothing changes by the first review, legal advice will be sought."
    )
    page.get_by_label("Action 1: what will be done").fill("Go to the parenting course at the family centre")
    page.get_by_label("Action 1: who will do it").select_option(label="Carys Thistlewood (family)")
    page.locator('[name="action_1_due_on_0"]').fill("15")
    page.locator('[name="action_1_due_on_1"]').fill("1")
    page.locator('[name="action_1_due_on_2"]').fill("2027")
    page.get_by_label("The conference asked for some visits to be unannounced").check()
    page.get_by_role("button", name="Make the plan").click()

    expect(page).to_have_title(page_title("Child protection plan for Linnet Thistlewood"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The child protection plan for Linnet Thistlewood has been made."
    )
    main = page.locator("main")
    expect(main).to_contain_text("Go to the parenting course at the family centre")
    expect(main).to_contain_text("By 8 December 2026")  # the first core group, 10 working days (R-PL-3)
    expect(main).to_contain_text("Email with the details (secure address)")  # the health visitor (R-AF-3)
    assert_accessible(page)
    plan = ChildProtectionPlan.objects.get()

    # Changing it.
    page.get_by_role("link", name="Change the plan").click()
    expect(page).to_have_title(page_title("Change the plan"))
    assert_accessible(page)
    page.get_by_label("Contingency plan").fill("")
    page.get_by_role("button", name="Save the changes").click()
    expect(page).to_have_title(page_title("Error: Change the plan"))
    assert_accessible(page)
    page.get_by_label("Contingency plan").fill("Legal advice at the first review if the home is not safe.")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The plan has been changed.")

    # Adding an action, first without a date.
    page.get_by_role("link", name="Add an action").click()
    expect(page).to_have_title(page_title("Add an action"))
    page.get_by_label("What will be done").fill("Check Rook's weight and development")
    page.get_by_label("Who will do it").select_option(
        label="Nell Marchant, Health visitor, Harrowgate Health Visiting"
    )
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date it is due")
    assert_accessible(page)
    page.locator('[name="due_on_0"]').fill("18")
    page.locator('[name="due_on_1"]').fill("12")
    page.locator('[name="due_on_2"]').fill("2026")
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator("main")).to_contain_text("Check Rook's weight and development")
    assert plan.actions.count() == 2

    # The core group page.
    page.get_by_role("link", name="Add someone to the core group").click()
    expect(page).to_have_title(page_title("Add someone to the core group"))
    assert_accessible(page)
