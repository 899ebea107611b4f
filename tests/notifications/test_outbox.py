"""The outbox and its worker: a failure is recorded and retried later, never swallowed; a message is never
sent twice by two tasks; a crash between sending and recording means it is sent again (at least once,
docs/email.md); content goes only to an address that is secure when the message leaves."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from io import StringIO
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from cpconf import clock
from cpconf.notifications.checks import check_outbox_task_backend
from cpconf.notifications.models import OutboxMessage, OutboxStatus
from cpconf.notifications.services import notify_about_child
from cpconf.notifications.tasks import MAX_ATTEMPTS, RETRY_DELAYS, OutboxSendError, outbox_send
from cpconf.people.models import Authority, Child
from tests.notifications.conftest import run_worker

FAILING = "tests.notifications.test_outbox.FailingBackend"


class FailingBackend(BaseEmailBackend):
    """A mail server that has gone away."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise SMTPServerDisconnected("Connection unexpectedly closed")


def queue(
    authority: Authority, child: Child, recipient: str = "osric.pendleford@northbridge.example"
) -> OutboxMessage:
    return notify_about_child(
        authority=authority,
        child=child,
        recipient_email=recipient,
        subject="Isolde Wrenhaven: review conference",
        body="Isolde Wrenhaven's review conference is on 3 December 2026.",
        sign_in_path=f"/children/{child.public_id}/",
        purpose="test",
    )


def fail_mail(settings: Settings) -> None:
    settings.MAILERS = {"default": {"BACKEND": FAILING}}


def mend_mail(settings: Settings) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def test_a_failure_is_recorded_raised_and_retried_later(
    authority: Authority, child: Child, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    message = queue(authority, child)
    fail_mail(settings)
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert message.next_attempt_at > clock.now() + RETRY_DELAYS[0] - timedelta(seconds=5)
    # The retry is queued for later, not now.
    retry = DBTaskResult.objects.filter(task_path="cpconf.notifications.tasks.outbox_send").order_by(
        "-enqueued_at"
    )[0]
    assert retry.run_after == message.next_attempt_at
    assert "Email" in caplog.text and "will be tried again" in caplog.text
    # The mail server comes back; a minute later the retry sends it.
    mend_mail(settings)
    run_worker()
    assert mail.outbox == []  # not yet
    with time_machine.travel(clock.now() + RETRY_DELAYS[0] + timedelta(seconds=1)):
        run_worker()
    [email] = mail.outbox
    assert email.subject == "Isolde Wrenhaven: review conference"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, "")


def test_a_failed_attempt_raises(authority: Authority, child: Child, settings: Settings) -> None:
    message = queue(authority, child)
    fail_mail(settings)
    with pytest.raises(OutboxSendError, match=r"was not sent \(attempt 1 of 6\)") as raised:
        outbox_send.call(str(message.public_id))
    assert isinstance(raised.value.__cause__, SMTPServerDisconnected)


def test_the_worker_marks_a_failed_attempts_task_failed_too(
    authority: Authority, child: Child, settings: Settings
) -> None:
    # Never swallowed: the task result says it failed, as well as the message.
    message = queue(authority, child)
    fail_mail(settings)
    run_worker()
    first = DBTaskResult.objects.get(
        args_kwargs={"args": [str(message.public_id)], "kwargs": {}}, status="FAILED"
    )
    assert first.exception_class_path == "cpconf.notifications.tasks.OutboxSendError"
    assert "SMTPServerDisconnected" in first.traceback


def test_after_the_last_attempt_the_message_waits_for_an_operator(
    authority: Authority, child: Child, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    message = queue(authority, child)
    fail_mail(settings)
    moment = clock.now()
    with caplog.at_level(logging.WARNING):
        for delay in (timedelta(0), *RETRY_DELAYS):
            moment += delay + timedelta(seconds=1)
            with time_machine.travel(moment):
                run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert "failed 6 times and will not be retried" in caplog.text
    # Nothing more is queued for it.
    with time_machine.travel(moment + timedelta(days=2)):
        assert DBTaskResult.objects.filter(status="READY").count() == 0
    # The operator sees it, without its subject or body, and retries it once the mail server is mended.
    output = StringIO()
    call_command("outbox", stdout=output)
    report = output.getvalue()
    assert "Failed: 1" in report
    assert f"Failed: {message.public_id} to osric.pendleford@northbridge.example" in report
    assert "6 attempts; last error: SMTPServerDisconnected" in report
    assert "Wrenhaven" not in report
    mend_mail(settings)
    call_command("outbox", "--retry-failed", stdout=StringIO())
    run_worker()
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)


