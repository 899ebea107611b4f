"""The reports pages through HTTP (R-PR-4 to R-PR-6, R-QU-1; issue 3, item 8), for the personas of
tests/access/conftest.py. Who may open each page for the matrix's conferences is the permission matrix's
job (tests/access/test_permission_matrix.py); these tests check what the pages do and show, their errors,
the audit and access log rows they write, and their query counts."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings

from cpconf import clock
from cpconf.access.models import AccessEntry, AuditEntry
from cpconf.conferences.models import (
    ChairDecision,
    Conference,
    ConferenceChild,
    InviteeRole,
    Reply,
    Report,
)
from cpconf.conferences.services.reports import report_receive
from cpconf.people.models import Agency, AgencyType
from tests import factories
from tests.access.conftest import World, build_world
from tests.conferences.test_reports_uploads import PDF, docx
from tests.web.html import page_title

AssertNumQueries = Callable[..., object]


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def text(html: str) -> str:
    """The page's words, with tags and repeated spaces taken out."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def elowens(world: World) -> Conference:
    return world.conferences["elowen"]


def school_report(world: World) -> Report:
    """The report the matrix's school owes Elowen's conference (not received)."""
    return elowens(world).reports.get(agency__name__startswith="Matrix test school")


def reports_url(conference: Conference) -> str:
    return f"/conferences/{conference.public_id}/reports/"


def report_url(report: Report, page: str) -> str:
    return f"/conferences/{report.conference.public_id}/reports/{report.public_id}/{page}/"


def police(world: World) -> Agency:
    professional = world.professionals["police_officer"]
    return professional.agency


def invite_police_officer(world: World, reply: str = Reply.ATTENDING) -> Report:
    """Invite the police officer to Elowen's conference: his agency then owes it a report (R-PR-4)."""
    conference = elowens(world)
    factories.InvitationFactory(
        conference=conference,
        professional=world.professionals["police_officer"],
        role=InviteeRole.PROFESSIONAL,
        reply=reply,
    )
    return factories.ReportFactory(
        conference=conference, agency=police(world), due_on=clock.today() + timedelta(days=5)
    )


def post_upload(client: Client, report: Report, upload: SimpleUploadedFile | None, **extra: object) -> object:
    data: dict[str, object] = {"version": report.version, **extra}
    if upload is not None:
        data["file"] = upload
    return client.post(report_url(report, "upload"), data)


# The reports page


def test_the_reports_page_lists_each_agency_with_its_due_date_and_state(world: World) -> None:
    police_report = invite_police_officer(world)
    response = world.client_for("chair").get(reports_url(elowens(world)))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>{page_title('Reports for the conference')}</title>" in html
    assert (
        f'href="/conferences/{elowens(world).public_id}/" class="govuk-back-link">Back to the conference'
        in html
    )
    words = text(html)
    assert "Elowen Fairbrass" in words
    school = school_report(world)
    assert f"{school.agency.name} Upload the report" in words
    assert "19 November 2026 Overdue" in words
    due = police_report.due_on
    assert due is not None
    assert f"{due.day} {due:%B %Y} Not received yet" in words
    assert "govuk-tag--red" in html and "govuk-tag--grey" in html
    # The quorum panel: Staffordshire's rule, and nobody from the enquiry.
    assert "Quorum: enough agencies to go ahead" in words
    assert "The conference is not quorate" in words
    # The chair may decide on withholding, but nothing has been asked.
    assert words.count("None asked for") == 2


def test_an_agency_professional_may_send_only_their_own_agencys_report(world: World) -> None:
    police_report = invite_police_officer(world)
    html = world.client_for("police_officer").get(reports_url(elowens(world))).content.decode()
    assert report_url(police_report, "upload") in html
    assert report_url(school_report(world), "upload") not in html
    assert "decision/" not in html


def test_an_agency_professional_asking_for_another_agencys_report_is_refused_and_logged(world: World) -> None:
    invite_police_officer(world)
    school = school_report(world)
    client = world.client_for("police_officer")
    for page in ("upload", "shared", "withhold"):
        assert client.get(report_url(school, page)).status_code == 403
    assert post_upload(client, school, SimpleUploadedFile("x.pdf", PDF)).status_code == 403  # type: ignore[attr-defined]
    school.refresh_from_db()
    assert school.received_at is None
    refused = AccessEntry.objects.filter(allowed=False, what="report-upload", object_id=school.public_id)
    assert refused.count() == 2


