"""Issue 4's walk in a real browser: a coordinator takes a fictional demo family from strategy discussion
to a booked initial conference, invites and sends the invitations (with their calendar files), a police
officer replies through the link in the email, a report is received, the page shows quorum, and the chair
decides a request to exclude a parent: zero axe-core violations (WCAG 2.2 AA) on every page visited."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from cpconf import clock
from cpconf.conferences.models import (
    ChairDecision,
    Conference,
    ConferenceStatus,
    Exclusion,
    Invitation,
    Reply,
)
from cpconf.notifications.models import OutboxMessage
from cpconf.people import demo_data
from cpconf.people.models import User
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.browser.test_reports import PDF
from tests.web.html import page_title

pytestmark = pytest.mark.browser


@pytest.fixture
def coordinator(transactional_db: None, settings: Settings, tmp_path: Path) -> User:
    settings.CPCONF_UPLOAD_ROOT = tmp_path / "uploads"
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

    # Invitations: the suggested professionals and parents, and a police officer chosen.
    page.get_by_role("link", name="Invitations and replies").click()
    assert_accessible(page)
    page.get_by_label(re.compile("^Thaddeus Ormsby")).check()
    page.get_by_label(re.compile("^Jocasta Penhallow")).check()
    page.get_by_label(re.compile("^Rosalind Ashcombe")).check()
    page.get_by_label(re.compile("^Gideon Ashcombe")).check()
    page.get_by_label("Someone from the police").select_option(
        label="Sefton Harcastle, Detective constable, Northbridge Police Public Protection Unit"
    )
    page.get_by_role("button", name="Invite the people selected").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Invited:")
    assert_accessible(page)
    page.get_by_role("button", name="Send invitations").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Invitations sent")
    assert_accessible(page)
    # Each emailed invitee's message carries the calendar invitation, naming no child.
    police = Invitation.objects.get(conference=conference, name="Sefton Harcastle")
    # (The demo already invited him to another family's conference: this is the latest message to him.)
    message = OutboxMessage.objects.filter(recipient=police.email).order_by("pk").last()
    assert message is not None
    event = Calendar.from_ical(bytes(message.attachments.get().content)).walk("VEVENT")[0]
    assert event["UID"] == f"{conference.public_id}@cpconf"
    assert "Ashcombe" not in message.body and "Florian" not in message.body

    # The police officer replies from the link in the email, with no account.
    link = re.search(r"/invite/reply/[^/\s]+/", message.body)
    assert link is not None
    reply = page.context.browser.new_context(bypass_csp=True).new_page()  # type: ignore[union-attr]
    reply.goto(f"{live_server.url}{link.group(0)}")
    assert_accessible(reply)
    reply.get_by_label("I will attend").check()
    reply.get_by_role("button", name="Send your reply").click()
    expect(reply.locator(".govuk-panel")).to_contain_text("Reply recorded")
    assert_accessible(reply)
    police.refresh_from_db()
    assert police.reply == Reply.ATTENDING
    reply.context.close()

    # A report arrives: the police report, uploaded by the coordinator.
    page.goto(f"{live_server.url}/conferences/{conference.public_id}/reports/")
    assert_accessible(page)
    agency = police.agency.name if police.agency else ""
    page.get_by_role("link", name=f"Upload the report from {agency}").click()
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "Police report.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Upload the report").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Report received from {agency}"
    )
    assert_accessible(page)

    # The conference page shows whether it will be quorate, and why.
    page.goto(f"{live_server.url}/conferences/{conference.public_id}/")
    expect(page.locator(".cpconf-quorum")).to_contain_text("Quorum")
    assert_accessible(page)

    # An exclusion: asked by the coordinator, decided by the chair.
    page.get_by_role("link", name="Exclusions").click()
    assert_accessible(page)
    page.get_by_role("button", name="Ask for an exclusion").click()
    page.get_by_label(re.compile("^Gideon Ashcombe")).check()
    page.get_by_label("A live criminal investigation").check()
    page.get_by_label("What has happened?").fill(
        "Police are investigating an assault by the father on Florian."
    )
    page.get_by_label("Reports from agencies").check()
    page.get_by_role("button", name="Send to the chair").click()
    assert_accessible(page)
    page.context.clear_cookies()
    sign_in_as(page, live_server, User.objects.get(email__startswith="idris.fellowes@"))
    page.goto(f"{live_server.url}/conferences/{conference.public_id}/exclusions/")
    page.get_by_role("link", name="Decide on this request to exclude Gideon Ashcombe").click()
    assert_accessible(page)
    page.get_by_label("Yes, exclude them").check()
    page.get_by_label("Your reasons").fill(
        "A live criminal investigation: the police report cannot be heard with him present."
    )
    page.get_by_role("button", name="Save decision").click()
    assert_accessible(page)
    exclusion = Exclusion.objects.get(conference=conference)
    assert exclusion.decision == ChairDecision.AGREED
    assert exclusion.sections == ["agency-reports"]

    # The coordinator's list shows it.
    page.goto(f"{live_server.url}/conferences/")
    expect(page.locator("main")).to_contain_text(conference.reference)
    assert_accessible(page)
    page.goto(f"{live_server.url}/conferences/chairing/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/conferences/my-work/")
    assert_accessible(page)
