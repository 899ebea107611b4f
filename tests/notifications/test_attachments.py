"""Attachments (a calendar invitation) go with the content only, and messages that name no child
(``notify_naming_no_child``) go to any address as they are, refusing one that names a child (R-AF-5)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cpconf.access.models import AuditEntry
from cpconf.notifications.models import OutboxAttachment, OutboxMessage, OutboxStatus
from cpconf.notifications.services import Attachment, notify_about_child, notify_naming_no_child
from cpconf.people.models import Authority, Child
from tests import factories
from tests.notifications.conftest import run_worker

CALENDAR = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\n"
    b"BEGIN:VEVENT\r\nUID:test@cpconf\r\nSUMMARY:Conference CP-0000TEST\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
INVITATION = Attachment("invitation.ics", "text/calendar; method=REQUEST", CALENDAR)


def about_child(authority: Authority, child: Child, recipient: str) -> OutboxMessage:
    return notify_about_child(
        authority=authority,
        child=child,
        recipient_email=recipient,
        subject="Isolde Wrenhaven: review conference",
        body="Isolde Wrenhaven's review conference is on 3 December 2026.",
        sign_in_path=f"/children/{child.public_id}/",
        purpose="test",
        attachments=[INVITATION],
    )


def naming_no_child(
    authority: Authority, child: Child, recipient: str, *, body: str = "Conference CP-0000TEST."
) -> OutboxMessage:
    return notify_naming_no_child(
        authority=authority,
        recipient_email=recipient,
        subject="Invitation to conference CP-0000TEST",
        body=body,
        purpose="conference-invitation",
        children_not_named=[child],
        attachments=[INVITATION],
    )


def sent_calendar(email: mail.EmailMessage) -> tuple[str, str, bytes]:
    [part] = [part for part in email.message().walk() if part.get_content_type() == "text/calendar"]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return part.get_filename() or "", str(part.get_param("method") or ""), payload


def test_a_secure_address_receives_the_attachment_with_its_method(authority: Authority, child: Child) -> None:
    message = about_child(authority, child, "osric.pendleford@northbridge.example")
    assert message.attachments.count() == 1
    run_worker()
    [email] = mail.outbox
    filename, method, content = sent_calendar(email)
    assert (filename, method) == ("invitation.ics", "REQUEST")
    assert content.replace(b"\r\n", b"\n") == CALENDAR.replace(b"\r\n", b"\n")


def test_an_address_outside_the_secure_domains_gets_the_notice_and_no_attachment(
    authority: Authority, child: Child
) -> None:
    message = about_child(authority, child, "rufus.ashbury@police.northbridge.example")
    assert message.secure is False
    assert not OutboxAttachment.objects.filter(message=message).exists()  # not even kept
    run_worker()
    [email] = mail.outbox
    assert email.attachments == []
    assert "text/calendar" not in email.message().as_string()


def test_the_attachment_is_dropped_when_the_domain_stops_being_secure_before_sending(
    authority: Authority, child: Child
) -> None:
    message = about_child(authority, child, "tamsin.goldhawk@nhs.northbridge.example")
    assert message.attachments.count() == 1
    authority.secure_email_domains.filter(domain="nhs.northbridge.example").delete()
    run_worker()
    [email] = mail.outbox
    assert email.subject == "New information in Child protection conferences"
    assert "text/calendar" not in email.message().as_string()
    assert not OutboxAttachment.objects.filter(message=message).exists()


@pytest.mark.parametrize(
    ("recipient", "secure"),
    [("osric.pendleford@northbridge.example", True), ("ysolde.marchbank@mail.example", False)],
)
def test_a_message_naming_no_child_goes_as_it_is_to_any_address(
    authority: Authority, child: Child, recipient: str, secure: bool
) -> None:
    message = naming_no_child(authority, child, recipient)
    assert (message.secure, message.names_no_child, message.child) == (secure, True, None)
    run_worker()
    [email] = mail.outbox
    assert email.subject == "Invitation to conference CP-0000TEST"
    assert email.body == "Conference CP-0000TEST."
    assert sent_calendar(email)[0] == "invitation.ics"
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    # Who was emailed is in the history; what was said is not.
    entry = AuditEntry.objects.get(object_id=str(message.public_id))
    assert entry.after is not None and "body" not in entry.after and "subject" not in entry.after


def test_a_message_naming_no_child_is_not_swapped_for_the_notice_at_sending(
    authority: Authority, child: Child
) -> None:
    naming_no_child(authority, child, "tamsin.goldhawk@nhs.northbridge.example")
    authority.secure_email_domains.filter(domain="nhs.northbridge.example").delete()
    run_worker()
    [email] = mail.outbox
    assert email.subject == "Invitation to conference CP-0000TEST"
    assert sent_calendar(email)[0] == "invitation.ics"


@pytest.mark.parametrize(
    "body",
    [
        "About Isolde Wrenhaven.",
        "About ISOLDE WRENHAVEN.",
        "NHS number 9990001234.",
    ],
)
def test_a_message_that_names_a_child_is_refused(authority: Authority, body: str) -> None:
    child = factories.ChildFactory(
        authority=authority, given_name="Isolde", family_name="Wrenhaven", nhs_number="9990001234"
    )
    with pytest.raises(ValueError, match="names a child"):
        naming_no_child(authority, child, "osric.pendleford@northbridge.example", body=body)
    assert not OutboxMessage.objects.exists()


def test_a_child_named_in_the_attachment_or_by_known_as_is_refused(authority: Authority) -> None:
    child = factories.ChildFactory(
        authority=authority, given_name="Isolde", known_as="Izzy", family_name="Wrenhaven"
    )
    folded = Attachment(
        "invitation.ics", "text/calendar", b"SUMMARY:Conference about Isolde Wren\r\n haven\r\n"
    )
    for attachments, body in (([folded], "Conference."), ([], "Izzy Wrenhaven's conference.")):
        with pytest.raises(ValueError, match="names a child"):
            notify_naming_no_child(
                authority=authority,
                recipient_email="osric.pendleford@northbridge.example",
                subject="Conference",
                body=body,
                purpose="test",
                children_not_named=[child],
                attachments=attachments,
            )
    # The family name alone is not the child's name: a parent who shares it is addressed by it.
    naming_no_child(authority, child, "osric.pendleford@northbridge.example", body="Dear Oriel Wrenhaven,")


def test_a_message_naming_no_child_never_crosses_authorities(authority: Authority) -> None:
    elsewhere = factories.ChildFactory(given_name="Zephyrine", family_name="Calloway")
    with pytest.raises(ValueError, match="another authority"):
        naming_no_child(authority, elsewhere, "osric.pendleford@northbridge.example")


def test_a_bad_address_or_subject_is_refused(authority: Authority, child: Child) -> None:
    with pytest.raises(ValidationError):
        naming_no_child(authority, child, "not an address")
    with pytest.raises(ValueError, match="one line"):
        notify_naming_no_child(
            authority=authority,
            recipient_email="osric.pendleford@northbridge.example",
            subject="Two\nlines",
            body="Conference.",
            purpose="test",
            children_not_named=[child],
        )
    assert not OutboxMessage.objects.exists()
