"""Invitation emails with their calendar files (R-PR-1, R-AF-4, R-AF-5): one message per invitee with an
address, a valid .ics (same UID for a conference, SEQUENCE its schedule sequence, Europe/London times),
nothing sent again when nothing changed, updates and cancellations to those already sent, and no child
named anywhere; the online joining details only to secure addresses."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from icalendar import Calendar
from pytest_django.fixtures import Settings

from cpconf.access.models import AuditEntry
from cpconf.conferences.models import ConferenceStatus, Invitation, InviteeRole, VenueKind
from cpconf.conferences.services.invitations import (
    invitation_add_person,
    invitation_withdraw,
    invitations_add,
    invitations_send,
    invitations_send_cancellation,
    invitations_send_updates,
)
from cpconf.notifications.models import OutboxMessage
from cpconf.people.models import User
from tests.conferences.conftest import LONDON, Setting
from tests.notifications.conftest import run_worker

# The invitation tests share a fixed "now" (31 March 2027) and an empty mail outbox (conftest.py).
pytestmark = pytest.mark.usefixtures("frozen_now", "empty_outbox")

PROFESSIONALS = ("social_worker", "health_visitor", "police_officer", "teacher")


def coordinator(setting: Setting) -> User:
    user = setting.people["coordinator"].user
    assert user is not None
    return user


def invite_everyone(setting: Setting) -> list[Invitation]:
    """The four professionals, both parents and the mother's partner (no email), and Wren (no email)."""
    family = setting.family
    return invitations_add(
        conference=setting.conference,
        acting_user=coordinator(setting),
        professionals=[setting.people[name] for name in PROFESSIONALS],
        family_members=[family["mother"], family["father"], family["partner"]],
        children=[setting.children["wren"]],
    )


def calendar_of(message: OutboxMessage) -> Calendar:
    attachment = message.attachments.get()
    assert attachment.filename.endswith(".ics")
    return Calendar.from_ical(bytes(attachment.content))


def child_names(setting: Setting) -> list[str]:
    names = []
    for child in setting.children.values():
        names += [child.full_name, child.given_name]
    return names


def test_sending_queues_one_email_with_a_calendar_invitation_for_each_invitee_with_an_address(
    setting: Setting,
) -> None:
    invite_everyone(setting)
    result = invitations_send(conference=setting.conference, acting_user=coordinator(setting))
    # Seven invited: four professionals, the two parents with addresses; the partner and Wren have none.
    assert result.sent == 6
    assert result.without_email == ("Hal Brennock", "Wren Ashdown")
    messages = list(OutboxMessage.objects.order_by("pk"))
    assert sorted(message.recipient for message in messages) == sorted(
        [setting.people[name].email for name in PROFESSIONALS]
        + ["sorrel.ashdown@mail.example", "tobin.a@mail.example"]
    )
    assert {message.purpose for message in messages} == {"conference-invitation"}
    assert all(message.names_no_child and message.child is None for message in messages)
    for message in messages:
        calendar = calendar_of(message)
        assert calendar["method"] == "REQUEST"
        [event] = calendar.events
        assert str(event["uid"]) == f"{setting.conference.public_id}@cpconf"
        assert event["sequence"] == 0
        assert str(event["status"]) == "CONFIRMED"
        # 10am to noon in British Summer Time, with the time zone's definition in the file.
        assert event.start == datetime(2027, 4, 14, 10, 0, tzinfo=LONDON)
        assert event.start.utcoffset() == timedelta(hours=1)
        assert str(event.start.tzinfo) == "Europe/London"
        assert event.end == datetime(2027, 4, 14, 12, 0, tzinfo=LONDON)
        assert [timezone.tz_name for timezone in calendar.timezones] == ["Europe/London"]
        assert str(event["attendee"]) == f"mailto:{message.recipient}"
        assert str(event["organizer"]) == "mailto:linnet.carrow@westmere.example"
        assert str(event["location"]) == "Westmere Civic Centre, Room 4, Westmere WM1 1AA (or online)"
        assert "dtstamp" in event
    # Each invitation records what was sent, with its audit entry.
    sent = Invitation.objects.exclude(email="")
    assert {invitation.sent_sequence for invitation in sent} == {0}
    assert AuditEntry.objects.filter(object_type="conferences.invitation", action="change").count() == 6


