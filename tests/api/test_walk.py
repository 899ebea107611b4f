"""The walk through the API (issue 4, item 10, "Done when"): a conference coordinator signed in to the pages
uses the API from the same browser (a session, with its CSRF token on every change) to take a family from
the strategy discussion to a conference whose invitations are out, replies are in and reports are shared,
and reads it back with its quorum. Every step is the API's; the emails are checked in the outbox.

The Wyncombe family is invented; their email domain is .example and the NHS number is from the test range.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from cpconf import clock
from cpconf.access.models import AuditEntry
from cpconf.notifications.models import OutboxMessage
from cpconf.people.demo_data import nhs_number_in_test_range
from cpconf.people.models import Relationship
from tests import factories
from tests.api.world import ApiWorld


class Coordinator:
    """Idony Cargreave (conference coordinator and chair) signed in to the pages, using the API with her
    session: each change carries the CSRF token, as the pages' documentation page sends it."""

    def __init__(self, api_world: ApiWorld) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(api_world.world.user("chair"))
        assert self.client.get("/api/docs").status_code == 200  # sets the CSRF cookie
        self.token = self.client.cookies["csrftoken"].value

    def get(self, path: str) -> Any:
        response = self.client.get(f"/api{path}")
        assert response.status_code == 200, response.content
        return response.json()

    def post(self, path: str, body: dict[str, Any] | None = None, *, status: int = 200) -> Any:
        response = self.client.post(
            f"/api{path}", body or {}, content_type="application/json", headers={"X-CSRFToken": self.token}
        )
        assert response.status_code == status, response.content
        return response.json()


