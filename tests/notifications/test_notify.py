"""notify_about_child (R-AF-5): content only to secure addresses, a sign-in notice without it to anyone
else, queued in the caller's transaction and sent by the worker."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from cpconf.access.models import AuditEntry
from cpconf.notifications.models import OutboxMessage, OutboxStatus
from cpconf.notifications.secure import NOTICE_BODY, NOTICE_SUBJECT, sign_in_notice
from cpconf.notifications.services import notify_about_child
from cpconf.people.models import Authority, Child
from tests import factories
from tests.notifications.conftest import run_worker

BODY = "Isolde Wrenhaven's review conference is on 3 December 2026. Her mother has moved to 4 Heron Row."


def record_path(child: Child) -> str:
    return f"/children/{child.public_id}/"


def notify(authority: Authority, child: Child, recipient: str, **overrides: str) -> OutboxMessage:
    arguments = {
        "subject": "Isolde Wrenhaven: review conference",
        "body": BODY,
        "sign_in_path": record_path(child),
        "purpose": "test",
    }
    arguments.update(overrides)
    return notify_about_child(
        authority=authority,
        child=child,
        recipient_email=recipient,
        subject=arguments["subject"],
        body=arguments["body"],
        sign_in_path=arguments["sign_in_path"],
        purpose=arguments["purpose"],
    )


def test_a_secure_address_receives_the_content_and_a_link(
    authority: Authority, child: Child, settings: Settings
) -> None:
    settings.CPCONF_SITE_URL = "https://cpconf.northbridge.example"
    message = notify(authority, child, "osric.pendleford@northbridge.example")
    assert (message.secure, message.status, message.attempts) == (True, OutboxStatus.PENDING, 0)
    assert mail.outbox == []  # nothing leaves until the worker sends it
    run_worker()
    [email] = mail.outbox
    assert email.to == ["osric.pendleford@northbridge.example"]
    assert email.subject == "Isolde Wrenhaven: review conference"
    assert email.body == (
        f"{BODY}\n\nSign in to read more: https://cpconf.northbridge.example/children/{child.public_id}/\n"
    )
    assert email.extra_headers["Message-ID"] == f"<{message.public_id}@localhost>"
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.sent_at is not None and message.attempts == 1


def test_anyone_else_receives_only_a_notice_and_the_content_is_never_stored(
    authority: Authority, child: Child, settings: Settings
) -> None:
    settings.CPCONF_SITE_URL = "https://cpconf.northbridge.example"
    message = notify(authority, child, "rufus.ashbury@police.northbridge.example")
    link = f"https://cpconf.northbridge.example/children/{child.public_id}/"
    subject = "New information in Child protection conferences"
    body = f"There is new information for you in Child protection conferences. Sign in to read it: {link}"
    assert (message.secure, message.subject, message.body) == (False, subject, body)
    run_worker()
    [email] = mail.outbox
    assert (email.to, email.subject, email.body) == (
        ["rufus.ashbury@police.northbridge.example"],
        subject,
        body,
    )
    # The words meant for a secure address are nowhere in the database for this recipient.
    assert not OutboxMessage.objects.filter(body__contains="Heron Row").exists()
    assert not OutboxMessage.objects.filter(subject__contains="Wrenhaven").exists()


def test_the_message_and_its_task_roll_back_with_the_change_that_caused_them(
    authority: Authority, child: Child
) -> None:
    tasks_before = DBTaskResult.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(authority, child, "osric.pendleford@northbridge.example")
        raise RuntimeError("the change that caused the email failed")
    assert OutboxMessage.objects.count() == 0
    assert DBTaskResult.objects.count() == tasks_before
    run_worker()
    assert mail.outbox == []


def test_the_message_and_its_task_are_written_together(authority: Authority, child: Child) -> None:
    message = notify(authority, child, "osric.pendleford@northbridge.example")
    [task] = DBTaskResult.objects.filter(task_path="cpconf.notifications.tasks.outbox_send")
    assert task.args_kwargs == {"args": [str(message.public_id)], "kwargs": {}}  # the id, never the row


def test_the_childs_audit_history_says_who_was_emailed_but_not_what(
    authority: Authority, child: Child
) -> None:
    message = notify(authority, child, "rufus.ashbury@police.northbridge.example")
    entry = AuditEntry.objects.get(
        object_type="notifications.outboxmessage", object_id=str(message.public_id)
    )
    assert entry.child_public_id == child.public_id
    assert entry.after is not None
    assert entry.after["recipient"] == "rufus.ashbury@police.northbridge.example"
    assert entry.after["secure"] is False
    assert "subject" not in entry.after and "body" not in entry.after


def test_email_about_a_child_never_goes_through_another_authority(authority: Authority) -> None:
    elsewhere = factories.ChildFactory()
    with pytest.raises(ValueError, match="another authority"):
        notify(authority, elsewhere, "osric.pendleford@northbridge.example")
    assert OutboxMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("recipient", "overrides", "error"),
    [
        ("not an address", {}, ValidationError),
        ("osric@northbridge.example\nBcc: a@evil.example", {}, ValidationError),
        ("osric.pendleford@northbridge.example", {"subject": "Two\nlines"}, ValueError),
        ("osric.pendleford@northbridge.example", {"sign_in_path": "/children/?q=Isolde"}, ValueError),
    ],
)
def test_a_bad_address_subject_or_link_is_refused_before_anything_is_queued(
    authority: Authority, child: Child, recipient: str, overrides: dict[str, str], error: type[Exception]
) -> None:
    with pytest.raises(error):
        notify(authority, child, recipient, **overrides)
    assert OutboxMessage.objects.count() == 0


def test_a_message_about_no_one_child_can_still_be_sent(authority: Authority) -> None:
    # A conference covers all the children of a household (R-CH-1): the message is about all of them.
    message = notify_about_child(
        authority=authority,
        child=None,
        recipient_email="osric.pendleford@northbridge.example",
        subject="Conference invitation",
        body="You are invited.",
        sign_in_path="/children/",
        purpose="test",
    )
    assert message.child is None and message.secure is True


# R-AF-5 as a property: for any child's name in any content, someone outside the secure domains never
# receives it. They receive the notice, which is the same whatever the content.

names = st.text(alphabet=st.characters(categories=["L"]), min_size=2, max_size=20)
local_parts = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=20).filter(
    lambda part: not part.startswith(".") and not part.endswith(".") and ".." not in part
)
insecure_domains = st.sampled_from(
    [
        "gmail.example",
        "police.northbridge.example",
        "northbridge.example.evil.example",
        "evilnorthbridge.example",
        "nortbridge.example",
        "schools.northbridge.example",
    ]
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    given_name=names,
    family_name=names,
    before=st.text(max_size=200),
    after=st.text(max_size=200),
    local_part=local_parts,
    domain=insecure_domains,
)
def test_a_childs_name_never_reaches_an_address_outside_the_secure_domains(
    authority: Authority,
    given_name: str,
    family_name: str,
    before: str,
    after: str,
    local_part: str,
    domain: str,
) -> None:
    full_name = f"{given_name} {family_name}"
    notice = NOTICE_SUBJECT + NOTICE_BODY + "Child protection conferences https://127.0.0.1:8000/children/"
    # A name that is itself a word of the notice ("Sign", "Child") is in every notice, whatever the child.
    assume(given_name not in notice and family_name not in notice)
    assume(given_name.lower() not in local_part and family_name.lower() not in local_part)
    mail.outbox.clear()
    child = factories.ChildFactory(authority=authority, given_name=given_name, family_name=family_name)
    recipient = f"{local_part}@{domain}"
    message = notify_about_child(
        authority=authority,
        child=child,
        recipient_email=recipient,
        subject=f"About {full_name}"[:200].replace("\n", " ").replace("\r", " "),
        body=f"{before}{full_name}{after}",
        sign_in_path=f"/children/{child.public_id}/",
        purpose="property",
    )
    run_worker()
    [email] = mail.outbox
    # Exactly the notice, to exactly this person: nothing of the content can be in it. (Searching the raw
    # message for the name instead would also find "Ve" in "MIME-Version", or hex letters in an id.)
    assert email.to == [recipient]
    assert (email.subject, email.body) == sign_in_notice(url=message.sign_in_url)
    for name in (given_name, family_name):
        assert name not in email.subject and name not in email.body
    assert OutboxMessage.objects.filter(recipient=recipient, body__contains=full_name).count() == 0


def test_the_link_names_the_child_only_by_an_identifier(authority: Authority, child: Child) -> None:
    # The link names the child only by an identifier nobody can read a name from.
    message = notify(authority, child, "a@gmail.example")
    assert str(uuid.UUID(message.sign_in_url.rstrip("/").rsplit("/", 1)[1])) == str(child.public_id)
