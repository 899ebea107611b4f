"""The invitations API: the list (email addresses only for those who arrange the conference), inviting
from the records, sending, and recording replies, with bad input (R-PR-1 to R-PR-3; issue 4, item 10)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cpconf.access.models import AccessEntry, AuditEntry
from cpconf.conferences.models import Conference, ConferenceStatus, Invitation, InviteeRole, Reply
from cpconf.people.models import Relationship
from tests import factories
from tests.access.conftest import World
from tests.api.world import NORTHBRIDGE_SYSTEM, ApiWorld


def _post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, body or {}, content_type="application/json")


def _fields(response: Any) -> dict[str | None, str]:
    assert response.status_code == 422, response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.fixture
def elowen(world: World) -> Conference:
    return world.conferences["elowen"]


def _path(conference: Conference, tail: str = "") -> str:
    return f"/api/conferences/{conference.public_id}/invitations{tail}"


def _mother(conference: Conference) -> Invitation:
    return conference.invitations.get(role=InviteeRole.PARENT_OR_CARER)


# The list


def test_the_list_shows_email_addresses_only_to_those_who_arrange_the_conference(
    api_world: ApiWorld, elowen: Conference
) -> None:
    world = api_world.world
    factories.InvitationFactory(conference=elowen, professional=world.professionals["police_officer"])
    as_chair = world.client_for("chair").get(_path(elowen)).json()
    assert as_chair["count"] == 2
    # Professionals first, then the family, as on the page.
    assert [item["role"] for item in as_chair["items"]] == ["professional", "parent_or_carer"]
    assert as_chair["items"][0]["email"] == "rufus.ashbury@police.northbridge.example"
    assert as_chair["items"][0]["agency"]["name"] == "Northbridge Test Police Protection Unit"
    for persona in ("health_visitor", NORTHBRIDGE_SYSTEM):
        response = api_world.client_for(persona).get(_path(elowen))
        assert response.status_code == 200
        assert {item["email"] for item in response.json()["items"]} == {None}
        assert "police.northbridge.example" not in response.content.decode()
    entry = AccessEntry.objects.order_by("-sequence").first()
    assert entry is not None and entry.what == "conference-invitations"


def test_withdrawn_invitations_are_listed_only_when_asked(world: World, elowen: Conference) -> None:
    factories.InvitationFactory(
        conference=elowen, professional=world.professionals["police_officer"], withdrawn_at=elowen.created_at
    )
    client = world.client_for("chair")
    assert client.get(_path(elowen)).json()["count"] == 1
    assert client.get(_path(elowen, "?withdrawn=true")).json()["count"] == 2


def test_the_list_takes_the_same_number_of_queries_for_2_and_20_invitations(
    world: World, elowen: Conference
) -> None:
    client = world.client_for("chair")
    client.get(_path(elowen))  # warm up: the access chain's first query happens once

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_path(elowen, "?limit=100")).status_code == 200
        return len(queries)

    factories.InvitationFactory(conference=elowen, agency__authority=world.northbridge)
    at_two = count()
    for _ in range(18):
        factories.InvitationFactory(conference=elowen)
    assert count() == at_two


# Inviting


def test_inviting_from_the_records_makes_invitations_and_reports_owed(
    world: World, elowen: Conference
) -> None:
    father = world.child.relationships.get(relationship=Relationship.FATHER).family_member
    police_officer = world.professionals["police_officer"]
    response = _post(
        world.client_for("social_worker"),
        _path(elowen),
        {
            "professional_ids": [str(police_officer.public_id)],
            "family_member_ids": [str(father.public_id)],
            "child_ids": [str(world.child.public_id)],
        },
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert [(item["name"], item["role"]) for item in made] == [
        ("Rufus Ashbury", "professional"),
        ("Tobiah Penrose", "parent_or_carer"),
        ("Elowen Fairbrass", "child"),
    ]
    assert made[2]["child_id"] == str(world.child.public_id)
    assert elowen.reports.filter(agency=police_officer.agency).exists()  # R-PR-4
    assert AuditEntry.objects.filter(object_type="conferences.invitation", action="create").count() == 3


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, None, "Select at least one person to invite."),
        (
            {"professional_ids": [str(uuid.uuid4())]},
            "professional_ids.0",
            "No professional of this authority",
        ),
        ({"family_member_ids": [str(uuid.uuid4())]}, "family_member_ids.0", "No family member recorded"),
        ({"child_ids": [str(uuid.uuid4())]}, "child_ids.0", "No child this conference is about"),
    ],
)
def test_bad_invitations_are_explained_and_nothing_is_saved(
    world: World, elowen: Conference, body: dict[str, Any], field: str | None, message: str
) -> None:
    before = elowen.invitations.count()
    errors = _fields(_post(world.client_for("chair"), _path(elowen), body))
    assert errors[field].startswith(message)
    assert elowen.invitations.count() == before


def test_another_authoritys_people_and_children_are_not_found(world: World, elowen: Conference) -> None:
    client = world.client_for("chair")
    southmoor = world.professionals["other_authority_worker"]
    errors = _fields(_post(client, _path(elowen), {"professional_ids": [str(southmoor.public_id)]}))
    assert errors == {"professional_ids.0": "No professional of this authority has this identifier."}
    errors = _fields(_post(client, _path(elowen), {"child_ids": [str(world.southmoor_child.public_id)]}))
    assert errors == {"child_ids.0": "No child this conference is about has this identifier."}
    officer = str(world.professionals["police_officer"].public_id)
    errors = _fields(_post(client, _path(elowen), {"professional_ids": [officer, officer]}))
    assert errors == {"professional_ids.1": "Name each person once."}


def test_inviting_someone_already_invited_or_to_a_cancelled_conference_is_refused(
    world: World, elowen: Conference
) -> None:
    client = world.client_for("chair")
    mother = _mother(elowen)
    assert mother.family_member is not None
    errors = _fields(
        _post(client, _path(elowen), {"family_member_ids": [str(mother.family_member.public_id)]})
    )
    assert errors == {None: "Morwen Fairbrass is already invited."}
    Conference.objects.filter(pk=elowen.pk).update(
        status=ConferenceStatus.CANCELLED, cancelled_reason="The family moved away."
    )
    errors = _fields(_post(client, _path(elowen), {"child_ids": [str(world.child.public_id)]}))
    assert errors == {None: "This conference is cancelled: its invitations can no longer change."}


@pytest.mark.parametrize("persona", ["health_visitor", NORTHBRIDGE_SYSTEM])
def test_those_who_see_the_conference_but_do_not_arrange_it_may_not_invite_send_or_record(
    api_world: ApiWorld, elowen: Conference, persona: str
) -> None:
    client = api_world.client_for(persona)
    child = str(api_world.world.child.public_id)
    assert _post(client, _path(elowen), {"child_ids": [child]}).status_code == 403
    assert _post(client, _path(elowen, "/send")).status_code == 403
    reply = {"reply": "attending", "how": "By phone"}
    assert _post(client, _path(elowen, f"/{_mother(elowen).public_id}/reply"), reply).status_code == 403
    assert elowen.invitations.count() == 1 and _mother(elowen).reply == Reply.NONE


# Sending


def test_sending_needs_a_conference_with_a_date_and_a_place(world: World, elowen: Conference) -> None:
    client = world.client_for("chair")
    assert _post(client, _path(elowen, "/send")).json() == {"sent": 0, "without_email": ["Morwen Fairbrass"]}
    Conference.objects.filter(pk=elowen.pk).update(
        status=ConferenceStatus.REQUESTED, starts_at=None, ends_at=None
    )
    errors = _fields(_post(client, _path(elowen, "/send")))
    assert errors == {None: "Invitations can be sent only for a scheduled conference: this one is requested."}


# Replies


def test_a_reply_is_recorded_once_and_changed_only_when_asked(world: World, elowen: Conference) -> None:
    client = world.client_for("chair")
    path = _path(elowen, f"/{_mother(elowen).public_id}/reply")
    first = _post(client, path, {"reply": "not_attending", "how": "By letter", "note": "Working that day."})
    assert first.status_code == 200, first.content
    assert (first.json()["reply"], first.json()["reply_name"]) == ("not_attending", "Cannot attend")
    second = _post(client, path, {"reply": "attending", "how": "By phone"})
    assert second.status_code == 409
    assert second.json()["detail"].startswith("Morwen Fairbrass has already replied on ")
    assert _mother(elowen).reply == Reply.NOT_ATTENDING
    changed = _post(client, path, {"reply": "attending", "how": "By phone", "replace": True})
    assert changed.status_code == 200
    entry = AuditEntry.objects.filter(object_type="conferences.invitation").order_by("-sequence").first()
    assert entry is not None and entry.reason == "Reply received: By phone"
    assert entry.before is not None and entry.before["reply"] == "not_attending"


def test_bad_replies_are_explained(world: World, elowen: Conference) -> None:
    client = world.client_for("chair")
    path = _path(elowen, f"/{_mother(elowen).public_id}/reply")
    errors = _fields(
        _post(client, path, {"reply": "sending_colleague", "how": " ", "colleague_email": "nope"})
    )
    assert errors == {
        "colleague_name": "Enter the name of the colleague who will attend.",
        "colleague_email": "Enter an email address in the correct format, like name@example.com.",
    }
    errors = _fields(_post(client, path, {"reply": "attending", "how": "  "}))
    assert errors == {"how": "Enter how the reply came, for example by phone."}
    errors = _fields(_post(client, path, {"reply": "maybe", "how": "By phone"}))
    assert set(errors) == {"reply"}


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (ConferenceStatus.CANCELLED, "This conference has been cancelled, so there is no reply to record."),
        (ConferenceStatus.HELD, "This conference has already taken place, so replies are closed."),
    ],
)
def test_replies_close_when_the_conference_is_cancelled_or_held(
    world: World, elowen: Conference, status: str, message: str
) -> None:
    reason = "The family moved away." if status == ConferenceStatus.CANCELLED else ""
    Conference.objects.filter(pk=elowen.pk).update(status=status, cancelled_reason=reason)
    path = _path(elowen, f"/{_mother(elowen).public_id}/reply")
    assert _fields(_post(world.client_for("chair"), path, {"reply": "attending", "how": "By phone"})) == {
        None: message
    }


def test_an_invitation_of_another_conference_is_not_found_like_a_guessed_one(
    world: World, elowen: Conference
) -> None:
    client = world.client_for("chair")
    corins = world.conferences["corin"].invitations.get()
    body = {"reply": "attending", "how": "By phone"}
    guessed = _post(client, _path(elowen, f"/{uuid.uuid4()}/reply"), body)
    other = _post(client, _path(elowen, f"/{corins.public_id}/reply"), body)
    assert guessed.status_code == other.status_code == 404
    assert (
        guessed.json()
        == other.json()
        == {"detail": "There is no invitation here, or you do not have access to it."}
    )