def _weekday_before(last: date) -> date:
    """The latest weekday on or before ``last`` (a test's choice of day, not a deadline)."""
    day = last
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def test_a_coordinator_takes_a_family_from_strategy_discussion_to_a_conference_ready_to_hold(
    api_world: ApiWorld,
) -> None:
    world = api_world.world
    northbridge = world.northbridge
    people = world.professionals
    social_care, police, health = (
        people[name].agency for name in ("social_worker", "police_officer", "health_visitor")
    )
    maelis = factories.ChildFactory(
        authority=northbridge,
        given_name="Maelis",
        family_name="Wyncombe",
        date_of_birth=clock.today() - timedelta(days=6 * 365),
        nhs_number=nhs_number_in_test_range(131),
    )
    mother = factories.FamilyMemberFactory(
        authority=northbridge, given_name="Ottilie", family_name="Wyncombe", email="ottilie.w@mail.example"
    )
    factories.ChildRelationshipFactory(child=maelis, family_member=mother, relationship=Relationship.MOTHER)
    household = factories.HouseholdFactory(
        authority=northbridge, name="the Wyncombe household", children=[maelis], adults=[mother]
    )
    coordinator = Coordinator(api_world)
    today = clock.today()

    # The strategy discussion, the enquiry, and its outcome: an initial conference (R-CT-1).
    discussion = coordinator.post(
        "/strategy-discussions",
        {
            "household_id": str(household.public_id),
            "held_on": str(today - timedelta(days=1)),
            "agencies_present": [str(social_care.public_id), str(police.public_id), str(health.public_id)],
            "outcome": "section_47",
            "outcome_notes": "Maelis told her teacher she is scared to go home.",
        },
        status=201,
    )
    enquiry = coordinator.post(
        "/enquiries",
        {
            "household_id": str(household.public_id),
            "started_on": str(today - timedelta(days=1)),
            "strategy_discussion_id": discussion["id"],
            "contributing_agencies": [str(agency.public_id) for agency in (social_care, police, health)],
        },
        status=201,
    )
    outcome = coordinator.post(
        f"/enquiries/{enquiry['id']}/outcome",
        {
            "outcome": "conference_needed",
            "reason": "Concerns are substantiated and Maelis may suffer significant harm.",
            "concluded_on": str(today),
        },
    )
    conference = outcome["conference"]
    assert conference["status"] == "requested"
    assert conference["conference_type"] == "initial"
    assert [child["name"] for child in conference["children"]] == ["Maelis Wyncombe"]
    due = date.fromisoformat(conference["due_date"])
    path = f"/conferences/{conference['id']}"

    # Booked by its due date, with Idony in the chair.
    day = _weekday_before(due)
    assert day > today
    starts_at = timezone.make_aware(datetime(day.year, day.month, day.day, 10))
    conference = coordinator.post(
        f"{path}/schedule",
        {
            "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(hours=2)).isoformat(),
            "venue_kind": "in_person",
            "venue_address": "Room 2, Northbridge Test Family Centre",
            "chair_id": str(world.professionals["chair"].public_id),
            "expected_version": conference["version"],
        },
    )
    assert conference["status"] == "scheduled"
    assert conference["out_of_timescale"] is False

    # Invite the social worker, the police officer, the health visitor and the mother (R-PR-2).
    invited = coordinator.post(
        f"{path}/invitations",
        {
            "professional_ids": [
                str(people[name].public_id) for name in ("social_worker", "police_officer", "health_visitor")
            ],
            "family_member_ids": [str(mother.public_id)],
        },
        status=201,
    )
    by_name = {invitation["name"]: invitation for invitation in invited}
    assert set(by_name) == {"Lucan Marwood", "Rufus Ashbury", "Tamsin Goldhawk", "Ottilie Wyncombe"}
    assert by_name["Ottilie Wyncombe"]["role"] == "parent_or_carer"
    assert by_name["Ottilie Wyncombe"]["email"] == "ottilie.w@mail.example"
    assert all(invitation["sent_at"] is None for invitation in invited)
    assert (
        AuditEntry.objects.filter(
            object_type="conferences.invitation",
            action="create",
            object_id__in=[invitation["id"] for invitation in invited],
        ).count()
        == 4
    )

    # Every agency invited owes a report, due before the conference (R-PR-4, R-PR-5).
    reports = coordinator.get(f"{path}/reports")
    assert reports["count"] == 3
    assert {report["agency"]["name"] for report in reports["items"]} == {
        social_care.name,
        police.name,
        health.name,
    }
    assert all(report["state"] == "due" and report["due_on"] for report in reports["items"])

    # Send: one email each, with its calendar invitation (R-PR-1); sending again sends nothing (R-AF-4).
    sent = coordinator.post(f"{path}/invitations/send")
    assert sent == {"sent": 4, "without_email": []}
    emails = OutboxMessage.objects.filter(purpose="conference-invitation").prefetch_related("attachments")
    assert sorted(message.recipient for message in emails) == sorted(
        [
            "lucan.marwood@northbridge.example",
            "rufus.ashbury@police.northbridge.example",
            "tamsin.goldhawk@nhs.northbridge.example",
            "ottilie.w@mail.example",
        ]
    )
    for message in emails:
        [attachment] = message.attachments.all()
        assert attachment.filename == "invitation.ics"
        assert attachment.content_type == "text/calendar; method=REQUEST"
        assert b"BEGIN:VCALENDAR" in bytes(attachment.content)
        assert "Maelis" not in message.body and "Maelis" not in message.subject  # names no child
    assert coordinator.post(f"{path}/invitations/send") == {"sent": 0, "without_email": []}
    # Nobody has replied yet: the conference may not be quorate (R-QU-1).
    assert coordinator.get(path)["quorum"]["outcome"] == "at_risk"

    # Replies by phone and letter (R-PR-3): the health visitor sends a colleague.
    reply_path = f"{path}/invitations/{{}}/reply"
    for name, body in (
        ("Lucan Marwood", {"reply": "attending", "how": "In person at the office"}),
        ("Rufus Ashbury", {"reply": "attending", "how": "By phone"}),
        (
            "Tamsin Goldhawk",
            {
                "reply": "sending_colleague",
                "how": "By email to the office",
                "colleague_name": "Petroc Lanyon",
                "colleague_email": "petroc.lanyon@nhs.northbridge.example",
            },
        ),
        ("Ottilie Wyncombe", {"reply": "not_attending", "how": "By letter"}),
    ):
        recorded = coordinator.post(reply_path.format(by_name[name]["id"]), body)
        assert recorded["reply"] == body["reply"]
        assert recorded["replied_at"] is not None
    # A second reply is not written over the first unseen...
    again = coordinator.client.post(
        f"/api{reply_path.format(by_name['Ottilie Wyncombe']['id'])}",
        {"reply": "attending", "how": "By phone"},
        content_type="application/json",
        headers={"X-CSRFToken": coordinator.token},
    )
    assert again.status_code == 409
    assert "Ottilie Wyncombe has already replied on" in again.json()["detail"]
    # ...but changed when the coordinator means to (the history keeps the one before).
    changed = coordinator.post(
        reply_path.format(by_name["Ottilie Wyncombe"]["id"]),
        {"reply": "attending", "how": "By phone, changing her letter", "replace": True},
    )
    assert changed["reply"] == "attending"

    # The police report was talked through with the mother (R-PR-6).
    police_report = next(report for report in reports["items"] if report["agency"]["name"] == police.name)
    shared = coordinator.post(
        f"{path}/reports/{police_report['id']}/shared",
        {
            "shared_on": str(today),
            "shared_how": "Talked through with Ottilie at a home visit.",
            "expected_version": police_report["version"],
        },
    )
    assert shared["shared_with_family_on"] == str(today)
    assert shared["shared_late"] is False
    assert shared["version"] == police_report["version"] + 1

    # Read it all back: the conference with its quorum (R-QU-1), the replies and the reports' states.
    read = coordinator.get(path)
    assert read["status"] == "scheduled"
    assert read["schedule"]["chair"]["name"] == "Idony Cargreave"
    quorum = read["quorum"]
    assert quorum["outcome"] == "quorate", quorum
    assert quorum["headline"] == "The conference is quorate"
    assert quorum["reasons"]
    invitations = coordinator.get(f"{path}/invitations")
    assert {item["name"]: item["reply"] for item in invitations["items"]} == {
        "Lucan Marwood": "attending",
        "Rufus Ashbury": "attending",
        "Tamsin Goldhawk": "sending_colleague",
        "Ottilie Wyncombe": "attending",
    }
    assert all(item["has_latest_details"] for item in invitations["items"])
    reports = coordinator.get(f"{path}/reports")
    states = {
        report["agency"]["name"]: (report["state"], report["shared_with_family_on"])
        for report in reports["items"]
    }
    assert states == {
        social_care.name: ("due", None),
        police.name: ("due", str(today)),
        health.name: ("due", None),
    }
