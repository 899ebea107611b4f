"""Sending the outbox, in the worker (`cpconf db_worker`; docs/email.md).

``outbox_send`` takes the message's public identifier (an id, never the row: tasks are JSON), locks the
row, sends it through Django's default mailer and marks it sent **in the same transaction**. A second
task for the same message waits for the lock and then finds it sent, so two workers never both send it.

Delivery is **at least once**. If the worker dies after the mail server has accepted the message but
before the transaction commits, the row is still pending and a later task (`cpconf outbox --requeue`)
sends it again: the same words to the same person, under the same Message-ID, which many mail systems
treat as one. The other choice, at most once (mark it sent, commit, then send), would lose the message
in the same crash, and a lost alert that a child's record was opened in an emergency is worse than a
repeated one. Holding the lock while the mail server answers costs nothing on PostgreSQL (one row); on
SQLite it holds the single write lock for up to ``EMAIL_TIMEOUT``, one of the reasons production runs on
PostgreSQL.

A failed attempt is recorded on the row (the error, the count), retried later on a growing delay, and
raised, so that the task itself is marked failed and the worker logs it: a failure is never swallowed
(libraries note 2.8). After the last attempt the message is marked failed and waits for an operator.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from email.message import Message, MIMEPart
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task

from cpconf import clock
from cpconf.notifications.models import OutboxAttachment, OutboxMessage, OutboxStatus
from cpconf.notifications.secure import is_secure_address, sign_in_notice

logger = logging.getLogger(__name__)

# How long to wait after each failed attempt; after the last, the message is marked failed. About nine
# hours in all: long enough to ride out a mail server's bad night, short enough that someone notices.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1

# Kept on the row: enough to diagnose, short enough for a list.
ERROR_MAX_LENGTH = 1000


class OutboxSendError(Exception):
    """An attempt to send an outbox message failed; the row says how, and whether it will be retried."""


def _message_id(message: OutboxMessage) -> str:
    """The same Message-ID on every attempt, so that a repeat after a crash can be recognised as one."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "cpconf.invalid"
    return f"<{message.public_id}@{domain}>"


def _mime_part(attachment: OutboxAttachment) -> MIMEPart:
    """The attachment as a MIME part with its whole Content-Type, parameters included: a calendar
    client acts on "text/calendar; method=REQUEST" only with its method."""
    header = Message()
    header["Content-Type"] = attachment.content_type
    maintype, subtype = header.get_content_maintype(), header.get_content_subtype()
    params = {name: value for name, value in (header.get_params() or [])[1:] if isinstance(value, str)}
    content = bytes(attachment.content)
    part = MIMEPart()
    if maintype == "text":
        part.set_content(
            content.decode("utf-8"),
            subtype=subtype,
            charset="utf-8",
            disposition="attachment",
            filename=attachment.filename,
            params=params,
        )
    else:
        part.set_content(
            content,
            maintype=maintype,
            subtype=subtype,
            disposition="attachment",
            filename=attachment.filename,
            params=params,
        )
    return part


def _deliver(message: OutboxMessage) -> None:
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.recipient],
        headers={"Message-ID": _message_id(message), "Auto-Submitted": "auto-generated"},
    )
    for attachment in message.attachments.all():
        email.attach(_mime_part(attachment))
    if email.send() != 1:
        raise OutboxSendError("The mail backend did not accept the message.")


def _keep_content_only_for_secure_addresses(message: OutboxMessage) -> None:
    """R-AF-5 at the moment of sending: if the recipient's domain stopped being secure after the message
    was queued, they receive the sign-in notice instead of the content, and no attachment (which is
    content too, so it is deleted rather than kept for them). A message that names no child
    (``notify_naming_no_child``) may go to any address, so it goes as it is."""
    if message.names_no_child:
        return
    if message.secure and not is_secure_address(authority=message.authority, email_address=message.recipient):
        message.subject, message.body = sign_in_notice(url=message.sign_in_url)
        message.secure = False
        message.attachments.all().delete()


def _record_failure(message: OutboxMessage, error: Exception) -> None:
    message.last_error = f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
        logger.error(
            "Email %s failed %d times and will not be retried: %s. Run `cpconf outbox` to see it.",
            message.public_id,
            message.attempts,
            type(error).__name__,
        )
        return
    message.next_attempt_at = clock.now() + RETRY_DELAYS[message.attempts - 1]
    # Queued in this transaction, so the retry exists exactly when the failure is recorded.
    outbox_send.using(run_after=message.next_attempt_at).enqueue(str(message.public_id))
    logger.warning(
        "Email %s failed (attempt %d of %d): %s. It will be tried again.",
        message.public_id,
        message.attempts,
        MAX_ATTEMPTS,
        type(error).__name__,
    )


@task
def outbox_send(message_id: str) -> str:
    """Send one outbox message, if it is still waiting (R-AF-5); at least once, never twice at once."""
    failure: Exception | None = None
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .select_related("authority")
            .filter(public_id=message_id)
            .first()
        )
        # Already sent (a repeated task), failed for good, or never committed: nothing to do.
        if message is None or message.status != OutboxStatus.PENDING:
            return "not waiting"
        # A second task for a message whose retry is still to come (a re-queue while the first waited):
        # the retry's own task sends it, so the back-off is kept and attempts are not used up twice.
        if message.next_attempt_at > clock.now():
            return "not due"
        _keep_content_only_for_secure_addresses(message)
        message.attempts += 1
        try:
            _deliver(message)
        except Exception as error:  # any failure of the mail backend: recorded, retried and raised below
            failure = error
            _record_failure(message, error)
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = clock.now()
            message.last_error = ""
        message.save()
    if failure is not None:
        raise OutboxSendError(
            f"Email {message_id} was not sent (attempt {message.attempts} of {MAX_ATTEMPTS})."
        ) from failure
    return "sent"