def test_a_report_that_is_not_the_conferences_is_not_found(world: World) -> None:
    corins_report = world.conferences["corin"].reports.get()
    url = f"/conferences/{elowens(world).public_id}/reports/{corins_report.public_id}/upload/"
    response = world.client_for("chair").get(url)
    assert response.status_code == 404


# Uploading


def test_the_coordinator_uploads_a_pdf_and_sees_it_received(world: World, upload_root: Path) -> None:
    report = school_report(world)
    client = world.client_for("chair")
    page = client.get(report_url(report, "upload")).content.decode()
    assert 'type="file"' in page and 'enctype="multipart/form-data"' in page
    assert "smaller than 20 MB" in page
    response = post_upload(client, report, SimpleUploadedFile("School report.pdf", PDF, "application/pdf"))
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"] == reports_url(elowens(world))  # type: ignore[index]
    words = text(client.get(reports_url(elowens(world))).content.decode())
    assert f"Report received from {report.agency.name}" in words
    assert "Received late" in words  # it was due on 19 November
    assert "School report.pdf (PDF, " in words
    report.refresh_from_db()
    assert report.received_from == world.professionals["chair"]
    assert Path(report.file.path).is_relative_to(upload_root)
    assert AuditEntry.objects.filter(
        object_type="conferences.report", object_id=str(report.public_id)
    ).exists()
    # Each child of the conference: one access-log row for the upload page, with the report as its object.
    logged = AccessEntry.objects.filter(what="report-upload", allowed=True, object_id=report.public_id)
    assert set(logged.values_list("child_public_id", flat=True)) == {world.child.public_id}


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "Select the report to upload"),
        (SimpleUploadedFile("report.pdf", b""), "The selected file is empty"),
        (
            SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>"),
            "The selected file must be a PDF or Word document",
        ),
        (
            SimpleUploadedFile("report.txt", b"Just words."),
            "The selected file must be a PDF or Word document",
        ),
        (SimpleUploadedFile("report.docx", PDF), "The selected file must be a PDF or Word document"),
    ],
)
def test_a_bad_upload_is_explained_and_nothing_is_kept(
    world: World, upload_root: Path, upload: SimpleUploadedFile | None, message: str
) -> None:
    report = school_report(world)
    response = post_upload(world.client_for("chair"), report, upload)
    assert response.status_code == 200  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert f"<title>{page_title('Error: Upload the report from ' + report.agency.name)}</title>" in unescape(
        html
    )
    summary = html[html.index('class="govuk-error-summary') : html.index('enctype="multipart/form-data"')]
    assert f'href="#id_file">{message}</a>' in summary
    assert 'class="govuk-file-upload govuk-file-upload--error"' in html
    report.refresh_from_db()
    assert report.received_at is None
    assert not upload_root.exists() or not any(path.is_file() for path in upload_root.rglob("*"))


def test_a_file_over_the_limit_is_refused_without_keeping_it(
    world: World, settings: Settings, upload_root: Path
) -> None:
    settings.CPCONF_MAX_UPLOAD_BYTES = 1024
    report = school_report(world)
    big = SimpleUploadedFile("report.pdf", PDF + b"0" * 100_000, "application/pdf")
    response = post_upload(world.client_for("chair"), report, big)
    assert "The selected file must be smaller than 1 KB" in response.content.decode()  # type: ignore[attr-defined]
    report.refresh_from_db()
    assert report.received_at is None


def test_the_upload_page_calls_the_virus_scanner_and_explains_a_refusal(
    world: World, settings: Settings
) -> None:
    settings.CPCONF_UPLOAD_SCANNER = "tests.conferences.test_reports_uploads.refusing_scanner"
    report = school_report(world)
    response = post_upload(world.client_for("chair"), report, SimpleUploadedFile("report.pdf", PDF))
    assert "The selected file contains a virus" in response.content.decode()  # type: ignore[attr-defined]
    report.refresh_from_db()
    assert report.received_at is None


