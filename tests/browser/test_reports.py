"""Reports in a real browser (R-PR-4 to R-PR-6): the coordinator uploads a PDF for an agency and sees it
received; an agency asks to withhold part of its report and the chair agrees; the family's sharing is
recorded; and every page on the way, with its errors, has no WCAG 2.2 AA violations."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from cpconf import clock
from cpconf.conferences.models import ChairDecision, InviteeRole, Reply, Report
from tests import factories
from tests.access.conftest import World, build_world
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.conferences.test_reports_uploads import PDF
from tests.web.html import page_title

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: None, settings: Settings, tmp_path: Path) -> World:
    settings.CPCONF_UPLOAD_ROOT = tmp_path / "uploads"
    return build_world()


def reports_url(live_server: LiveServer, world: World) -> str:
    return f"{live_server.url}/conferences/{world.conferences['elowen'].public_id}/reports/"


def school_report(world: World) -> Report:
    return world.conferences["elowen"].reports.get(agency__name__startswith="Matrix test school")


def test_the_coordinator_uploads_a_pdf_report_and_sees_it_received(
    page: Page, live_server: LiveServer, world: World
) -> None:
    report = school_report(world)
    agency = report.agency.name
    sign_in_as(page, live_server, world.user("chair"))  # the chair is also the conference coordinator
    page.goto(reports_url(live_server, world))
    expect(page).to_have_title(page_title("Reports for the conference"))
    expect(page.locator("main")).to_contain_text("The conference is not quorate")
    assert_accessible(page)

    page.get_by_role("link", name=f"Upload the report from {agency}").click()
    expect(page).to_have_title(page_title(f"Upload the report from {agency}"))
    assert_accessible(page)
    # Sent without a file: the error summary, the message beside the input, focus on the summary.
    page.get_by_role("button", name="Upload the report").click()
    expect(page).to_have_title(page_title(f"Error: Upload the report from {agency}"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the report to upload")
    expect(page.locator("#id_file-error")).to_contain_text("Select the report to upload")
    assert_accessible(page)
    # Something that is not a PDF, called .pdf.
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": b"<html>no</html>"}]
    )
    page.get_by_role("button", name="Upload the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The selected file must be a PDF or Word document"
    )
    assert_accessible(page)
    # The real report.
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "Matrix school report.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Upload the report").click()
    expect(page).to_have_title(page_title("Reports for the conference"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Report received from {agency}"
    )
    row = page.get_by_role("row").filter(has_text=agency)
    expect(row).to_contain_text("Received late")  # it was due on 19 November
    expect(row).to_contain_text("Matrix school report.pdf (PDF,")
    expect(row.get_by_role("link", name=f"Download the report from {agency}")).to_be_visible()
    assert_accessible(page)
    report.refresh_from_db()
    assert report.received_at is not None

    # The family's copy: when and how it was shared.
    page.get_by_role("link", name=f"Record sharing with the family for the report from {agency}").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the date the report was shared with the family"
    )
    assert_accessible(page)
    today = clock.today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("How was it shared?").fill("Talked through at home with an interpreter")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Sharing recorded")
    expect(page.get_by_role("row").filter(has_text=agency)).to_contain_text("Talked through at home")

    # The list of missing and late reports: nothing is missing for Elowen's conference now.
    page.goto(f"{live_server.url}/conferences/reports/missing/")
    expect(page).to_have_title(page_title("Missing and late reports"))
    expect(page.locator("main")).to_contain_text("Corin Halloway")
    expect(page.locator("main")).not_to_contain_text("Elowen Fairbrass")
    assert_accessible(page)


def test_the_chair_agrees_a_request_to_withhold_part_of_a_report(
    page: Page, live_server: LiveServer, world: World
) -> None:
    conference = world.conferences["elowen"]
    officer = world.professionals["police_officer"]
    factories.InvitationFactory(
        conference=conference, professional=officer, role=InviteeRole.PROFESSIONAL, reply=Reply.ATTENDING
    )
    report = factories.ReportFactory(conference=conference, agency=officer.agency, due_on=clock.today())
    agency = officer.agency.name

    # The police officer asks.
    sign_in_as(page, live_server, world.user("police_officer"))
    page.goto(reports_url(live_server, world))
    page.get_by_role("link", name=f"Ask to keep parts from the family for the report from {agency}").click()
    expect(page).to_have_title(page_title(f"Ask to keep parts of the report from {agency} from the family"))
    assert_accessible(page)
    page.get_by_role("button", name="Ask the chair").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter which parts of the report the family should not see"
    )
    assert_accessible(page)
    page.get_by_label("Which parts of the report should the family not see?").fill(
        "Paragraph 4: what a neighbour told the police"
    )
    page.get_by_label("Why should the family not see them?").fill(
        "The neighbour has not agreed to it being shared"
    )
    page.get_by_role("button", name="Ask the chair").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The chair has been asked")
    page.context.clear_cookies()

    # The chair decides.
    sign_in_as(page, live_server, world.user("chair"))
    page.goto(reports_url(live_server, world))
    row = page.get_by_role("row").filter(has_text=agency)
    expect(row).to_contain_text("Waiting for the chair's decision")
    row.get_by_role("link", name=f"Decide on the report from {agency}").click()
    expect(page).to_have_title(page_title(f"Keeping parts of the report from {agency} from the family"))
    expect(page.locator("main")).to_contain_text("Paragraph 4: what a neighbour told the police")
    assert_accessible(page)
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether you agree to withhold these parts from the family"
    )
    assert_accessible(page)
    page.get_by_label("Yes, withhold these parts from the family").check()
    page.get_by_label("Reason for your decision").fill("Third-party information shared without consent.")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your decision on the report")
    expect(page.get_by_role("row").filter(has_text=agency)).to_contain_text("The chair agreed")
    assert_accessible(page)
    report.refresh_from_db()
    assert report.withhold_decision == ChairDecision.AGREED
