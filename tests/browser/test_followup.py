"""The plans' follow-up in a real browser (issue 5): a core group meets, a visit is recorded, and a review
ends one plan where the policy allows it and refuses where it does not (Staffordshire: not a plan under
neglect at its first review, R-PL-6); errors shown in the error summary; zero axe-core violations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from cpconf import clock
from cpconf.plans.models import PlanStatus
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.plans.followup.conftest import Family, add_action, add_member, make_family

pytestmark = pytest.mark.browser


def _family(transactional_db: None, profile: str, categories: list[str]) -> Family:
    today = clock.today()
    return make_family(
        profile,
        categories=categories,
        start=today - timedelta(days=100),
        first_core_group_due=today - timedelta(days=86),
    )


def _fill_date(page: Page, name: str, day: date) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def test_a_core_group_meets_and_a_visit_is_recorded(
    page: Page, live_server: LiveServer, transactional_db: None
) -> None:
    family = _family(transactional_db, "staffordshire", ["neglect"])
    add_member(family.plan, "Tamsin Goldhawk")
    add_action(family.plan, "Register Elspeth with a dentist")
    today = clock.today()
    sign_in_as(page, live_server, family.team_manager.user)
    page.goto(f"{live_server.url}/plans/{family.plan.public_id}/core-groups/")
    assert_accessible(page)
    page.get_by_role("button", name="Record a core group meeting").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the meeting")
    assert_accessible(page)
    _fill_date(page, "held_on", today - timedelta(days=1))
    page.get_by_label("Who chaired the meeting").fill("Berenice Stowell")
    page.get_by_role("group", name="Was the chair the team manager?").get_by_label("Yes").check()
    page.get_by_role("group", name="Did Tamsin Goldhawk attend?").get_by_label("Yes").check()
    page.get_by_label("What the core group decided").fill("School reports attendance weekly.")
    action = page.get_by_role("group", name="Action: Register Elspeth with a dentist (Lucan Marwood)")
    action.get_by_label("Done", exact=True).check()
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You recorded the core group meeting.")
    expect(page.locator("main")).to_contain_text("Held late")  # the first core group was due 86 days ago
    assert_accessible(page)

    sign_in_as(page, live_server, family.social_worker.user)
    page.goto(f"{live_server.url}/plans/{family.plan.public_id}/visits/new/")
    assert_accessible(page)
    _fill_date(page, "visited_on", today + timedelta(days=2))
    page.get_by_label("Who visited").select_option(str(family.social_worker.public_id))
    page.get_by_role("group", name="Was the child seen alone?").get_by_label("Yes").check()
    page.get_by_role("group", name="Was the child seen with their family?").get_by_label("Yes").check()
    page.get_by_role("group", name="Was the visit unannounced?").get_by_label("No").check()
    page.get_by_role("button", name="Save the visit").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The date of the visit must be today or in the past"
    )
    assert_accessible(page)
    _fill_date(page, "visited_on", today)
    page.get_by_role("button", name="Save the visit").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You recorded the visit.")
    assert_accessible(page)


def test_a_review_refuses_a_staffordshire_neglect_ending_and_ends_another_plan(
    page: Page, live_server: LiveServer, transactional_db: None
) -> None:
    today = clock.today()
    neglect = _family(transactional_db, "staffordshire", ["neglect"])
    conference = neglect.review(today - timedelta(days=1))
    sign_in_as(page, live_server, neglect.chair.user)
    page.goto(f"{live_server.url}/conferences/{conference.public_id}/")
    page.get_by_role("link", name="Plans reviewed at this conference").click()
    assert_accessible(page)
    page.get_by_role("link", name="Record the decision").click()
    assert_accessible(page)
    page.get_by_label("End the plan").check()
    page.get_by_label("No longer likely to suffer significant harm").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("cannot end at its first review")
    assert_accessible(page)
    neglect.plan.refresh_from_db()
    assert neglect.plan.status == PlanStatus.ACTIVE

    physical = _family(transactional_db, "staffordshire", ["physical"])
    review = physical.review(today - timedelta(days=1))
    sign_in_as(page, live_server, physical.chair.user)
    page.goto(f"{live_server.url}/plans/reviews/{review.public_id}/")
    page.get_by_role("link", name="Record the decision").click()
    page.get_by_label("End the plan").check()
    page.get_by_label("No longer likely to suffer significant harm").check()
    page.get_by_role("group", name="Will a child in need plan follow?").get_by_label("No").check()
    page.get_by_label("Views that disagreed with the decision (optional)").fill(
        "The school wanted it to continue."
    )
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You recorded the decision")
    expect(page.locator("main")).to_contain_text("End the plan: No longer likely to suffer significant harm")
    assert_accessible(page)
    physical.plan.refresh_from_db()
    assert physical.plan.status == PlanStatus.ENDED