def test_an_upload_without_the_csrf_token_is_refused(world: World) -> None:
    report = school_report(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("chair"))
    response = client.post(
        report_url(report, "upload"), {"version": 1, "file": SimpleUploadedFile("r.pdf", PDF)}
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.received_at is None


def test_a_stale_upload_form_is_refused(world: World) -> None:
    report = school_report(world)
    client = world.client_for("chair")
    assert post_upload(client, report, SimpleUploadedFile("first.pdf", PDF)).status_code == 302  # type: ignore[attr-defined]
    response = post_upload(client, report, SimpleUploadedFile("second.docx", docx()))  # version 1 again
    assert "Someone else changed this report" in response.content.decode()  # type: ignore[attr-defined]


# Downloading


def received(world: World, *, also_about_jago: bool = False) -> Report:
    report = school_report(world)
    if also_about_jago:
        ConferenceChild.objects.create(conference=report.conference, child=world.brother)
    return report_receive(
        report=report,
        upload=SimpleUploadedFile('Elm Grove "final".pdf', PDF),
        received_from=None,
        acting_user=None,
    )


def test_a_received_report_downloads_as_an_attachment_and_is_logged_for_each_child(world: World) -> None:
    report = received(world, also_about_jago=True)
    response = world.client_for("social_worker").get(report_url(report, "file"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Elm Grove _final_.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    logged = AccessEntry.objects.filter(what="report", allowed=True)
    assert {(entry.child_public_id, entry.object_id) for entry in logged} == {
        (world.child.public_id, report.public_id),
        (world.brother.public_id, report.public_id),
    }
    # "Who has seen this record" says it in words.
    history = world.client_for("team_manager").get(f"/children/{world.child.public_id}/access/")
    assert "Downloaded an agency's report" in unescape(history.content.decode())


def test_a_report_not_received_yet_is_not_found_with_a_clear_message(world: World) -> None:
    report = school_report(world)
    response = world.client_for("chair").get(report_url(report, "file"))
    assert response.status_code == 404
    words = text(response.content.decode())
    assert "This report has not been received yet" in words
    assert "There is no file to download until the agency's report arrives." in words


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("health_visitor", 200),  # allocated to Elowen, so she may see the conference
        ("team_manager", 200),
        ("police_officer", 404),  # not involved with Elowen
        ("other_authority_worker", 404),
        ("performance_analyst", 404),
        ("superuser", 404),
    ],
)
def test_who_may_download_a_received_report(world: World, persona: str, status: int) -> None:
    report = received(world)
    response = world.client_for(persona).get(report_url(report, "file"))
    assert response.status_code == status


def test_a_report_whose_file_has_gone_is_not_found(world: World) -> None:
    report = received(world)
    Path(report.file.path).unlink()
    response = world.client_for("chair").get(report_url(report, "file"))
    assert response.status_code == 404
    assert "The report's file cannot be found" in text(response.content.decode())


# Sharing with the family (R-PR-6)


def test_recording_sharing_with_the_family_warns_when_it_was_late(world: World) -> None:
    report = school_report(world)
    client = world.client_for("social_worker")
    today = clock.today()
    page = client.get(report_url(report, "shared")).content.decode()
    assert "The family should have this report by" in text(page)
    response = client.post(
        report_url(report, "shared"),
        {
            "version": report.version,
            "shared_on_day": today.day,
            "shared_on_month": today.month,
            "shared_on_year": today.year,
            "shared_how": "Talked through at home with an interpreter",
        },
        follow=True,
    )
    words = text(response.content.decode())
    report.refresh_from_db()
    assert report.shared_with_family_on == today
    # Elowen's conference is in 10 days: Staffordshire's 2 working days before have not passed.
    assert "Sharing recorded for the report from" in words
    assert "later than it should have been" not in words
    assert "Talked through at home with an interpreter" in words
    Conference.objects.filter(pk=report.conference.pk).update(starts_at=clock.now() + timedelta(hours=20))
    response = client.post(
        report_url(report, "shared"),
        {
            "version": report.version,
            "shared_on_day": today.day,
            "shared_on_month": today.month,
            "shared_on_year": today.year,
            "shared_how": "Talked through at home with an interpreter",
        },
        follow=True,
    )
    words = text(response.content.decode())
    assert "It was shared later than it should have been" in words
    assert "Later than the deadline" in words


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the date the report was shared with the family"),
        ("12", "", "2026", "The date the report was shared must include a month"),
        ("31", "2", "2026", "The date the report was shared must be a real date, for example 27 3 2026"),
        ("1", "1", "3026", "The date the report was shared must be today or in the past"),
    ],
)
def test_sharing_date_errors(world: World, day: str, month: str, year: str, message: str) -> None:
    report = school_report(world)
    response = world.client_for("chair").post(
        report_url(report, "shared"),
        {
            "version": report.version,
            "shared_on_day": day,
            "shared_on_month": month,
            "shared_on_year": year,
            "shared_how": "In person",
        },
    )
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert message in html
    report.refresh_from_db()
    assert report.shared_with_family_on is None


