"""The one way the product emails anything about a child (R-AF-5: "electronically only to a secure email
address"), and the operator's ways to recover the outbox. See docs/email.md.

``notify_about_child`` decides for each recipient: an address at one of the authority's secure email
domains receives the content; anyone else receives a sign-in notice that says nothing about the child,
not even in the subject. Either way it writes one outbox row and queues the task that sends it, both in
the caller's transaction: if the change that caused the email is rolled back, no email goes.

Secure domains are matched **exactly** (case aside): ``nhs.northbridge.example`` is not trusted because
``northbridge.example`` is. A secure email domain is an accredited mail system, and a subdomain may be
another system entirely, so each one is listed on its own (deny by default: security note §0).

``notify_naming_no_child`` is the one other way, for a message built so that it names no child and holds
nothing from a child's record (a conference invitation, which gives the conference's reference, time and
place): it goes to any address as it is, since a parent or an advocate must receive their invitation at
whatever address they have. The caller names the children it is about and the boundary refuses a message
that names one of them. Either function can carry attachments (a calendar invitation), which go only with
the content: a recipient who gets the sign-in notice gets no attachment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet

from cpconf import clock
from cpconf.access.log import audit_record, audit_snapshot
from cpconf.notifications.models import OutboxAttachment, OutboxMessage, OutboxStatus
from cpconf.notifications.secure import is_secure_address, sign_in_notice, sign_in_url
from cpconf.notifications.tasks import outbox_send
from cpconf.people.models import Authority, Child, User

# After the content, for someone at a secure domain.
CONTENT_FOOTER = "Sign in to read more: {url}"

# A pending message whose next attempt is this far overdue lost its task (a worker stopped mid-send).
STALE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class Attachment:
    """A file to send with a message: its name, its whole Content-Type ("text/calendar; method=REQUEST")
    and its bytes (text as UTF-8)."""

    filename: str
    content_type: str
    content: bytes


def _check_subject(subject: str) -> None:
    if "\n" in subject or "\r" in subject:
        raise ValueError("An email's subject is one line.")


def _save_attachments(message: OutboxMessage, attachments: Sequence[Attachment]) -> None:
    for attachment in attachments:
        if "/" not in attachment.content_type:
            raise ValueError(f"{attachment.content_type!r} is not a Content-Type such as text/calendar.")
        row = OutboxAttachment(
            message=message,
            filename=attachment.filename,
            content_type=attachment.content_type,
            content=attachment.content,
        )
        row.full_clean()
        row.save()


def _audit_and_queue(message: OutboxMessage, acting_user: User | None) -> None:
    # Who was emailed, and whether the content went; not the content itself.
    after = {key: value for key, value in audit_snapshot(message).items() if key not in {"subject", "body"}}
    audit_record(actor=acting_user, action="create", instance=message, before=None, after=after)
    # The task row is written by the database task backend in this same transaction (checks.py makes
    # sure that is the backend): it commits with the message, or neither exists.
    outbox_send.enqueue(str(message.public_id))


@transaction.atomic
def notify_about_child(
    *,
    authority: Authority,
    child: Child | None,
    recipient_email: str,
    subject: str,
    body: str,
    sign_in_path: str,
    purpose: str,
    attachments: Sequence[Attachment] = (),
    acting_user: User | None = None,
) -> OutboxMessage:
    """Email one person about a child: the content if their address is at a secure domain, otherwise a
    sign-in notice without it (R-AF-5). Queued in the caller's transaction; sent by the worker.

    ``child`` is the child it is about (None for a message about several, such as a conference), kept so
    the child's history shows who was emailed. ``purpose`` is a short name for why ("emergency-access-alert").
    ``attachments`` go with the content only: they are not kept for someone who receives the notice.
    """
    recipient = recipient_email.strip()
    validate_email(recipient)
    if child is not None and child.authority_id != authority.pk:
        raise ValueError(
            "The child belongs to another authority: email about a child never crosses authorities."
        )
    _check_subject(subject)
    url = sign_in_url(sign_in_path)
    secure = is_secure_address(authority=authority, email_address=recipient)
    if secure:
        sent_subject, sent_body = subject, f"{body.rstrip()}\n\n{CONTENT_FOOTER.format(url=url)}\n"
    else:
        # The content is not kept for this recipient at all: the row holds only what they receive.
        sent_subject, sent_body = sign_in_notice(url=url)
    now = clock.now()
    message = OutboxMessage(
        authority=authority,
        child=child,
        purpose=purpose,
        recipient=recipient,
        secure=secure,
        subject=sent_subject,
        body=sent_body,
        sign_in_url=url,
        created_at=now,
        next_attempt_at=now,
    )
    message.full_clean()
    message.save()
    if secure:
        _save_attachments(message, attachments)
    _audit_and_queue(message, acting_user)
    return message


def _names_of(child: Child) -> set[str]:
    """How a message could name a child: their full name, the name they are known by with their family
    name, and their NHS number. (Not the family name alone: a parent invited shares it.)"""
    names = {child.full_name}
    if child.known_as:
        names.add(f"{child.known_as} {child.family_name}")
    if child.nhs_number:
        names.add(child.nhs_number)
    return {name.casefold() for name in names if name.strip()}


@transaction.atomic
def notify_naming_no_child(
    *,
    authority: Authority,
    recipient_email: str,
    subject: str,
    body: str,
    purpose: str,
    children_not_named: Iterable[Child],
    attachments: Sequence[Attachment] = (),
    acting_user: User | None = None,
) -> OutboxMessage:
    """Email one person a message that names no child, such as a conference invitation given by the
    conference's reference, to any address as it is (docs/email.md, "Invitations").

    ``children_not_named`` are the children the message is about: a message whose subject, body or text
    attachments name one of them (full name, known-as name, NHS number) is refused with ``ValueError``,
    since it would then be content about a child for an address that may not be secure (R-AF-5). Whether
    the address was secure is still recorded. Queued in the caller's transaction; sent by the worker.
    """
    recipient = recipient_email.strip()
    validate_email(recipient)
    _check_subject(subject)
    texts = [subject, body]
    texts.extend(
        attachment.content.decode("utf-8", errors="replace")
        for attachment in attachments
        if attachment.content_type.startswith("text/")
    )
    # iCalendar folds long lines at 75 octets with CRLF and a space: unfold before looking.
    searched = " ".join(text.replace("\r\n ", "").replace("\n ", "") for text in texts).casefold()
    for child in children_not_named:
        if child.authority_id != authority.pk:
            raise ValueError(
                "The child belongs to another authority: email about a child never crosses authorities."
            )
        if any(name in searched for name in _names_of(child)):
            raise ValueError("This message names a child, so it may go only through notify_about_child.")
    now = clock.now()
    message = OutboxMessage(
        authority=authority,
        child=None,
        purpose=purpose,
        recipient=recipient,
        secure=is_secure_address(authority=authority, email_address=recipient),
        names_no_child=True,
        subject=subject,
        body=body,
        sign_in_url="",
        created_at=now,
        next_attempt_at=now,
    )
    message.full_clean()
    message.save()
    _save_attachments(message, attachments)
    _audit_and_queue(message, acting_user)
    return message


def outbox_stale(*, overdue: datetime) -> QuerySet[OutboxMessage]:
    """Pending messages whose attempt was due before ``overdue``: their task was probably lost."""
    return OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lt=overdue)


def outbox_requeue_stale() -> int:
    """Queue again every pending message whose attempt is long overdue: its task was lost when a worker
    stopped in the middle of sending (docs/email.md). Returns how many."""
    count = 0
    overdue = clock.now() - STALE_AFTER
    for public_id in outbox_stale(overdue=overdue).values_list("public_id", flat=True):
        with transaction.atomic():
            # Claim it first, still overdue, so that two runs at once do not both queue it.
            claimed = OutboxMessage.objects.filter(
                public_id=public_id, status=OutboxStatus.PENDING, next_attempt_at__lt=overdue
            ).update(next_attempt_at=clock.now())
            if not claimed:
                continue
            outbox_send.enqueue(str(public_id))
        count += 1
    return count


def outbox_retry_failed() -> int:
    """Give every failed message a fresh set of attempts, once the cause (a mail server, an address) has
    been put right. Returns how many."""
    count = 0
    for public_id in OutboxMessage.objects.filter(status=OutboxStatus.FAILED).values_list(
        "public_id", flat=True
    ):
        with transaction.atomic():
            OutboxMessage.objects.filter(public_id=public_id, status=OutboxStatus.FAILED).update(
                status=OutboxStatus.PENDING, attempts=0, next_attempt_at=clock.now()
            )
            outbox_send.enqueue(str(public_id))
        count += 1
    return count
