"""The invitations pages (R-PR-1 to R-PR-3): what each person sees, adding people from the suggestions and
by name, recording rights, replies and how someone was invited, withdrawing, sending; bad input explained
with nothing half-saved; a fixed number of queries whatever the number of invitees."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpconf.access.models import AccessEntry, AuditEntry
from cpconf.conferences.models import Invitation, InviteeRole, Reply, Report
from cpconf.conferences.services.invitations import invitation_add_person, invitations_add, invitations_send
from cpconf.notifications.models import OutboxMessage
from tests import factories
from tests.conferences.conftest import Setting

# The invitation tests share a fixed "now" (31 March 2027) and an empty mail outbox (conftest.py).
pytestmark = pytest.mark.usefixtures("frozen_now", "empty_outbox")


def url(name: str, setting: Setting, invitation: Invitation | None = None) -> str:
    kwargs: dict[str, Any] = {"conference_id": setting.conference.public_id}
    if invitation is not None:
        kwargs["invitation_id"] = invitation.public_id
    return reverse(f"conferences:{name}", kwargs=kwargs)


@pytest.fixture
def coordinator(setting: Setting) -> Client:
    return setting.client_for("coordinator")


def invite(setting: Setting, *names: str) -> list[Invitation]:
    return invitations_add(
        conference=setting.conference,
        acting_user=None,
        professionals=[setting.people[name] for name in names],
    )


# ---- Who sees what ------------------------------------------------------------------------------------


def test_the_coordinator_sees_everyone_invited_with_addresses_and_what_to_do(
    setting: Setting, coordinator: Client
) -> None:
    invite(setting, "social_worker")
    invitations_add(
        conference=setting.conference, acting_user=None, family_members=[setting.family["partner"]]
    )
    response = coordinator.get(url("invitations", setting))
    assert response.status_code == 200
    page = response.content.decode()
    assert "By email: aldous.fenwright@westmere.example" in page
    assert "No email address: invite them another way and record how" in page
    assert "Send invitations" in page and "Invite the people selected" in page
    assert "Nobody is invited yet from: the police, health." in page
    # The suggestions: ticked boxes for those not invited yet, the police officer to choose.
    assert 'name="professionals"' in page and "Ivo Penhallow" in page
    assert "Caspar Holt, Detective constable, Westmere Police Child Protection Unit" in page
    assert "Aged 13. Children aged 12 and over are invited" in page
    # The access log has one row for each child the conference is about.
    assert AccessEntry.objects.filter(what="conference-invitations", allowed=True).count() == 3


def test_an_invited_professional_sees_the_list_without_addresses_or_forms(setting: Setting) -> None:
    invite(setting, "police_officer", "social_worker")
    invitations_add(
        conference=setting.conference, acting_user=None, family_members=[setting.family["mother"]]
    )
    client = setting.client_for("police_officer")
    page = client.get(url("invitations", setting)).content.decode()
    assert "Aldous Fenwright" in page and "Sorrel Ashdown" in page
    assert "sorrel.ashdown@mail.example" not in page and "@westmere.example" not in page.split("<main")[1]
    assert "Send invitations" not in page and "Invite the people selected" not in page
    assert "Details" not in page
    for name in ("invitations-add", "invitations-send", "invitations-rights"):
        assert client.post(url(name, setting), {}).status_code == 403
    [invitation] = Invitation.objects.filter(professional=setting.people["social_worker"])
    for name in ("invitation", "invitation-record-reply", "invitation-withdraw"):
        assert client.get(url(name, setting, invitation)).status_code == 403
    assert client.get(url("invitations-add-person", setting)).status_code == 403
    assert Invitation.objects.count() == 3


def test_someone_not_involved_with_every_child_gets_not_found(setting: Setting) -> None:
    # The teacher works with Wren only; the conference is also about Pip and Bramble.
    client = setting.client_for("teacher")
    assert client.get(url("invitations", setting)).status_code == 404
    assert client.post(url("invitations-add", setting), {}).status_code == 404
    assert AccessEntry.objects.filter(what="conference-invitations", allowed=False).count() == 2


def test_the_actions_are_posts(setting: Setting, coordinator: Client) -> None:
    for name in ("invitations-add", "invitations-send", "invitations-rights"):
        assert coordinator.get(url(name, setting)).status_code == 405


def test_an_invitation_of_another_conference_is_not_found_here(setting: Setting, coordinator: Client) -> None:
    other = factories.InvitationFactory(
        conference=factories.ConferenceFactory(
            authority=setting.authority, children=[setting.children["wren"]]
        )
    )
    for name in ("invitation", "invitation-record-reply", "invitation-withdraw"):
        assert coordinator.get(url(name, setting, other)).status_code == 404


# ---- Adding people ------------------------------------------------------------------------------------


def test_adding_people_from_the_suggestions(setting: Setting, coordinator: Client) -> None:
    people, family = setting.people, setting.family
    response = coordinator.post(
        url("invitations-add", setting),
        {
            "professionals": [
                str(people["social_worker"].public_id),
                str(people["health_visitor"].public_id),
            ],
            "family": [str(family["mother"].public_id)],
            "children": [str(setting.children["wren"].public_id)],
            "agency_police": str(people["police_officer"].public_id),
        },
    )
    assert response.status_code == 302 and response["Location"] == url("invitations", setting)
    invitations = {invitation.name: invitation for invitation in Invitation.objects.all()}
    assert set(invitations) == {
        "Aldous Fenwright",
        "Morwenna Tilly",
        "Caspar Holt",
        "Sorrel Ashdown",
        "Wren Ashdown",
    }
    assert invitations["Caspar Holt"].agency == setting.agencies["police"]
    assert invitations["Sorrel Ashdown"].role == InviteeRole.PARENT_OR_CARER
    assert invitations["Sorrel Ashdown"].email == "sorrel.ashdown@mail.example"
    assert invitations["Wren Ashdown"].role == InviteeRole.CHILD and invitations["Wren Ashdown"].email == ""
    assert all(invitation.created_by == people["coordinator"].user for invitation in invitations.values())
    # Each invited agency owes a report (R-PR-4), and every row has its history.
    assert set(Report.objects.values_list("agency__name", flat=True)) == {
        "Westmere Children's Social Care",
        "Westmere Health Visiting",
        "Westmere Police Child Protection Unit",
    }
    assert AuditEntry.objects.filter(object_type="conferences.invitation", action="create").count() == 5
    page = coordinator.get(url("invitations", setting)).content.decode()
    assert "Invited: Aldous Fenwright, Morwenna Tilly, Caspar Holt, Sorrel Ashdown, Wren Ashdown." in page
    assert "Nobody is invited yet from" not in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select at least one person to invite"),
        ({"professionals": [str(uuid.uuid4())]}, "can no longer be invited"),
        ({"agency_police": "someone"}, "Choose someone from the list"),
    ],
)
def test_adding_with_bad_input_explains_and_adds_nobody(
    setting: Setting, coordinator: Client, data: dict[str, Any], message: str
) -> None:
    response = coordinator.post(url("invitations-add", setting), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and 'class="govuk-error-summary' in page and "<title>Error: " in page
    assert not Invitation.objects.exists()


def test_someone_already_invited_cannot_be_ticked_twice(setting: Setting, coordinator: Client) -> None:
    invite(setting, "social_worker")
    response = coordinator.post(
        url("invitations-add", setting), {"professionals": [str(setting.people["social_worker"].public_id)]}
    )
    assert "can no longer be invited" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_adding_someone_else_by_name(setting: Setting, coordinator: Client) -> None:
    assert coordinator.get(url("invitations-add-person", setting)).status_code == 200
    response = coordinator.post(
        url("invitations-add-person", setting),
        {"name": "Ysolde Marchbank", "email": "", "role": InviteeRole.ADVOCATE},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.name, invitation.email, invitation.role) == (
        "Ysolde Marchbank",
        "",
        InviteeRole.ADVOCATE,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "role": "advocate"}, "Enter the person&#x27;s full name"),
        (
            {"name": "Ysolde Marchbank", "email": "not an address", "role": "advocate"},
            "Enter an email address",
        ),
        ({"name": "Ysolde Marchbank"}, "Select whether they are a supporter"),
        ({"name": "Ysolde Marchbank", "role": "professional"}, "Select whether they are a supporter"),
        ({"name": "x" * 201, "role": "observer"}, "Keep the name to 200 characters or fewer"),
    ],
)
def test_adding_someone_else_with_bad_input_explains(
    setting: Setting, coordinator: Client, data: dict[str, str], message: str
) -> None:
    response = coordinator.post(url("invitations-add-person", setting), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_held_conference_takes_no_new_invitations(setting: Setting, coordinator: Client) -> None:
    setting.conference.status = "held"
    setting.conference.save()
    response = coordinator.post(
        url("invitations-add", setting), {"professionals": [str(setting.people["social_worker"].public_id)]}
    )
    assert "This conference is held: its invitations can no longer change." in response.content.decode()
    response = coordinator.post(
        url("invitations-add-person", setting), {"name": "Ysolde", "role": "observer"}
    )
    assert "its invitations can no longer change" in response.content.decode()
    assert not Invitation.objects.exists()


# ---- Rights, how, replies, withdrawal ------------------------------------------------------------------


def test_recording_what_parents_and_children_were_told(setting: Setting, coordinator: Client) -> None:
    [mother, father] = invitations_add(
        conference=setting.conference,
        acting_user=None,
        family_members=[setting.family["mother"], setting.family["father"]],
    )
    [wren] = invitations_add(
        conference=setting.conference, acting_user=None, children=[setting.children["wren"]]
    )
    page = coordinator.get(url("invitations", setting)).content.decode()
    assert "Sorrel Ashdown has been told of their right to bring a supporter" in page
    assert "Wren Ashdown has been told of their right to an advocate" in page
    # Pip is 7: told of an advocate (from 5), but not invited.
    assert "Not invited, but must be told of their right to an advocate: Pip Ashdown." in page
    response = coordinator.post(
        url("invitations-rights", setting),
        {f"supporter_{mother.public_id}": "on", f"advocate_{wren.public_id}": "on"},
    )
    assert response.status_code == 302
    mother.refresh_from_db()
    father.refresh_from_db()
    wren.refresh_from_db()
    assert (mother.told_of_right_to_supporter, father.told_of_right_to_supporter) == (True, False)
    assert wren.told_of_right_to_advocate is True
    assert AuditEntry.objects.filter(object_id=str(mother.public_id), action="change").count() == 1
    # Unticking is recorded too.
    coordinator.post(url("invitations-rights", setting), {f"advocate_{wren.public_id}": "on"})
    mother.refresh_from_db()
    assert mother.told_of_right_to_supporter is False


def test_recording_how_someone_without_email_was_invited(setting: Setting, coordinator: Client) -> None:
    [partner] = invitations_add(
        conference=setting.conference, acting_user=None, family_members=[setting.family["partner"]]
    )
    assert coordinator.get(url("invitation", setting, partner)).status_code == 200
    response = coordinator.post(url("invitation", setting, partner), {"invited_how": ""})
    assert "Enter how they were invited" in response.content.decode()
    response = coordinator.post(
        url("invitation", setting, partner), {"invited_how": "By letter posted on 31 March"}
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.invited_how == "By letter posted on 31 March"
    page = coordinator.get(url("invitations", setting)).content.decode()
    assert "By letter posted on 31 March" in page


def test_recording_a_reply_that_came_by_phone(setting: Setting, coordinator: Client) -> None:
    [invitation] = invite(setting, "teacher")
    assert coordinator.get(url("invitation-record-reply", setting, invitation)).status_code == 200
    response = coordinator.post(
        url("invitation-record-reply", setting, invitation), {"reply": "sending_colleague"}
    )
    page = response.content.decode()
    assert "Enter the name of the colleague who will attend" in page
    assert "Enter how the reply came" in page
    response = coordinator.post(
        url("invitation-record-reply", setting, invitation),
        {"reply": "sending_colleague", "colleague_name": "Juno Pell", "how": "By phone"},
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert (invitation.reply, invitation.colleague_name, invitation.colleague_email) == (
        Reply.SENDING_COLLEAGUE,
        "Juno Pell",
        "",
    )
    entry = AuditEntry.objects.filter(object_id=str(invitation.public_id), action="change").latest("pk")
    assert entry.reason == "Reply received: By phone"
    # The office may change it: the history keeps the one before.
    coordinator.post(
        url("invitation-record-reply", setting, invitation), {"reply": "attending", "how": "By email"}
    )
    invitation.refresh_from_db()
    assert (invitation.reply, invitation.colleague_name) == (Reply.ATTENDING, "")


def test_withdrawing_keeps_the_invitation_marked_withdrawn(setting: Setting, coordinator: Client) -> None:
    [invitation] = invite(setting, "teacher")
    assert (
        "Withdraw the invitation to Ivo Penhallow"
        in coordinator.get(url("invitation-withdraw", setting, invitation)).content.decode()
    )
    response = coordinator.post(url("invitation-withdraw", setting, invitation), {"reason": "Wrong school."})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None
    entry = AuditEntry.objects.filter(object_id=str(invitation.public_id), action="change").latest("pk")
    assert entry.reason == "Wrong school."
    page = coordinator.get(url("invitations", setting)).content.decode()
    assert "Withdrawn invitations" in page
    # Withdrawing twice explains; inviting again afterwards is possible.
    response = coordinator.post(url("invitation-withdraw", setting, invitation), {})
    assert (
        "already been withdrawn" in response.content.decode()
        or "was withdrawn on" in response.content.decode()
    )
    assert len(invite(setting, "teacher")) == 1


# ---- Sending -------------------------------------------------------------------------------------------


def test_sending_from_the_page(setting: Setting, coordinator: Client) -> None:
    invite(setting, "social_worker", "teacher")
    invitations_add(
        conference=setting.conference, acting_user=None, family_members=[setting.family["partner"]]
    )
    response = coordinator.post(url("invitations-send", setting))
    assert response.status_code == 302
    assert OutboxMessage.objects.count() == 2
    page = coordinator.get(url("invitations", setting)).content.decode()
    assert "Invitations sent: 2 emails." in page
    assert "Hal Brennock has no email address: invite them another way and record how." in page
    assert "Sent 31 March 2027" in page
    coordinator.post(url("invitations-send", setting))
    page = coordinator.get(url("invitations", setting)).content.decode()
    assert "Nothing to send: everyone with an email address has the latest details." in page
    assert OutboxMessage.objects.count() == 2


def test_sending_before_the_conference_is_arranged_explains(setting: Setting, coordinator: Client) -> None:
    invite(setting, "social_worker")
    setting.conference.status = "requested"
    setting.conference.save()
    response = coordinator.post(url("invitations-send", setting))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="govuk-error-summary' in page
    assert "Invitations can be sent only for a scheduled conference: this one is requested." in page
    assert not OutboxMessage.objects.exists()


# ---- Query counts ----------------------------------------------------------------------------------------


def _invite_many(setting: Setting, count: int) -> None:
    """``count`` invitations of every kind: professionals, family, a child, people named on the page."""
    invite(setting, "social_worker", "police_officer")
    if count > 2:
        invitations_add(
            conference=setting.conference,
            acting_user=None,
            family_members=[setting.family["mother"], setting.family["father"]],
            children=[setting.children["wren"]],
        )
        for number in range(count - 5):
            invitation_add_person(
                conference=setting.conference,
                acting_user=None,
                name=f"Observer {number}",
                email=f"observer{number}@mail.example",
                role=InviteeRole.OBSERVER,
            )
        invitations_send(conference=setting.conference, acting_user=None)
    assert Invitation.objects.count() == count


@pytest.mark.parametrize("count", [2, 12])
def test_the_invitations_page_takes_the_same_number_of_queries_at_2_and_12(
    setting: Setting, count: int, django_assert_num_queries: Any
) -> None:
    # The gateway writes one access-log row for each of the three children (five queries each); the page
    # itself reads the invitations, the children, allocations, relationships and whom to choose from; the
    # rules ask once each whether the person may see and may arrange the conference.
    expected = 27
    _invite_many(setting, count)
    client = setting.client_for("coordinator")
    client.get(url("invitations", setting))
    with django_assert_num_queries(expected):
        response = client.get(url("invitations", setting))
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="govuk-table__row">') == count + 1