# Withholding parts (R-PR-6)


def test_the_author_asks_and_the_chair_agrees(world: World) -> None:
    police_report = invite_police_officer(world)
    officer = world.client_for("police_officer")
    response = officer.post(
        report_url(police_report, "withhold"),
        {
            "version": police_report.version,
            "parts": "Paragraph 4: the neighbour's account",
            "reason": "Shared by a neighbour without their consent",
        },
    )
    assert response.status_code == 302
    police_report.refresh_from_db()
    assert police_report.withhold_decision == ChairDecision.PENDING
    # Only the chair decides.
    decision_url = report_url(police_report, "withhold/decision")
    assert world.client_for("social_worker").get(decision_url).status_code == 403
    assert (
        officer.post(decision_url, {"version": police_report.version, "decision": "agreed"}).status_code
        == 403
    )
    chair = world.client_for("chair")
    page = text(chair.get(decision_url).content.decode())
    assert "Paragraph 4: the neighbour's account" in page
    response = chair.post(
        decision_url,
        {
            "version": police_report.version,
            "decision": "agreed",
            "decision_reason": "The neighbour has not agreed.",
        },
        follow=True,
    )
    assert "Your decision on the report from" in text(response.content.decode())
    police_report.refresh_from_db()
    assert police_report.withhold_decision == ChairDecision.AGREED
    assert police_report.withhold_decided_by == world.professionals["chair"]


def test_the_decision_page_without_a_request_says_so_and_refuses_a_decision(world: World) -> None:
    report = school_report(world)
    chair = world.client_for("chair")
    url = report_url(report, "withhold/decision")
    assert "Nobody has asked to keep any part of this report" in text(chair.get(url).content.decode())
    response = chair.post(url, {"version": report.version, "decision": "agreed", "decision_reason": "Fine."})
    assert "Nobody has asked to withhold any part of this report." in response.content.decode()


def test_a_decision_without_a_choice_is_explained(world: World) -> None:
    report = school_report(world)
    chair = world.client_for("chair")
    chair.post(report_url(report, "withhold"), {"version": 1, "parts": "Page 2", "reason": "Legal advice"})
    response = chair.post(report_url(report, "withhold/decision"), {"version": 2, "decision_reason": ""})
    html = response.content.decode()
    assert 'href="#id_decision">Select whether you agree to withhold these parts from the family</a>' in html
    assert 'id="id_decision"' in html and 'id="id_decision-2"' in html
    assert 'href="#id_decision_reason">Enter the reason for your decision</a>' in html


# Query counts


def _add_reports(world: World, count: int) -> None:
    conference = elowens(world)
    for number in range(count):
        agency = factories.AgencyFactory(
            authority=world.northbridge, name=f"Query count agency {number}", agency_type=AgencyType.HEALTH
        )
        report = factories.ReportFactory(conference=conference, agency=agency, due_on=date(2026, 11, 30))
        if number % 2:
            Report.objects.filter(pk=report.pk).update(
                received_at=clock.now(), file_name="r.pdf", content_type="application/pdf", size=10
            )
        if number % 3 == 0:
            Report.objects.filter(pk=report.pk).update(
                withhold_parts="Page 1", withhold_reason="Legal advice", withhold_requested_at=clock.now()
            )


@pytest.mark.parametrize("extra_reports", [2, 30])
def test_the_reports_page_query_count_does_not_grow_with_its_reports(
    world: World, extra_reports: int, django_assert_num_queries: AssertNumQueries
) -> None:
    _add_reports(world, extra_reports)
    client = world.client_for("chair")
    client.get(reports_url(elowens(world)))  # warm up: the session and the access chain
    with django_assert_num_queries(REPORTS_PAGE_QUERIES):
        response = client.get(reports_url(elowens(world)))
    assert response.status_code == 200


REPORTS_PAGE_QUERIES = 20
