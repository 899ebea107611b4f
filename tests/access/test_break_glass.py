"""Opening a record in an emergency (break glass, issue item 4), through the page: a search of the person's
own authority, a reason, a time limit, the safeguarding managers alerted through secure email only, every
read marked for review; and nothing withheld from everyone but named recipients is revealed."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.test import Client
from pytest_django.fixtures import Settings

from cpconf import clock
from cpconf.access.gateways import EMERGENCY_ACCESS
from cpconf.access.models import AccessEntry, AuditEntry, BreakGlassGrant, EmergencySearch
from cpconf.access.rules import VIEW_CHILD, VIEW_CONFIDENTIAL_CONTACT_DETAILS, may
from cpconf.access.services import (
    FAILED_SEARCH_LIMIT,
    FAILED_SEARCH_LOCK,
    NO_MATCH,
    TOO_MANY_FAILED,
    EmergencyOutcome,
    break_glass_open,
    emergency_search_locked_until,
)
from cpconf.notifications.models import OutboxMessage
from cpconf.people.demo_data import nhs_number_in_test_range
from cpconf.people.models import AgencyType, Child, Professional, Role
from cpconf.people.views import access_ends_in_words
from tests import factories
from tests.access.conftest import World
from tests.notifications.conftest import run_worker
from tests.web.html import page_title

URL = "/children/emergency-access/"
REASON = "Jago was brought to the station by a neighbour at 2am; checking who holds parental responsibility."


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def open_in_emergency(client: Client, **fields: str) -> HttpResponse:
    data = {
        "nhs_number": "",
        "given_name": "",
        "family_name": "",
        "date_of_birth_day": "",
        "date_of_birth_month": "",
        "date_of_birth_year": "",
        "reason": REASON,
        "confirm": "yes",
    }
    data.update(fields)
    return client.post(URL, data)


def by_name_and_birthday(child: Child) -> dict[str, str]:
    assert child.date_of_birth is not None
    born = child.date_of_birth
    return {
        "given_name": child.given_name,
        "family_name": child.family_name,
        "date_of_birth_day": str(born.day),
        "date_of_birth_month": str(born.month),
        "date_of_birth_year": str(born.year),
    }


def record_url(child: Child) -> str:
    return f"/children/{child.public_id}/"


@pytest.fixture(autouse=True)
def empty_outbox() -> None:
    mail.outbox.clear()


# Opening a record


def test_police_officer_opens_a_record_by_nhs_number_for_three_hours(world: World) -> None:
    client = world.client_for("police_officer")
    assert client.get(record_url(world.brother)).status_code == 404
    before = clock.now()
    response = open_in_emergency(client, nhs_number=world.brother.nhs_number)
    assert response.status_code == 302
    assert response["Location"] == record_url(world.brother)
    grant = BreakGlassGrant.objects.get(child=world.brother)
    assert grant.user == world.user("police_officer")
    assert grant.reason == REASON
    assert grant.found_by == EmergencySearch.NHS_NUMBER
    assert before <= grant.started_at <= clock.now()
    assert grant.expires_at - grant.started_at == timedelta(hours=3)
    # The record is open to her now, with a banner saying until when.
    page = client.get(record_url(world.brother))
    assert page.status_code == 200
    words = text(page.content.decode())
    assert "Emergency access" in words
    ends = access_ends_in_words(grant.expires_at, clock.now())
    assert f"You opened this record in an emergency. Access ends at {ends}." in words
    assert "Jago Fairbrass" in words


def test_a_record_is_found_by_full_name_and_date_of_birth_whatever_the_case(world: World) -> None:
    client = world.client_for("police_officer")
    details = by_name_and_birthday(world.brother) | {"given_name": "JAGO", "family_name": " fairbrass "}
    response = open_in_emergency(client, **details)
    assert response.status_code == 302
    grant = BreakGlassGrant.objects.get(child=world.brother)
    assert grant.found_by == EmergencySearch.NAME_AND_DATE_OF_BIRTH


def test_the_nhs_number_can_be_typed_with_spaces(world: World) -> None:
    number = world.brother.nhs_number
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    response = open_in_emergency(world.client_for("police_officer"), nhs_number=spaced)
    assert response.status_code == 302


def test_opening_writes_the_audit_history_and_the_access_log_with_the_reason(world: World) -> None:
    open_in_emergency(world.client_for("police_officer"), nhs_number=world.brother.nhs_number)
    grant = BreakGlassGrant.objects.get(child=world.brother)
    audit = AuditEntry.objects.get(object_type="access.breakglassgrant", object_id=str(grant.public_id))
    assert (audit.action, audit.actor, audit.child_public_id) == (
        "create",
        world.user("police_officer"),
        world.brother.public_id,
    )
    assert audit.after is not None and audit.after["reason"] == REASON
    opened = AccessEntry.objects.get(what=EMERGENCY_ACCESS, allowed=True)
    assert (opened.child_public_id, opened.object_id, opened.reason) == (
        world.brother.public_id,
        grant.public_id,
        REASON,
    )
    assert opened.request_path == URL


def test_every_read_while_it_lasts_is_marked_as_emergency_access(world: World) -> None:
    client = world.client_for("police_officer")
    open_in_emergency(client, nhs_number=world.brother.nhs_number)
    grant = BreakGlassGrant.objects.get(child=world.brother)
    client.get(record_url(world.brother))
    client.get(record_url(world.brother))
    reads = AccessEntry.objects.filter(child_public_id=world.brother.public_id, what="child-record-emergency")
    assert reads.count() == 2
    assert {(read.reason, read.object_id, read.allowed) for read in reads} == {
        (REASON, grant.public_id, True)
    }


def test_the_alert_goes_to_the_safeguarding_manager_with_who_which_why_and_until_when(
    world: World, settings: Settings
) -> None:
    settings.CPCONF_SITE_URL = "https://cpconf.northbridge.example"
    open_in_emergency(world.client_for("police_officer"), nhs_number=world.brother.nhs_number)
    grant = BreakGlassGrant.objects.get(child=world.brother)
    assert mail.outbox == []  # sent by the worker, after the access has committed
    run_worker()
    [email] = mail.outbox
    assert email.to == ["osric.pendleford@northbridge.example"]  # a secure address
    assert email.subject == "A child's record was opened in an emergency"  # no name, even here
    body = email.body
    assert "Rufus Ashbury (Detective constable, Northbridge Test Police Protection Unit)" in body
    assert "opened Jago Fairbrass's record in an emergency on" in body
    assert REASON in body
    assert f"They can see the record until {clock.time_in_words(grant.expires_at)}." in body
    assert f"https://cpconf.northbridge.example/children/{world.brother.public_id}/access/" in body


def test_a_manager_with_an_unusable_address_does_not_stop_the_record_opening_or_the_other_alerts(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    # The emergency comes first: one bad address (from an import, say) must not block everyone.
    social_care = world.professionals["safeguarding_manager"].agency
    broken = factories.ProfessionalFactory(agency=social_care, roles=[Role.SAFEGUARDING_MANAGER])
    Professional.objects.filter(pk=broken.pk).update(email="not an email address")
    response = open_in_emergency(world.client_for("police_officer"), nhs_number=world.brother.nhs_number)
    assert response.status_code == 302
    assert BreakGlassGrant.objects.filter(child=world.brother).exists()
    run_worker()
    assert [email.to for email in mail.outbox] == [["osric.pendleford@northbridge.example"]]
    assert f"safeguarding manager {broken.public_id} could not be alerted" in caplog.text


def test_a_safeguarding_manager_outside_the_secure_domains_gets_a_notice_without_the_child(
    world: World,
) -> None:
    social_care = world.professionals["safeguarding_manager"].agency
    factories.ProfessionalFactory(
        agency=social_care,
        user__email="nia.corrow@personal-mail.example",
        roles=[Role.SAFEGUARDING_MANAGER],
    )
    open_in_emergency(world.client_for("police_officer"), nhs_number=world.brother.nhs_number)
    run_worker()
    by_recipient = {email.to[0]: email for email in mail.outbox}
    assert set(by_recipient) == {"osric.pendleford@northbridge.example", "nia.corrow@personal-mail.example"}
    notice = by_recipient["nia.corrow@personal-mail.example"]
    assert notice.subject == "New information in Child protection conferences"
    assert notice.body == (
        "There is new information for you in Child protection conferences. Sign in to read it: "
        f"http://127.0.0.1:8000/children/{world.brother.public_id}/access/"
    )
    for detail in ("Jago", "Fairbrass", "Rufus", REASON[:20]):
        assert detail not in notice.message().as_string()


def test_only_the_authoritys_social_care_safeguarding_managers_are_alerted(world: World) -> None:
    # A health safeguarding lead could not open "Who has seen this record"; another authority's manager,
    # or one who has left, has no business with it.
    health = world.professionals["health_visitor"].agency
    factories.ProfessionalFactory(agency=health, roles=[Role.SAFEGUARDING_MANAGER])
    factories.ProfessionalFactory(
        agency=world.professionals["other_authority_worker"].agency, roles=[Role.SAFEGUARDING_MANAGER]
    )
    factories.ProfessionalFactory(
        agency=world.professionals["chair"].agency, roles=[Role.SAFEGUARDING_MANAGER], is_active=False
    )
    open_in_emergency(world.client_for("police_officer"), nhs_number=world.brother.nhs_number)
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == [
        "osric.pendleford@northbridge.example"
    ]


def test_with_no_safeguarding_manager_to_alert_the_record_still_opens_and_it_is_logged(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.professionals["safeguarding_manager"].roles.all().delete()
    with caplog.at_level(logging.WARNING):
        response = open_in_emergency(world.client_for("police_officer"), nhs_number=world.brother.nhs_number)
    assert response.status_code == 302
    assert "there is no safeguarding manager to alert" in caplog.text
    assert OutboxMessage.objects.count() == 0


def test_the_time_limit_comes_from_the_setting(world: World, settings: Settings) -> None:
    settings.CPCONF_BREAK_GLASS_HOURS = 1
    open_in_emergency(world.client_for("police_officer"), nhs_number=world.brother.nhs_number)
    grant = BreakGlassGrant.objects.get(child=world.brother)
    assert grant.expires_at - grant.started_at == timedelta(hours=1)


# When it ends


def test_the_record_is_not_found_again_once_the_time_is_up(world: World) -> None:
    open_in_emergency(world.client_for("police_officer"), nhs_number=world.brother.nhs_number)
    grant = BreakGlassGrant.objects.get(child=world.brother)
    # A fresh sign-in each time: three hours idle would have ended the first session anyway.
    with time_machine.travel(grant.expires_at - timedelta(seconds=1), tick=False):
        assert world.client_for("police_officer").get(record_url(world.brother)).status_code == 200
    with time_machine.travel(grant.expires_at, tick=False):
        client = world.client_for("police_officer")
        response = client.get(record_url(world.brother))
        assert response.status_code == 404
        assert "Jago" not in response.content.decode()
        assert world.brother.full_name not in text(client.get("/children/").content.decode())
    # The refusal is logged like any other; the access itself stays on record for review.
    assert AccessEntry.objects.filter(child_public_id=world.brother.public_id, allowed=False).exists()
    assert BreakGlassGrant.objects.filter(child=world.brother).exists()


def test_while_it_lasts_the_child_is_in_the_list_of_children(world: World) -> None:
    words = text(world.client_for("duty_officer").get("/children/").content.decode())
    assert "Corin Halloway" in words
    assert "Elowen" not in words and "Jago" not in words


def test_opening_again_after_the_time_is_up_needs_a_new_reason_and_a_new_alert(world: World) -> None:
    open_in_emergency(world.client_for("police_officer"), nhs_number=world.brother.nhs_number)
    grant = BreakGlassGrant.objects.get(child=world.brother)
    with time_machine.travel(grant.expires_at + timedelta(minutes=5), tick=False):
        client = world.client_for("police_officer")
        assert open_in_emergency(client, nhs_number=world.brother.nhs_number).status_code == 302
    assert BreakGlassGrant.objects.filter(child=world.brother).count() == 2
    assert OutboxMessage.objects.count() == 2


def test_the_banner_gives_the_day_when_access_ends_after_midnight() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)
    assert access_ends_in_words(datetime(2026, 11, 25, 23, 59, tzinfo=UTC), now) == "11:59pm"
    assert access_ends_in_words(datetime(2026, 11, 26, 2, 0, tzinfo=UTC), now) == "2:00am on 26 November 2026"
    # England's time: 14:32 UTC in July is 3:32pm.
    july = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert access_ends_in_words(datetime(2026, 7, 1, 14, 32, tzinfo=UTC), july) == "3:32pm"


# Searches that open nothing


def test_a_search_that_matches_nobody_says_so_and_is_logged_naming_no_child(world: World) -> None:
    client = world.client_for("police_officer")
    response = open_in_emergency(
        client, given_name="Jago", family_name="Fairbrass", date_of_birth_day="1", date_of_birth_month="1",
        date_of_birth_year="2020",
    )  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>{page_title('Error: Open a record in an emergency')}</title>" in html
    assert (
        "No child in Northbridge Test City Council matches these details. Check them and try again, or "
        "contact children's social care"
    ) in text(html)
    assert not BreakGlassGrant.objects.filter(user=world.user("police_officer")).exists()
    refused = AccessEntry.objects.get(what=EMERGENCY_ACCESS)
    assert (refused.allowed, refused.child_public_id, refused.object_id) == (False, None, None)
    assert refused.reason == "Emergency access: no child of the authority matched the search."
    assert "Jago" not in refused.reason and REASON not in refused.reason
    assert OutboxMessage.objects.count() == 0


def test_another_authoritys_child_is_never_found_and_nothing_about_them_is_shown(world: World) -> None:
    client = world.client_for("police_officer")
    by_number = open_in_emergency(client, nhs_number=world.southmoor_child.nhs_number)
    by_name = open_in_emergency(client, **by_name_and_birthday(world.southmoor_child))
    for response in (by_number, by_name):
        assert response.status_code == 200
        html = response.content.decode()
        assert "No child in Northbridge Test City Council matches these details" in text(html)
        assert "Southmoor" not in html
    # Nothing but what was typed: the name only in the box it was typed into, the number likewise.
    assert "Calloway" not in by_number.content.decode()
    assert by_name.content.decode().count("Calloway") == 1
    assert world.southmoor_child.nhs_number not in by_name.content.decode()
    assert not BreakGlassGrant.objects.filter(
        child=world.southmoor_child, user=world.user("police_officer")
    ).exists()
    assert not AccessEntry.objects.filter(child_public_id=world.southmoor_child.public_id).exists()


def test_several_matching_children_open_nothing(world: World) -> None:
    twin = factories.ChildFactory(
        authority=world.northbridge,
        given_name=world.brother.given_name,
        family_name=world.brother.family_name,
        date_of_birth=world.brother.date_of_birth,
    )
    client = world.client_for("police_officer")
    response = open_in_emergency(client, **by_name_and_birthday(world.brother))
    assert response.status_code == 200
    assert (
        "More than one child in Northbridge Test City Council matches these details. Search by the child's "
        "NHS number instead"
    ) in text(response.content.decode())
    assert not BreakGlassGrant.objects.filter(child__in=[world.brother, twin]).exists()
    refused = AccessEntry.objects.get(what=EMERGENCY_ACCESS)
    assert (refused.allowed, refused.child_public_id) == (False, None)
    assert refused.reason == "Emergency access: more than one child of the authority matched the search."


def test_all_the_details_given_must_match(world: World) -> None:
    # The right NHS number with another child's name opens nothing: a typing mistake must not open the
    # wrong child's record.
    details = {"nhs_number": world.brother.nhs_number, "given_name": "Elowen"}
    response = open_in_emergency(world.client_for("police_officer"), **details)
    assert response.status_code == 200
    assert not BreakGlassGrant.objects.filter(child=world.brother).exists()


def test_someone_who_may_already_see_the_child_is_just_taken_to_the_record(world: World) -> None:
    # The health visitor is allocated to Elowen: nothing to open, nobody to alert.
    response = open_in_emergency(world.client_for("health_visitor"), nhs_number=world.child.nhs_number)
    assert response.status_code == 302 and response["Location"] == record_url(world.child)
    assert not BreakGlassGrant.objects.filter(child=world.child, user=world.user("health_visitor")).exists()
    assert OutboxMessage.objects.count() == 0
    # The same while an emergency access lasts: it is not opened twice.
    response = open_in_emergency(
        world.client_for("duty_officer"), nhs_number=world.unrelated_child.nhs_number
    )
    assert response.status_code == 302
    assert BreakGlassGrant.objects.filter(child=world.unrelated_child).count() == 1


# The form


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reason": ""}, "Enter why you need to open this record now, in at least 20 characters"),
        ({"reason": "   urgent, sorry    "}, "Enter why you need to open this record now, in at least 20 characters"),
        ({"confirm": ""}, "Confirm that you understand your use of this record will be reviewed"),
        ({}, "Enter the child's NHS number, or their first name, last name and date of birth"),
        ({"given_name": "Jago", "family_name": "Fairbrass"}, "Enter the child's NHS number, or their first name"),
        ({"nhs_number": "123"}, "NHS number"),
        ({"given_name": "Jago", "family_name": "Fairbrass", "date_of_birth_day": "31", "date_of_birth_month": "2",
          "date_of_birth_year": "2020"}, "Date of birth must be a real date, for example 27 3 2019"),
        ({"date_of_birth_day": "3", "date_of_birth_year": "2020"}, "Date of birth must include a month"),
        ({"date_of_birth_day": "3", "date_of_birth_month": "4", "date_of_birth_year": "20"},
         "Date of birth must be a real date"),
        ({"date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": "2999"},
         "Date of birth must be today or in the past"),
    ],
)  # fmt: skip
def test_the_form_says_in_plain_english_what_is_missing(
    world: World, fields: dict[str, str], message: str
) -> None:
    fields = (
        {"nhs_number": world.brother.nhs_number, **fields}
        if "nhs_number" not in fields and ("reason" in fields or "confirm" in fields)
        else fields
    )
    response = open_in_emergency(world.client_for("police_officer"), **fields)
    assert response.status_code == 200
    html = response.content.decode()
    # In the error summary itself: the page's own guidance repeats some of these words.
    summary = html.split('class="govuk-list govuk-error-summary__list"', 1)[1].split("</ul>", 1)[0]
    assert message in text(summary)
    assert not BreakGlassGrant.objects.filter(user=world.user("police_officer")).exists()
    assert not AccessEntry.objects.filter(what=EMERGENCY_ACCESS).exists()  # no search was made


def test_the_form_keeps_what_was_typed(world: World) -> None:
    response = open_in_emergency(
        world.client_for("police_officer"), **by_name_and_birthday(world.brother) | {"confirm": ""}
    )
    html = response.content.decode()
    assert 'name="given_name" value="Jago"' in html
    assert 'name="date_of_birth_day" type="text" inputmode="numeric" autocomplete="off" value="' in html
    assert REASON in unescape(html)


def test_the_page_says_how_long_access_lasts_and_who_is_told(world: World) -> None:
    response = world.client_for("police_officer").get(URL)
    words = text(response.content.decode())
    assert f"<title>{page_title('Open a record in an emergency')}</title>" in response.content.decode()
    assert "You will be able to see the record for 3 hours." in words
    assert "safeguarding managers are told straight away" in words
    assert "Only children in Northbridge Test City Council can be found." in words


# Who may


@pytest.mark.parametrize(
    "persona", ["chair", "social_worker", "safeguarding_manager", "authority_administrator", "performance_analyst",
                "service_account", "other_authority_worker", "no_professional_record", "superuser"],
)  # fmt: skip
def test_everyone_else_gets_403_and_the_refusal_is_logged(world: World, persona: str) -> None:
    client = world.client_for(persona)
    assert client.get(URL).status_code == 403
    assert open_in_emergency(client, nhs_number=world.brother.nhs_number).status_code == 403
    assert AccessEntry.objects.filter(what=EMERGENCY_ACCESS, allowed=False).count() == 2
    assert not BreakGlassGrant.objects.filter(user=world.user(persona)).exists()


def test_the_service_refuses_anyone_the_page_refuses(world: World) -> None:
    # The page's gateway refuses first; the service checks again, for any other caller.
    with pytest.raises(PermissionDenied):
        break_glass_open(user=world.user("social_worker"), reason=REASON, nhs_number=world.brother.nhs_number)
    with pytest.raises(ValidationError):
        break_glass_open(
            user=world.user("police_officer"), reason="too short", nhs_number=world.brother.nhs_number
        )
    with pytest.raises(ValidationError):
        break_glass_open(user=world.user("police_officer"), reason=REASON, given_name="Jago")
    result = break_glass_open(
        user=world.user("police_officer"), reason=REASON, nhs_number=world.brother.nhs_number
    )
    assert result.outcome is EmergencyOutcome.OPENED and result.grant is not None


def test_a_signed_out_visitor_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == f"/sign-in/?next={URL}"


def test_the_list_of_children_links_to_it_only_for_those_who_may_use_it(world: World) -> None:
    for persona, linked in (("police_officer", True), ("health_visitor", True), ("chair", False)):
        html = world.client_for(persona).get("/children/").content.decode()
        assert (f'href="{URL}"' in html) is linked, persona


# What break glass never reveals


def test_confidential_contact_details_stay_withheld(world: World) -> None:
    client = world.client_for("police_officer")
    open_in_emergency(client, nhs_number=world.brother.nhs_number)
    user = world.user("police_officer")
    assert may(user, VIEW_CHILD, world.brother) is True
    assert may(user, VIEW_CONFIDENTIAL_CONTACT_DETAILS, world.brother) is False
    html = client.get(record_url(world.brother)).content.decode()
    assert "Morwen Fairbrass Mother Yes Yes English Contact details withheld" in text(html)
    assert "07700 900111" not in html and "Sparrowhawk" not in html
    # Nor does it open her sister's record, in the same household.
    assert f'href="{record_url(world.child)}"' not in html
    assert client.get(record_url(world.child)).status_code == 404


def test_break_glass_is_never_open_to_social_care_staff_of_another_agency_type(world: World) -> None:
    # Someone with a social care role in a police agency is not social care staff: break glass is theirs.
    officer = factories.ProfessionalFactory(
        agency=world.professionals["police_officer"].agency, roles=[Role.CHAIR]
    )
    assert officer.agency.agency_type == AgencyType.POLICE
    assert officer.user is not None
    client = Client()
    client.force_login(officer.user)
    assert client.get(URL).status_code == 200


# Review: who has seen the record


def test_who_has_seen_the_record_shows_emergency_access_with_the_reason(world: World) -> None:
    client = world.client_for("police_officer")
    open_in_emergency(client, nhs_number=world.brother.nhs_number)
    client.get(record_url(world.brother))
    world.client_for("social_worker").get(record_url(world.brother))
    words = text(
        world.client_for("safeguarding_manager")
        .get(f"/children/{world.brother.public_id}/access/")
        .content.decode()
    )
    assert (
        f"Rufus Ashbury rufus.ashbury@police.northbridge.example The child's record Emergency access "
        f"Reason given: {REASON} Seen"
    ) in words
    assert (
        f"Rufus Ashbury rufus.ashbury@police.northbridge.example Opened the record in an emergency Emergency "
        f"access Reason given: {REASON} Seen"
    ) in words
    # An ordinary read is not marked.
    assert "Lucan Marwood lucan.marwood@northbridge.example The child's record Seen" in words


def test_the_record_page_needs_the_same_queries_with_emergency_access(
    world: World, django_assert_num_queries: object
) -> None:
    client = world.client_for("duty_officer")
    client.get(record_url(world.unrelated_child))  # not measured: the session's first request
    # As for any agency professional (tests/people/test_child_pages.py): the emergency access is one
    # query, which also gives the banner its time. Two more for the plans (issue 5).
    with django_assert_num_queries(19):  # type: ignore[operator]
        response = client.get(record_url(world.unrelated_child))
    assert "You opened this record in an emergency." in text(response.content.decode())


# A conference seen through an emergency access


def test_a_conference_read_through_an_emergency_access_is_marked_as_one(world: World) -> None:
    grant = BreakGlassGrant.objects.get(child=world.unrelated_child)
    conference = world.conferences["corin"]
    assert world.client_for("duty_officer").get(f"/conferences/{conference.public_id}/").status_code == 200
    world.client_for("social_worker").get(f"/conferences/{conference.public_id}/")
    reads = AccessEntry.objects.filter(child_public_id=world.unrelated_child.public_id, allowed=True)
    emergency = reads.get(actor=world.user("duty_officer"))
    assert (emergency.what, emergency.reason, emergency.object_id) == (
        "conference-emergency",
        grant.reason,
        conference.public_id,
    )
    ordinary = reads.get(actor=world.user("social_worker"))
    assert (ordinary.what, ordinary.reason) == ("conference", "")
    # "Who has seen this record" marks it, with the reason.
    words = text(
        world.client_for("safeguarding_manager")
        .get(f"/children/{world.unrelated_child.public_id}/access/")
        .content.decode()
    )
    assert f"A conference about this child Emergency access Reason given: {grant.reason} Seen" in words


def test_a_conference_read_by_someone_allocated_is_not_marked(world: World) -> None:
    # The health visitor is allocated to Elowen; an expired emergency access (the world's doctor's) is
    # someone else's: nothing marks her read.
    world.client_for("health_visitor").get(f"/conferences/{world.conferences['elowen'].public_id}/")
    read = AccessEntry.objects.get(actor=world.user("health_visitor"), child_public_id=world.child.public_id)
    assert (read.what, read.reason) == ("conference", "")


# Too many searches that find nobody (docs/access.md)


def fail_search(client: Client) -> HttpResponse:
    return open_in_emergency(client, nhs_number=nhs_number_in_test_range(999))


def test_after_five_failed_searches_the_next_is_refused_without_searching_and_logged(world: World) -> None:
    client = world.client_for("police_officer")
    for _ in range(FAILED_SEARCH_LIMIT - 1):
        assert "No child in Northbridge" in text(fail_search(client).content.decode())
    # The fifth still searches (and says so), and says until when no more are allowed.
    fifth = fail_search(client)
    assert fifth.status_code == 200
    words = text(fifth.content.decode())
    assert "No child in Northbridge Test City Council matches the details you gave" in words
    assert "You searched 5 times in 15 minutes without finding one child. You can search again at" in words
    # The sixth, even for a child who exists, searches nothing and opens nothing.
    sixth = open_in_emergency(client, nhs_number=world.brother.nhs_number)
    assert sixth.status_code == 429
    assert "You cannot search again yet" in text(sixth.content.decode())
    assert not BreakGlassGrant.objects.filter(user=world.user("police_officer")).exists()
    refused = AccessEntry.objects.filter(what=EMERGENCY_ACCESS, actor=world.user("police_officer"))
    assert [entry.reason for entry in refused.order_by("sequence")] == [NO_MATCH] * 5 + [TOO_MANY_FAILED]
    assert not refused.filter(allowed=True).exists()
    assert refused.last() is not None and refused.order_by("sequence").last().child_public_id is None  # type: ignore[union-attr]
    # The page itself says so too, without a form.
    page = client.get(URL)
    assert page.status_code == 200 and 'name="reason"' not in page.content.decode()


def test_four_failed_searches_still_allow_the_fifth_to_open_a_record(world: World) -> None:
    client = world.client_for("police_officer")
    for _ in range(FAILED_SEARCH_LIMIT - 1):
        fail_search(client)
    response = open_in_emergency(client, nhs_number=world.brother.nhs_number)
    assert response.status_code == 302 and response["Location"] == record_url(world.brother)


def test_the_wait_ends_fifteen_minutes_after_the_fifth_failed_search(world: World) -> None:
    start = clock.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = world.client_for("police_officer")
        for _ in range(FAILED_SEARCH_LIMIT):
            fail_search(client)
            traveller.shift(timedelta(minutes=1))
        fifth = start + timedelta(minutes=FAILED_SEARCH_LIMIT - 1)
        traveller.move_to(fifth + FAILED_SEARCH_LOCK - timedelta(seconds=1))
        assert emergency_search_locked_until(world.user("police_officer")) == fifth + FAILED_SEARCH_LOCK
        assert open_in_emergency(client, nhs_number=world.brother.nhs_number).status_code == 429
        traveller.move_to(fifth + FAILED_SEARCH_LOCK)
        assert emergency_search_locked_until(world.user("police_officer")) is None
        client = world.client_for("police_officer")
        assert open_in_emergency(client, nhs_number=world.brother.nhs_number).status_code == 302


def test_five_failed_searches_spread_over_more_than_fifteen_minutes_are_not_too_many(world: World) -> None:
    start = clock.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = world.client_for("police_officer")
        for _ in range(FAILED_SEARCH_LIMIT):
            fail_search(client)
            traveller.shift(
                timedelta(minutes=3, seconds=45)
            )  # the fifth is exactly 15 minutes after the first
        assert emergency_search_locked_until(world.user("police_officer")) is None
        assert open_in_emergency(client, nhs_number=world.brother.nhs_number).status_code == 302


def test_a_record_opened_starts_the_count_again(world: World) -> None:
    client = world.client_for("police_officer")
    for _ in range(FAILED_SEARCH_LIMIT - 1):
        fail_search(client)
    assert open_in_emergency(client, nhs_number=world.brother.nhs_number).status_code == 302
    fail_search(client)
    assert emergency_search_locked_until(world.user("police_officer")) is None


def test_searches_matching_several_children_count_as_failed(world: World) -> None:
    factories.ChildFactory(
        authority=world.northbridge,
        given_name=world.brother.given_name,
        family_name=world.brother.family_name,
        date_of_birth=world.brother.date_of_birth,
    )
    client = world.client_for("police_officer")
    for _ in range(FAILED_SEARCH_LIMIT - 1):
        open_in_emergency(client, **by_name_and_birthday(world.brother))
    fifth = open_in_emergency(client, **by_name_and_birthday(world.brother))
    assert (
        "More than one child in Northbridge Test City Council matches the details you gave, so no record "
        in (text(fifth.content.decode()))
    )
    assert emergency_search_locked_until(world.user("police_officer")) is not None


def test_the_safeguarding_managers_are_alerted_once_naming_no_child(world: World) -> None:
    client = world.client_for("police_officer")
    for _ in range(FAILED_SEARCH_LIMIT + 3):
        fail_search(client)
    [alert] = OutboxMessage.objects.filter(purpose="emergency-access-too-many-failures")
    assert alert.recipient == "osric.pendleford@northbridge.example"
    assert alert.subject == "Repeated emergency searches found no child"
    assert alert.child is None
    assert (
        "Rufus Ashbury (Detective constable, Northbridge Test Police Protection Unit) searched 5 times"
        in alert.body
    )
    assert "They cannot search again until" in alert.body
    assert nhs_number_in_test_range(999) not in alert.body
    assert "/children/emergency-access/reviews/" in alert.body


def test_each_person_is_limited_on_their_own(world: World) -> None:
    for _ in range(FAILED_SEARCH_LIMIT):
        fail_search(world.client_for("police_officer"))
    response = open_in_emergency(world.client_for("health_visitor"), nhs_number=world.brother.nhs_number)
    assert response.status_code == 302


def test_whether_someone_may_search_is_one_query(
    world: World, django_assert_num_queries: Callable[..., object]
) -> None:
    for _ in range(3):
        fail_search(world.client_for("police_officer"))
    user = world.user("police_officer")
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert emergency_search_locked_until(user) is None
