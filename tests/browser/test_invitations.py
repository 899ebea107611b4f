"""Invitations in a real browser: the coordinator invites people from the suggestions and sends the
invitations; a police officer replies through the link in their email, with no account, sending a
colleague. No WCAG 2.2 AA violations on any page along the way, errors included."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from cpconf.conferences.models import Invitation, Reply
from cpconf.notifications.models import OutboxMessage
from tests.access.conftest import World, build_world
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.web.html import page_title

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


def test_the_coordinator_invites_and_sends_and_a_professional_replies_through_the_link(
    page: Page, live_server: LiveServer, world: World
) -> None:
    conference = world.conferences["elowen"]
    sign_in_as(page, live_server, world.user("chair"))
    page.goto(f"{live_server.url}/conferences/{conference.public_id}/invitations/")
    expect(page).to_have_title(page_title(f"Invitations to conference {conference.reference}"))
    expect(page.locator(".govuk-warning-text")).to_contain_text("Nobody is invited yet from")
    assert_accessible(page)

    # Nothing ticked: the error summary, and the page stays accessible.
    page.get_by_role("button", name="Invite the people selected").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select at least one person to invite")
    assert_accessible(page)

    # The social worker and the health visitor from the suggestions, and a police officer chosen.
    page.get_by_label("Lucan Marwood").check()
    page.get_by_label("Tamsin Goldhawk").check()
    page.get_by_label("Someone from the police").select_option(
        label="Rufus Ashbury, Detective constable, Northbridge Test Police Protection Unit"
    )
    page.get_by_role("button", name="Invite the people selected").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Invited: Lucan Marwood, Tamsin Goldhawk, Rufus Ashbury."
    )
    assert_accessible(page)

    page.get_by_role("button", name="Send invitations").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Invitations sent: 3 emails.")
    # Elowen's mother has no email address: the page says to invite her another way.
    expect(page.locator("main")).to_contain_text("Morwen Fairbrass has no email address")
    assert_accessible(page)

    # Her details: record how she was invited, a reply by phone, and the withdrawal page.
    page.get_by_role("link", name="Details of the invitation to Morwen Fairbrass").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Morwen Fairbrass")
    assert_accessible(page)
    page.get_by_role("button", name="Save how they were invited").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter how they were invited")
    assert_accessible(page)
    page.get_by_label("How were they invited?").fill("By letter, handed over by her social worker")
    page.get_by_role("button", name="Save how they were invited").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Saved how Morwen Fairbrass")
    page.get_by_role("link", name="Details of the invitation to Morwen Fairbrass").click()
    page.get_by_role("link", name=re.compile("Record a reply")).click()
    assert_accessible(page)
    page.get_by_role("button", name="Save the reply").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whether they will attend")
    assert_accessible(page)
    page.get_by_label("Will attend").check()
    page.get_by_label("How did the reply come?").fill("By phone")
    page.get_by_role("button", name="Save the reply").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Saved Morwen Fairbrass's reply"
    )
    page.get_by_role("link", name="Details of the invitation to Morwen Fairbrass").click()
    page.get_by_role("link", name=re.compile("Withdraw the invitation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw the invitation to Morwen Fairbrass")
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()

    # Someone else, by name: the form and its errors.
    page.get_by_role("link", name=re.compile("Invite someone else")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite someone else")
    assert_accessible(page)
    page.get_by_role("button", name="Invite them").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the person's full name")
    assert_accessible(page)

    # The police officer replies from the link in their email, in a browser with no session.
    rufus = Invitation.objects.get(conference=conference, name="Rufus Ashbury")
    message = OutboxMessage.objects.get(recipient=rufus.email)
    found = re.search(r"/invite/reply/[^/\s]+/", message.body)
    assert found is not None
    reply = page.context.browser.new_context(bypass_csp=True).new_page()  # type: ignore[union-attr]
    reply.goto(f"{live_server.url}{found.group(0)}")
    expect(reply.get_by_role("heading", level=1)).to_have_text("Reply to your invitation")
    expect(reply.locator("main")).to_contain_text(conference.reference)
    expect(reply.locator("main")).not_to_contain_text("Elowen")
    assert_accessible(reply)
    reply.get_by_label("I am sending a colleague who knows the family").check()
    reply.get_by_role("button", name="Send your reply").click()
    expect(reply.locator(".govuk-error-summary")).to_contain_text(
        "Enter the name of the colleague who will attend"
    )
    assert_accessible(reply)
    reply.get_by_label("Your colleague's full name").fill("Juno Pell")
    reply.get_by_label("Your colleague's email address").fill("juno.pell@police.northbridge.example")
    reply.get_by_role("button", name="Send your reply").click()
    expect(reply.locator(".govuk-panel")).to_contain_text("Reply recorded")
    assert_accessible(reply)
    rufus.refresh_from_db()
    assert (rufus.reply, rufus.colleague_name) == (Reply.SENDING_COLLEAGUE, "Juno Pell")

    # A link that was changed: a plain page.
    reply.goto(f"{live_server.url}/invite/reply/not-a-real-token/")
    expect(reply.get_by_role("heading", level=1)).to_have_text("This link does not work")
    assert_accessible(reply)
    reply.context.close()  # nothing left loading once the test's database goes

    # Back on the list, the coordinator sees the reply.
    page.goto(f"{live_server.url}/conferences/{conference.public_id}/invitations/")
    expect(page.locator("main")).to_contain_text("Sending Juno Pell")
    assert_accessible(page)