def test_a_message_is_never_sent_twice_by_two_tasks(authority: Authority, child: Child) -> None:
    message = queue(authority, child)
    outbox_send.enqueue(str(message.public_id))  # a second task for the same message
    run_worker()
    assert len(mail.outbox) == 1
    assert outbox_send.call(str(message.public_id)) == "not waiting"
    assert len(mail.outbox) == 1


def test_a_task_for_a_message_that_does_not_exist_does_nothing(db: None) -> None:
    assert outbox_send.call("00000000-0000-4000-8000-000000000000") == "not waiting"
    assert mail.outbox == []


def test_a_crash_after_sending_means_the_message_is_sent_again(authority: Authority, child: Child) -> None:
    # At least once (docs/email.md): the mail server has the message, but the transaction that would
    # record it as sent never commits (here: the row cannot be saved, as in a worker killed mid-task).
    message = queue(authority, child)
    with (
        mock.patch.object(OutboxMessage, "save", side_effect=RuntimeError("worker killed")),
        pytest.raises(RuntimeError),
    ):
        outbox_send.call(str(message.public_id))
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    # Its task was taken and lost; once it is overdue, `cpconf outbox --requeue` queues it again.
    DBTaskResult.objects.filter(status="READY").delete()
    with time_machine.travel(clock.now() + timedelta(minutes=16)):
        output = StringIO()
        call_command("outbox", stdout=output)
        assert "Overdue (their task may have been lost; run with --requeue): 1" in output.getvalue()
        call_command("outbox", "--requeue", stdout=output)
        assert "Queued again: 1." in output.getvalue()
        run_worker()
    assert len(mail.outbox) == 2
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]  # recognisably one
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


def test_requeueing_leaves_a_message_whose_retry_is_still_to_come(
    authority: Authority, child: Child, settings: Settings
) -> None:
    message = queue(authority, child)
    fail_mail(settings)
    run_worker()
    # Its retry is due in a minute: however long the retry is late, requeueing leaves it alone until
    # it is overdue by the quarter of an hour that marks a lost task.
    output = StringIO()
    with time_machine.travel(clock.now() + RETRY_DELAYS[0] + timedelta(minutes=10)):
        call_command("outbox", "--requeue", stdout=output)
    assert "Queued again: 0." in output.getvalue()
    message.refresh_from_db()
    assert message.attempts == 1


def test_content_goes_only_to_an_address_that_is_secure_when_it_leaves(
    authority: Authority, child: Child
) -> None:
    message = queue(authority, child, "tamsin.goldhawk@nhs.northbridge.example")
    assert message.secure is True
    # The authority stops trusting the domain before the worker gets to the message.
    authority.secure_email_domains.filter(domain="nhs.northbridge.example").delete()
    run_worker()
    [email] = mail.outbox
    assert email.subject == "New information in Child protection conferences"
    assert "Wrenhaven" not in email.body and "Sign in to read it" in email.body
    message.refresh_from_db()
    assert (message.secure, message.status) == (False, OutboxStatus.SENT)
    assert "Wrenhaven" not in message.subject + message.body


def test_the_outbox_needs_the_database_task_backend(settings: Settings) -> None:
    assert check_outbox_task_backend(None) == []
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    [error] = check_outbox_task_backend(None)
    assert error.id == "notifications.E001"


def test_the_report_counts_every_status(authority: Authority, child: Child) -> None:
    queue(authority, child)
    output = StringIO()
    call_command("outbox", stdout=output)
    assert output.getvalue().splitlines() == ["Waiting to be sent: 1", "Sent: 0", "Failed: 0"]