def test_no_email_and_no_calendar_file_names_a_child(setting: Setting) -> None:
    invite_everyone(setting)
    invitations_send(conference=setting.conference, acting_user=coordinator(setting))
    setting.conference.schedule_sequence += 1
    setting.conference.save()
    invitations_send_updates(conference=setting.conference, acting_user=coordinator(setting))
    for message in OutboxMessage.objects.all():
        calendar = bytes(message.attachments.get().content).decode().replace("\r\n ", "")
        for text in (message.subject, message.body, calendar):
            for name in child_names(setting):
                assert not re.search(rf"\b{name}\b", text), f"{name!r} in an email to {message.recipient}"
            assert setting.conference.reference in text


def test_sending_again_when_nothing_changed_sends_nothing(setting: Setting) -> None:
    invite_everyone(setting)
    invitations_send(conference=setting.conference, acting_user=coordinator(setting))
    count = OutboxMessage.objects.count()
    result = invitations_send(conference=setting.conference, acting_user=coordinator(setting))
    assert result.sent == 0 and OutboxMessage.objects.count() == count
    # Someone invited afterwards is the only one sent the next time.
    invitation_add_person(
        conference=setting.conference,
        acting_user=coordinator(setting),
        name="Ysolde Marchbank",
        email="ysolde@advocacy.example",
        role=InviteeRole.ADVOCATE,
    )
    result = invitations_send(conference=setting.conference, acting_user=coordinator(setting))
    assert result.sent == 1
    assert OutboxMessage.objects.order_by("-pk").first().recipient == "ysolde@advocacy.example"  # type: ignore[union-attr]


def test_an_update_goes_to_everyone_sent_before_with_the_same_event_and_the_next_sequence(
    setting: Setting,
) -> None:
    invite_everyone(setting)
    invitations_send(conference=setting.conference, acting_user=coordinator(setting))
    # Someone invited but not sent yet receives no update: the coordinator sends them the invitation.
    late = invitation_add_person(
        conference=setting.conference,
        acting_user=coordinator(setting),
        name="Ysolde Marchbank",
        email="ysolde@advocacy.example",
        role=InviteeRole.ADVOCATE,
    )
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    conference = setting.conference
    conference.starts_at = datetime(2027, 4, 16, 14, 0, tzinfo=LONDON)
    conference.ends_at = datetime(2027, 4, 16, 15, 30, tzinfo=LONDON)
    conference.schedule_sequence = 1  # raised by the scheduling code
    conference.save()
    assert invitations_send_updates(conference=conference, acting_user=coordinator(setting)) == 6
    updates = list(OutboxMessage.objects.exclude(pk__in=before))
    assert len(updates) == 6 and late.email not in {message.recipient for message in updates}
    for message in updates:
        assert message.purpose == "conference-update"
        assert message.subject.startswith("Changed: conference")
        assert "Friday 16 April 2027" in message.body and "2:00pm to 3:30pm" in message.body
        [event] = calendar_of(message).events
        assert str(event["uid"]) == f"{conference.public_id}@cpconf"
        assert event["sequence"] == 1
        assert event.start == datetime(2027, 4, 16, 14, 0, tzinfo=LONDON)
    # Nothing more to update, and "send" now goes only to the one never sent.
    assert invitations_send_updates(conference=conference, acting_user=coordinator(setting)) == 0
    assert invitations_send(conference=conference, acting_user=coordinator(setting)).sent == 1


