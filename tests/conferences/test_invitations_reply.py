"""Replying through the signed link in the invitation email, with no account (R-PR-3): the page shows the
conference by its reference, the reply is taken once and recorded with its history; a changed or expired
link gets a plain page and a refused attempt in the access log; a cancelled, held or changed conference,
a withdrawn invitation and a second reply each get a clear message and change nothing."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

import pytest
import time_machine
from django.core import signing
from django.test import Client

from cpconf.access.models import AccessEntry, AuditEntry
from cpconf.conferences import links
from cpconf.conferences.models import ConferenceStatus, Invitation, Reply
from cpconf.conferences.services.invitations import invitation_withdraw, invitations_add, invitations_send
from cpconf.notifications.models import OutboxMessage
from tests.conferences.conftest import LONDON, NOW, Setting

# The invitation tests share a fixed "now" (31 March 2027) and an empty mail outbox (conftest.py).
pytestmark = pytest.mark.usefixtures("frozen_now", "empty_outbox")

REPLY_PATH = re.compile(r"(/invite/reply/[^/\s]+/)")


@pytest.fixture
def invitation(setting: Setting) -> Invitation:
    [invitation] = invitations_add(
        conference=setting.conference, acting_user=None, professionals=[setting.people["police_officer"]]
    )
    invitations_send(conference=setting.conference, acting_user=None)
    return invitation


def link_in_email(invitation: Invitation) -> str:
    message = OutboxMessage.objects.filter(recipient=invitation.email).order_by("-pk").first()
    assert message is not None
    found = REPLY_PATH.search(message.body)
    assert found is not None
    return found.group(1)


def refused_rows() -> list[AccessEntry]:
    return list(AccessEntry.objects.filter(what="invitation-reply", allowed=False))


def test_the_page_shows_the_conference_and_the_invitee_and_names_no_child(
    setting: Setting, invitation: Invitation
) -> None:
    response = Client().get(link_in_email(invitation))
    assert response.status_code == 200
    page = response.content.decode()
    for words in (
        setting.conference.reference,
        "Westmere Test Council",
        "Caspar Holt",
        "Wednesday 14 April 2027",
        "10:00am to 12:00pm",
        "Westmere Civic Centre, Room 4, Westmere WM1 1AA (or online)",
        "Can you attend?",
    ):
        assert words in page
    for child in setting.children.values():
        assert child.full_name not in page and child.given_name not in page
    assert "meet.westmere.example" not in page  # no joining details on a page anyone with the link sees


def test_the_token_holds_the_invitation_the_sequence_and_the_last_day_only(
    setting: Setting, invitation: Invitation
) -> None:
    token = link_in_email(invitation).split("/")[3]
    payload = signing.loads(token, salt=links.SALT)
    assert payload == {"i": str(invitation.public_id), "s": 0, "u": "2027-04-14"}


def test_a_reply_is_recorded_once_with_its_history(setting: Setting, invitation: Invitation) -> None:
    client = Client()
    path = link_in_email(invitation)
    response = client.post(path, {"reply": "attending", "note": "I will bring the police report."})
    assert response.status_code == 302 and response["Location"] == f"{path}?replied=1"
    assert "Reply recorded" in client.get(response["Location"]).content.decode()
    invitation.refresh_from_db()
    assert invitation.reply == Reply.ATTENDING
    assert invitation.reply_note == "I will bring the police report."
    assert invitation.replied_at == NOW
    entry = AuditEntry.objects.filter(object_id=str(invitation.public_id), action="change").latest("pk")
    assert entry.actor is None
    assert entry.reason == "Replied through the link in the invitation email."
    assert entry.before is not None and entry.after is not None
    assert set(entry.after) == {"reply", "reply_note", "replied_at"}
    assert (entry.before["reply"], entry.after["reply"]) == ("", "attending")


def test_a_second_reply_is_refused_and_the_first_kept(setting: Setting, invitation: Invitation) -> None:
    path = link_in_email(invitation)
    Client().post(path, {"reply": "not_attending"})
    client = Client()
    page = client.get(path).content.decode()
    assert (
        "You have already replied on 31 March 2027: Cannot attend. To change it, contact the conference office."
        in page
    )
    assert "Can you attend?" not in page
    response = client.post(path, {"reply": "attending"})
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.reply == Reply.NOT_ATTENDING


def test_sending_a_colleague_needs_their_name_and_email(setting: Setting, invitation: Invitation) -> None:
    path = link_in_email(invitation)
    response = Client().post(path, {"reply": "sending_colleague"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the name of the colleague who will attend" in page
    assert "Enter the email address of the colleague who will attend" in page
    assert "<title>Error: " in page
    invitation.refresh_from_db()
    assert invitation.reply == Reply.NONE
    Client().post(
        path,
        {
            "reply": "sending_colleague",
            "colleague_name": "Juno Pell",
            "colleague_email": "juno.pell@police.example",
        },
    )
    invitation.refresh_from_db()
    assert (invitation.reply, invitation.colleague_name, invitation.colleague_email) == (
        Reply.SENDING_COLLEAGUE,
        "Juno Pell",
        "juno.pell@police.example",
    )


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"reply": "maybe"},
        {"reply": "sending_colleague", "colleague_name": "Juno Pell", "colleague_email": "not an address"},
        {"reply": "attending", "note": "x" * 2001},
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    setting: Setting, invitation: Invitation, data: dict[str, str]
) -> None:
    response = Client().post(link_in_email(invitation), data)
    assert response.status_code == 200
    assert 'class="govuk-error-summary' in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.replied_at is None


def _tamper(path: str) -> str:
    token = path.split("/")[3]
    changed = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    return f"/invite/reply/{changed}/"


@pytest.mark.parametrize(
    "make_path",
    [
        _tamper,
        lambda path: "/invite/reply/not-a-token/",
        lambda path: "/invite/reply/" + "x" * 600 + "/",
        # A token signed for something else (another salt) is not a reply link.
        lambda path: "/invite/reply/" + signing.dumps({"i": "x", "s": 0, "u": "2099-01-01"}) + "/",
        # Signed for replies, but not a reply token's shape.
        lambda path: "/invite/reply/" + signing.dumps({"i": "x"}, salt=links.SALT) + "/",
        lambda path: "/invite/reply/" + signing.dumps([1, 2], salt=links.SALT) + "/",
    ],
)
def test_a_changed_or_made_up_link_gets_a_plain_page_and_is_logged(
    setting: Setting, invitation: Invitation, make_path: object
) -> None:
    path = make_path(link_in_email(invitation))  # type: ignore[operator]
    for method in ("get", "post"):
        response = getattr(Client(), method)(path, {"reply": "attending"} if method == "post" else None)
        assert response.status_code == 400
        page = response.content.decode()
        assert "This link does not work" in page
        assert "Caspar Holt" not in page and setting.conference.reference not in page
    assert len(refused_rows()) == 2
    assert refused_rows()[0].child_public_id is None
    # The log keeps where, never the link itself: a token is a credential.
    assert {row.request_path for row in refused_rows()} == {"/invite/reply/[token]/"}
    invitation.refresh_from_db()
    assert invitation.replied_at is None


def test_a_link_for_an_invitation_that_no_longer_exists_is_refused(setting: Setting) -> None:
    token = signing.dumps({"i": str(uuid.uuid4()), "s": 0, "u": "2027-04-14"}, salt=links.SALT, compress=True)
    response = Client().get(f"/invite/reply/{token}/")
    assert response.status_code == 400
    assert [row.reason for row in refused_rows()] == ["Reply link: no invitation has this identifier."]


def test_a_link_after_the_day_of_the_conference_has_expired(setting: Setting, invitation: Invitation) -> None:
    path = link_in_email(invitation)
    # It still works on the day itself (before the conference starts, the reply is taken).
    with time_machine.travel(datetime(2027, 4, 14, 8, 0, tzinfo=LONDON), tick=False):
        assert Client().get(path).status_code == 200
    with time_machine.travel(datetime(2027, 4, 15, 0, 1, tzinfo=LONDON), tick=False):
        response = Client().post(path, {"reply": "attending"})
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert refused_rows()[0].reason == "Reply link: expired after 2027-04-14."
    invitation.refresh_from_db()
    assert invitation.replied_at is None


def test_a_cancelled_conference_takes_no_reply(setting: Setting, invitation: Invitation) -> None:
    path = link_in_email(invitation)
    conference = setting.conference
    conference.status = ConferenceStatus.CANCELLED
    conference.cancelled_reason = "The family moved away."
    conference.save()
    page = Client().get(path).content.decode()
    assert "This conference has been cancelled, so there is nothing to reply to." in page
    Client().post(path, {"reply": "attending"})
    invitation.refresh_from_db()
    assert invitation.replied_at is None
    assert refused_rows() == []  # a good link: nothing refused, just nothing to do


def test_a_conference_that_has_taken_place_takes_no_reply(setting: Setting, invitation: Invitation) -> None:
    path = link_in_email(invitation)
    with time_machine.travel(datetime(2027, 4, 14, 11, 0, tzinfo=LONDON), tick=False):
        page = Client().get(path).content.decode()
        assert "This conference has already taken place, so replies are closed." in page
    setting.conference.status = ConferenceStatus.HELD
    setting.conference.save()
    Client().post(path, {"reply": "attending"})
    invitation.refresh_from_db()
    assert invitation.replied_at is None


def test_a_link_from_before_the_date_changed_says_to_use_the_latest(
    setting: Setting, invitation: Invitation
) -> None:
    path = link_in_email(invitation)
    setting.conference.schedule_sequence = 1
    setting.conference.save()
    page = Client().get(path).content.decode()
    assert "has changed since this email was sent. Use the link in the latest email" in page
    Client().post(path, {"reply": "attending"})
    invitation.refresh_from_db()
    assert invitation.replied_at is None


def test_a_withdrawn_invitation_takes_no_reply(setting: Setting, invitation: Invitation) -> None:
    path = link_in_email(invitation)
    invitation_withdraw(invitation=invitation, acting_user=None)
    page = Client().get(path).content.decode()
    assert "This invitation has been withdrawn, so there is nothing to reply to." in page


def test_the_confirmation_is_shown_only_for_a_reply_that_was_recorded(
    setting: Setting, invitation: Invitation
) -> None:
    page = Client().get(f"{link_in_email(invitation)}?replied=1").content.decode()
    assert "Reply recorded" not in page and "Can you attend?" in page
