"""The reports API: each report owed to a conference with its state, sharing with the family and
withholding; recording that a report was shared, with bad input and stale versions (R-PR-4 to R-PR-6;
issue 4, item 10). Quorum in the conference's read (R-QU-1)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cpconf import clock
from cpconf.access.models import AuditEntry
from cpconf.conferences.models import ChairDecision, Conference, ConferenceStatus, Report
from tests import factories
from tests.access.conftest import World
from tests.api.world import NORTHBRIDGE_SYSTEM, ApiWorld


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


@pytest.fixture
def elowen(world: World) -> Conference:
    return world.conferences["elowen"]


def _reports(conference: Conference) -> str:
    return f"/api/conferences/{conference.public_id}/reports"


def _shared(conference: Conference, report: Report) -> str:
    return f"{_reports(conference)}/{report.public_id}/shared"


def _body(report: Report, **changes: Any) -> dict[str, Any]:
    body = {
        "shared_on": str(clock.today()),
        "shared_how": "Talked through at a home visit.",
        "expected_version": report.version,
    }
    body.update(changes)
    return body


def test_each_report_shows_its_state_sharing_and_withholding(world: World, elowen: Conference) -> None:
    now = clock.now()
    overdue = elowen.reports.get()  # the world's: due in the past, not received
    factories.ReportFactory(
        conference=elowen,
        agency=world.professionals["health_visitor"].agency,
        due_on=clock.today() + timedelta(days=5),
        received_at=now,
        file_name="Health visiting report.pdf",
        shared_with_family_on=clock.today(),
        shared_how="Read with the mother at the clinic.",
        withhold_parts="The paragraph about the neighbour.",
        withhold_reason="It names someone who asked not to be named.",
        withhold_requested_at=now,
        withhold_decision=ChairDecision.PENDING,
    )
    response = world.client_for("health_visitor").get(_reports(elowen))
    assert response.status_code == 200
    items = {item["agency"]["name"]: item for item in response.json()["items"]}
    school = items[overdue.agency.name]
    assert (school["state"], school["state_name"]) == ("overdue", "Overdue")
    assert school["withholding"] is None and school["file_name"] == ""
    health = items["Northbridge Test Health Visiting"]
    assert (health["state"], health["file_name"]) == ("received", "Health visiting report.pdf")
    assert health["shared_with_family_on"] == str(clock.today())
    assert health["withholding"]["decision"] == "pending"
    assert health["withholding"]["decision_name"] == "Waiting for the chair"
    # What is to be withheld is for the chair, on the pages: not in the API.
    assert "neighbour" not in response.content.decode()


def test_the_list_takes_the_same_number_of_queries_for_2_and_20_reports(
    world: World, elowen: Conference
) -> None:
    client = world.client_for("chair")
    client.get(_reports(elowen))  # warm up

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{_reports(elowen)}?limit=100").status_code == 200
        return len(queries)

    factories.ReportFactory(
        conference=elowen, received_from=world.professionals["chair"], received_at=clock.now()
    )
    at_two = count()
    for _ in range(18):
        factories.ReportFactory(
            conference=elowen, received_from=world.professionals["chair"], received_at=clock.now()
        )
    assert count() == at_two


def test_recording_that_a_report_was_shared(world: World, elowen: Conference) -> None:
    report = elowen.reports.get()
    response = _post(world.client_for("social_worker"), _shared(elowen, report), _body(report))
    assert response.status_code == 200, response.content
    assert response.json()["shared_how"] == "Talked through at a home visit."
    assert response.json()["version"] == report.version + 1
    entry = AuditEntry.objects.filter(object_type="conferences.report").order_by("-sequence").first()
    assert entry is not None and entry.after is not None
    assert entry.after["shared_how"] == "Talked through at a home visit."


def test_a_report_changed_since_it_was_read_is_refused_with_409(world: World, elowen: Conference) -> None:
    report = elowen.reports.get()
    client = world.client_for("chair")
    assert _post(client, _shared(elowen, report), _body(report)).status_code == 200
    stale = _post(client, _shared(elowen, report), _body(report, shared_how="By phone."))
    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("Someone else changed this report")
    report.refresh_from_db()
    assert report.shared_how == "Talked through at a home visit."


def test_bad_sharing_is_explained(world: World, elowen: Conference) -> None:
    report = elowen.reports.get()
    client = world.client_for("chair")
    future = _post(
        client, _shared(elowen, report), _body(report, shared_on=str(clock.today() + timedelta(days=1)))
    )
    assert future.status_code == 422
    assert future.json()["errors"] == [
        {
            "field": "shared_on",
            "location": "body",
            "message": "The date the report was shared must be today or in the past",
        }
    ]
    blank = _post(client, _shared(elowen, report), _body(report, shared_how="  "))
    assert blank.json()["errors"][0]["field"] == "shared_how"
    Conference.objects.filter(pk=elowen.pk).update(
        status=ConferenceStatus.CANCELLED, cancelled_reason="The family moved away."
    )
    cancelled = _post(client, _shared(elowen, report), _body(report))
    assert cancelled.status_code == 422
    assert cancelled.json()["detail"].startswith("This conference has been cancelled")


def test_a_professional_records_sharing_for_their_own_agencys_report_only(
    api_world: ApiWorld, elowen: Conference
) -> None:
    world = api_world.world
    own = factories.ReportFactory(conference=elowen, agency=world.professionals["health_visitor"].agency)
    other = elowen.reports.exclude(pk=own.pk).get()
    client = world.client_for("health_visitor")
    assert _post(client, _shared(elowen, own), _body(own)).status_code == 200
    refused = _post(client, _shared(elowen, other), _body(other))
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You can send and update reports only for your own agency."}
    # The authority's own system reads reports but records nothing about them.
    system = api_world.client_for(NORTHBRIDGE_SYSTEM)
    assert system.get(_reports(elowen)).status_code == 200
    assert _post(system, _shared(elowen, other), _body(other)).status_code == 403


def test_a_report_of_another_conference_is_not_found_like_a_guessed_one(
    world: World, elowen: Conference
) -> None:
    client = world.client_for("chair")
    corins = world.conferences["corin"].reports.get()
    guessed = _post(client, f"{_reports(elowen)}/{uuid.uuid4()}/shared", _body(corins))
    other = _post(client, _shared(elowen, corins), _body(corins))
    assert guessed.status_code == other.status_code == 404
    assert guessed.json() == other.json()


# Quorum, in the conference's read


def test_a_conference_still_to_happen_is_read_with_its_quorum(world: World, elowen: Conference) -> None:
    client = world.client_for("chair")
    quorum = client.get(f"/api/conferences/{elowen.public_id}").json()["quorum"]
    assert quorum["outcome"] == "not_quorate"  # nobody from an agency is invited yet
    assert quorum["headline"] == "The conference is not quorate"
    assert quorum["rule_in_words"] and quorum["reasons"]
    Conference.objects.filter(pk=elowen.pk).update(status=ConferenceStatus.HELD)
    assert client.get(f"/api/conferences/{elowen.public_id}").json()["quorum"] is None