def test_a_cancellation_removes_the_event_from_everyone_sent_it(setting: Setting) -> None:
    invite_everyone(setting)
    invitations_send(conference=setting.conference, acting_user=coordinator(setting))
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    conference = setting.conference
    conference.status = ConferenceStatus.CANCELLED
    conference.cancelled_reason = "The family moved to another authority."
    conference.schedule_sequence = 1
    conference.save()
    assert invitations_send_cancellation(conference=conference, acting_user=coordinator(setting)) == 6
    cancellations = list(OutboxMessage.objects.exclude(pk__in=before))
    for message in cancellations:
        assert message.purpose == "conference-cancellation"
        assert message.subject.startswith("Cancelled: conference")
        assert "has been cancelled" in message.body and "/invite/reply/" not in message.body
        calendar = calendar_of(message)
        assert calendar["method"] == "CANCEL"
        [event] = calendar.events
        assert (str(event["status"]), event["sequence"]) == ("CANCELLED", 1)
        assert str(event["uid"]) == f"{conference.public_id}@cpconf"
        assert message.attachments.get().content_type == "text/calendar; method=CANCEL"
    assert invitations_send_cancellation(conference=conference, acting_user=coordinator(setting)) == 0


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"status": ConferenceStatus.REQUESTED}, "only for a scheduled conference"),
        ({"starts_at": None, "ends_at": None}, "once the conference has a date"),
        ({"venue_kind": VenueKind.IN_PERSON, "venue_address": ""}, "once the conference has a place"),
    ],
)
def test_invitations_go_only_for_a_scheduled_conference_with_a_date_time_and_place(
    setting: Setting, change: dict[str, object], words: str
) -> None:
    invite_everyone(setting)
    for name, value in change.items():
        setattr(setting.conference, name, value)
    setting.conference.save()
    with pytest.raises(ValidationError, match=words):
        invitations_send(conference=setting.conference, acting_user=coordinator(setting))
    with pytest.raises(ValidationError, match=words):
        invitations_send_updates(conference=setting.conference, acting_user=coordinator(setting))
    assert not OutboxMessage.objects.exists()
    assert not Invitation.objects.filter(sent_sequence__isnull=False).exists()


def test_an_online_only_conference_needs_no_address(setting: Setting) -> None:
    invite_everyone(setting)
    setting.conference.venue_kind = VenueKind.ONLINE
    setting.conference.venue_address = ""
    setting.conference.save()
    assert invitations_send(conference=setting.conference, acting_user=coordinator(setting)).sent == 6
    [event] = calendar_of(OutboxMessage.objects.first()).events  # type: ignore[arg-type]
    assert str(event["location"]) == "Online"


def test_the_joining_details_go_only_to_secure_addresses(setting: Setting) -> None:
    invite_everyone(setting)
    invitations_send(conference=setting.conference, acting_user=coordinator(setting))
    messages = {message.recipient: message for message in OutboxMessage.objects.all()}
    secure = messages["morwenna.tilly@nhs.westmere.example"]
    assert secure.secure is True
    assert "https://meet.westmere.example/cp/7731 (passcode 448120)" in secure.body
    for recipient in ("caspar.holt@police.westmere.example", "sorrel.ashdown@mail.example"):
        message = messages[recipient]
        assert message.secure is False
        # The invitation itself still goes, as it names no child; only the way into the meeting is kept back.
        assert "Invitation to conference" in message.subject and "Wednesday 14 April 2027" in message.body
        assert "meet.westmere.example" not in message.body
        assert "the conference office will send you the joining details separately" in message.body
    for message in messages.values():
        assert b"meet.westmere.example" not in bytes(message.attachments.get().content)


def test_professionals_get_a_reply_link_and_parents_are_told_of_a_supporter(
    setting: Setting, settings: Settings
) -> None:
    settings.CPCONF_SITE_URL = "https://cpconf.westmere.example"
    invite_everyone(setting)
    invitations_send(conference=setting.conference, acting_user=coordinator(setting))
    messages = {message.recipient: message for message in OutboxMessage.objects.all()}
    professional = messages["caspar.holt@police.westmere.example"].body
    assert "\nhttps://cpconf.westmere.example/invite/reply/" in professional
    assert "written report for the conference, whether or not you attend" in professional
    parent = messages["sorrel.ashdown@mail.example"].body
    assert "/invite/reply/" not in parent
    assert "You can bring someone to support you at the conference" in parent
    assert parent.startswith("Dear Sorrel Ashdown,")


