"""Excluding a parent from part of a conference, in a real browser (R-EX-1 to R-EX-3): a social worker asks,
the chair agrees with reasons and records that the parent was told and how their views will reach the
conference. No WCAG 2.2 AA violations on any page on the way, errors included; then the attendance pages,
with the excluded section marked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from cpconf import clock
from cpconf.conferences.models import ChairDecision, Conference, Exclusion, InviteeRole, ViewsRoute
from cpconf.people.models import Relationship
from tests import factories
from tests.access.conftest import World, build_world
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.web.html import page_title

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


def _invite_father(world: World) -> None:
    conference = world.conferences["elowen"]
    father = world.child.relationships.get(relationship=Relationship.FATHER).family_member
    factories.InvitationFactory(
        conference=conference,
        role=InviteeRole.PARENT_OR_CARER,
        professional=None,
        agency=None,
        family_member=father,
        name=father.full_name,
        email="",
    )


def test_a_parent_is_excluded_from_one_section_and_told(
    page: Page, live_server: LiveServer, world: World
) -> None:
    _invite_father(world)
    conference = world.conferences["elowen"]
    exclusions_url = f"{live_server.url}/conferences/{conference.public_id}/exclusions/"

    # The social worker asks.
    sign_in_as(page, live_server, world.user("social_worker"))
    page.goto(exclusions_url)
    expect(page).to_have_title(page_title("Exclusions"))
    assert_accessible(page)
    page.get_by_role("button", name="Ask for an exclusion").click()
    expect(page).to_have_title(page_title("Ask for an exclusion"))
    assert_accessible(page)
    # Sent empty: the error summary, and each message beside its question.
    page.get_by_role("button", name="Send to the chair").click()
    expect(page).to_have_title(page_title("Error: Ask for an exclusion"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who should be excluded")
    assert_accessible(page)
    page.get_by_label("Tobiah Penrose (parent or carer)").check()
    page.get_by_label("A live criminal investigation").check()
    page.get_by_label("What has happened?").fill(
        "Police are investigating an assault on the mother; their report cannot be shared with him present."
    )
    page.get_by_label("Reports from agencies").check()
    page.get_by_role("button", name="Send to the chair").click()
    expect(page).to_have_title(page_title("Exclusions"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your request to exclude Tobiah Penrose was sent to the chair."
    )
    expect(page.locator("main")).to_contain_text("Waiting for the chair")
    assert_accessible(page)

    # The chair agrees, with reasons.
    page.context.clear_cookies()
    sign_in_as(page, live_server, world.user("chair"))
    page.goto(exclusions_url)
    page.get_by_role("link", name="Decide on this request to exclude Tobiah Penrose").click()
    expect(page).to_have_title(page_title("Decide on a request for exclusion"))
    expect(page.locator("main")).to_contain_text("Police are investigating an assault on the mother")
    assert_accessible(page)
    page.get_by_label("Yes, exclude them").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page).to_have_title(page_title("Error: Decide on a request for exclusion"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reasons for your decision")
    assert_accessible(page)
    page.get_by_label("Your reasons").fill(
        "The police report cannot be discussed with the person investigated."
    )
    page.get_by_role("button", name="Save decision").click()

    # Then records that he was told, and how his views will reach the conference.
    expect(page).to_have_title(page_title("Record that they were told"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "You agreed to exclude Tobiah Penrose."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date they were told")
    assert_accessible(page)
    today = clock.today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("How were they told?").fill("By phone by the chair, followed by a letter")
    page.get_by_label("Through an advocate").check()
    page.get_by_label("Details").fill("His advocate will meet the chair before the reports are heard.")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_title(page_title("Exclusions"))
    main = page.locator("main")
    expect(main).to_contain_text("You recorded that Tobiah Penrose was told.")
    expect(main).to_contain_text("By phone by the chair, followed by a letter")
    expect(main).to_contain_text("Through an advocate")
    assert_accessible(page)

    exclusion = Exclusion.objects.get(invitation__name="Tobiah Penrose")
    assert exclusion.decision == ChairDecision.AGREED
    assert exclusion.sections == ["agency-reports"]
    assert exclusion.views_route == ViewsRoute.ADVOCATE


def test_the_attendance_pages_mark_what_someone_was_excluded_from(
    page: Page, live_server: LiveServer, world: World
) -> None:
    _invite_father(world)
    conference = world.conferences["elowen"]
    starts_at = clock.now() - timedelta(minutes=10)
    Conference.objects.filter(pk=conference.pk).update(
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )
    father = conference.invitations.get(name="Tobiah Penrose")
    Exclusion.objects.create(
        conference=conference,
        invitation=father,
        requested_by=world.professionals["social_worker"],
        requested_at=clock.now() - timedelta(days=3),
        grounds=["criminal_investigation"],
        details="A live investigation.",
        sections=["agency-reports"],
        decision=ChairDecision.AGREED,
        decision_reason="The police report.",
        decided_by=world.professionals["chair"],
        decided_at=clock.now() - timedelta(days=2),
    )
    sign_in_as(page, live_server, world.user("chair"))
    page.goto(f"{live_server.url}/conferences/{conference.public_id}/attendance/")
    expect(page).to_have_title(page_title("Attendance"))
    assert_accessible(page)
    page.get_by_role("link", name="Record attendance of Tobiah Penrose").click()
    expect(page).to_have_title(page_title("Attendance of Tobiah Penrose"))
    expect(page.get_by_label("Reports from agencies")).not_to_be_checked()
    assert_accessible(page)
    page.get_by_label("Attended in person").check()
    page.get_by_label("Reports from agencies").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Tobiah Penrose was excluded from Reports from agencies by the chair's decision"
    )
    assert_accessible(page)
    page.get_by_label("Reports from agencies").uncheck()
    page.get_by_role("button", name="Save attendance").click()
    expect(page).to_have_title(page_title("Attendance"))
    expect(page.locator("main")).to_contain_text("Excluded from: Reports from agencies")
    assert_accessible(page)