def test_the_worker_sends_the_calendar_file_as_a_calendar_invitation(setting: Setting) -> None:
    invitations_add(
        conference=setting.conference,
        acting_user=coordinator(setting),
        professionals=[setting.people["teacher"]],
    )
    invitations_send(conference=setting.conference, acting_user=coordinator(setting))
    run_worker()
    [email] = mail.outbox
    assert email.to == ["ivo.penhallow@brook.westmere.example"]
    [part] = [part for part in email.message().walk() if part.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "invitation.ics"
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert Calendar.from_ical(payload)["method"] == "REQUEST"


def test_the_conference_office_address_can_be_set(setting: Setting, settings: Settings) -> None:
    settings.CPCONF_CONFERENCE_OFFICE_EMAIL = "conferences@westmere.example"
    invitations_add(
        conference=setting.conference,
        acting_user=coordinator(setting),
        professionals=[setting.people["teacher"]],
    )
    invitations_send(conference=setting.conference, acting_user=coordinator(setting))
    message = OutboxMessage.objects.get()
    [event] = calendar_of(message).events
    assert str(event["organizer"]) == "mailto:conferences@westmere.example"
    assert event["organizer"].params["CN"] == "Westmere Test Council conference office"
    assert "conferences@westmere.example" in message.body


def test_withdrawing_someone_already_emailed_sends_them_a_cancellation(setting: Setting) -> None:
    [social_worker, teacher] = invitations_add(
        conference=setting.conference,
        acting_user=coordinator(setting),
        professionals=[setting.people["social_worker"], setting.people["teacher"]],
    )
    invitations_send(conference=setting.conference, acting_user=coordinator(setting))
    invitation_withdraw(invitation=teacher, acting_user=coordinator(setting), reason="Changed school.")
    last = OutboxMessage.objects.order_by("-pk").first()
    assert last is not None and last.recipient == teacher.email
    assert last.purpose == "conference-invitation-withdrawn"
    assert "You are no longer invited" in last.body
    assert calendar_of(last)["method"] == "CANCEL"
    # Someone never emailed is not emailed when withdrawn.
    count = OutboxMessage.objects.count()
    other = invitation_add_person(
        conference=setting.conference,
        acting_user=None,
        name="Ysolde Marchbank",
        email="y@mail.example",
        role="observer",
    )
    invitation_withdraw(invitation=other, acting_user=None)
    assert OutboxMessage.objects.count() == count
    assert social_worker.withdrawn_at is None


def test_an_invitee_whose_name_reads_like_a_childs_is_not_emailed(setting: Setting) -> None:
    # A parent who shares a child's full name: the boundary refuses, and nothing is half-sent.
    invitations_add(
        conference=setting.conference, acting_user=None, professionals=[setting.people["teacher"]]
    )
    invitation_add_person(
        conference=setting.conference,
        acting_user=None,
        name="Wren Ashdown",
        email="wren.senior@mail.example",
        role=InviteeRole.SUPPORTER,
    )
    with pytest.raises(ValidationError, match="would name one of the children"):
        invitations_send(conference=setting.conference, acting_user=coordinator(setting))
    assert not OutboxMessage.objects.exists()
    assert not Invitation.objects.filter(sent_sequence__isnull=False).exists()


def test_rebooking_through_scheduling_sends_an_update_and_cancelling_sends_a_cancellation(
    setting: Setting,
) -> None:
    # R-AF-4: the booking service itself sends the update when the date, time or place changes.
    from cpconf.conferences.services.scheduling import conference_cancel, conference_schedule

    invite_everyone(setting)
    invitations_send(conference=setting.conference, acting_user=coordinator(setting))
    OutboxMessage.objects.all().delete()
    conference = setting.conference
    assert conference.starts_at is not None and conference.ends_at is not None
    conference_schedule(
        conference=conference,
        starts_at=conference.starts_at + timedelta(hours=3),
        ends_at=conference.ends_at + timedelta(hours=3),
        venue_kind=conference.venue_kind,
        venue_address=conference.venue_address,
        joining_details=conference.joining_details,
        chair=conference.chair,
        minute_taker=conference.minute_taker,
        out_of_timescale_reason=conference.out_of_timescale_reason or "Booked late in the test setting.",
        change_reason="The chair is in court in the morning.",
        accept_clashes=True,
        acting_user=coordinator(setting),
    )
    updates = list(OutboxMessage.objects.all())
    assert len(updates) == 6
    event = calendar_of(updates[0]).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1
    assert event["UID"] == f"{conference.public_id}@cpconf"
    OutboxMessage.objects.all().delete()
    conference_cancel(
        conference=conference, reason="The family moved away.", acting_user=coordinator(setting)
    )
    cancellations = list(OutboxMessage.objects.all())
    assert len(cancellations) == 6
    assert str(calendar_of(cancellations[0])["METHOD"]) == "CANCEL"
