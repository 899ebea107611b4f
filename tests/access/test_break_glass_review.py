"""Reviewing emergency access (break glass review, issue 3; security note §0 point 4): the authority's
safeguarding manager sees every emergency access to its children, with who, which child, when, why and what
they looked at while it lasted; records whether it was justified, with a note and, when it was not, what
follows; each review in the audit history; a review not made within 5 working days is flagged overdue.
Nobody else may (403, or 404 for another authority's), and every refusal is logged."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from cpconf import clock
from cpconf.access import deadlines
from cpconf.access.gateways import EMERGENCY_ACCESS_REVIEW, EMERGENCY_ACCESS_REVIEWS
from cpconf.access.models import (
    AccessEntry,
    AuditEntry,
    BreakGlassGrant,
    BreakGlassReview,
    EmergencySearch,
    ReviewOutcome,
)
from cpconf.access.services import StaleReviewError, break_glass_review_record
from cpconf.conferences.services.scheduling import StaleEditError
from cpconf.people.models import Role
from cpconf.timescales.working_days import WorkingCalendar
from tests import factories
from tests.access.conftest import World

AssertNumQueries = Callable[..., object]
LIST = "/children/emergency-access/reviews/"


def review_url(grant: BreakGlassGrant) -> str:
    return f"{LIST}{grant.public_id}/"


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def table_rows(html: str) -> list[str]:
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [text(row) for row in body.split('<tr class="govuk-table__row">')[1:]]


def post_review(client: Client, grant: BreakGlassGrant, **fields: str) -> object:
    data = {
        "outcome": ReviewOutcome.JUSTIFIED.value,
        "note": "Spoke to her manager: a real emergency.",
        "version": "0",
    }
    data.update(fields)
    return client.post(review_url(grant), data)


# The list


def test_the_list_shows_not_reviewed_first_then_newest_with_who_which_child_why_and_what_they_read(
    world: World,
) -> None:
    # The duty officer read Corin's record and his conference through her access.
    duty = world.client_for("duty_officer")
    duty.get(f"/children/{world.unrelated_child.public_id}/")
    duty.get(f"/conferences/{world.conferences['corin'].public_id}/")
    # Elowen's access (ten days ago) has been reviewed; Corin's (an hour ago) has not.
    break_glass_review_record(
        grant=world.grants["elowen"],
        user=world.user("safeguarding_manager"),
        outcome=ReviewOutcome.JUSTIFIED,
        note="The doctor needed to know of the plan before discharge.",
        expected_version=0,
    )
    response = world.client_for("safeguarding_manager").get(LIST)
    assert response.status_code == 200
    rows = table_rows(response.content.decode())
    assert len(rows) == 2  # Northbridge's only: Zephyrine's access is Southmoor's to review
    corin, elowen = rows
    assert "Dervla Quennell dervla.quennell@police.northbridge.example Corin Halloway" in corin
    assert "Corin was found alone at the bus station at night" in corin
    assert "The child's record" in corin and "A conference about this child" in corin
    assert "Not reviewed" in corin and "Review Dervla Quennell's access to Corin Halloway's record" in corin
    assert "Wenna Trethowan" in elowen and "Elowen Fairbrass" in elowen and "Justified" in elowen
    assert "Nothing" in elowen  # she read nothing of Elowen's through it (the world made it directly)
    assert "Zephyrine" not in response.content.decode()


def test_what_was_read_is_only_that_persons_reads_of_that_child_while_the_access_lasted(world: World) -> None:
    grant = world.grants["corin"]
    duty = world.client_for("duty_officer")
    duty.get(f"/children/{world.unrelated_child.public_id}/")
    # Others' reads of Corin, and the duty officer's reads of nothing else, are not what she read.
    world.client_for("social_worker").get(f"/children/{world.unrelated_child.public_id}/")
    duty.get("/children/")
    with time_machine.travel(grant.expires_at + timedelta(minutes=1), tick=False):
        # After it ended she is refused: not a read through the access.
        world.client_for("duty_officer").get(f"/children/{world.unrelated_child.public_id}/")
        page = world.client_for("safeguarding_manager").get(review_url(grant)).content.decode()
    words = text(page)
    looked_at = words.split("What they looked at", 1)[1].split("Review", 1)[0]
    assert looked_at.count("The child's record") == 1


@pytest.mark.parametrize("extra", [0, 12], ids=["3 accesses", "15 accesses"])
def test_the_list_needs_the_same_queries_however_many_accesses_and_reads(
    world: World, django_assert_num_queries: AssertNumQueries, extra: int
) -> None:
    for number in range(extra):
        child = factories.ChildFactory(authority=world.northbridge, family_name=f"Ormerod{number}")
        opener = factories.ProfessionalFactory(agency=world.professionals["police_officer"].agency)
        assert opener.user is not None
        grant = BreakGlassGrant.objects.create(
            user=opener.user,
            child=child,
            reason="Found at night with an injury; checking for a plan.",
            found_by=EmergencySearch.NHS_NUMBER,
            started_at=clock.now() - timedelta(hours=number + 1),
            expires_at=clock.now() + timedelta(hours=2),
        )
        if number % 2:
            BreakGlassReview.objects.create(
                grant=grant,
                outcome=ReviewOutcome.NOT_JUSTIFIED,
                note="No emergency.",
                follow_up="Raised with the inspector.",
                reviewed_by=world.user("safeguarding_manager"),
                reviewed_at=clock.now(),
            )
        reader = Client()
        reader.force_login(opener.user)
        reader.get(f"/children/{child.public_id}/")
    client = world.client_for("safeguarding_manager")
    client.get(LIST)  # not measured: the session's first request
    # The session and the user; the professional and their roles; the access-log row (a savepoint, the
    # chain head locked, the row, the head moved on, released); the count for the pages; the accesses
    # with who, the child and the review; what was read during them; the authority's closure days.
    with django_assert_num_queries(13):  # type: ignore[operator]
        response = client.get(LIST)
    assert response.status_code == 200
    assert len(table_rows(response.content.decode())) == 2 + extra


def test_the_list_is_paged_and_filtered(world: World) -> None:
    for number in range(21):
        BreakGlassGrant.objects.create(
            user=world.user("police_officer"),
            child=world.brother,
            reason="Found at night with an injury; checking for a plan.",
            found_by=EmergencySearch.NHS_NUMBER,
            started_at=clock.now() - timedelta(days=30, hours=number),
            expires_at=clock.now() - timedelta(days=30, hours=number) + timedelta(hours=1),
        )
    client = world.client_for("safeguarding_manager")
    first = client.get(LIST).content.decode()
    assert len(table_rows(first)) == 20 and "Showing 1 to 20 of 23" in text(first)
    second = client.get(f"{LIST}?page=2").content.decode()
    assert len(table_rows(second)) == 3
    break_glass_review_record(
        grant=world.grants["elowen"],
        user=world.user("safeguarding_manager"),
        outcome=ReviewOutcome.NOT_JUSTIFIED,
        note="Nothing in the notes suggests an emergency.",
        follow_up="Raised with the out-of-hours service's clinical lead.",
        expected_version=0,
    )
    not_justified = client.get(f"{LIST}?show=not-justified").content.decode()
    rows = table_rows(not_justified)
    assert len(rows) == 1 and "Wenna Trethowan" in rows[0] and "Not justified" in rows[0]
    assert "Showing 1 to 20 of 22" in text(client.get(f"{LIST}?show=not-reviewed").content.decode())
    # An unknown filter shows everything.
    assert "Showing 1 to 20 of 23" in text(client.get(f"{LIST}?show=nonsense").content.decode())


# Overdue after 5 working days


def test_a_review_is_due_by_the_fifth_working_day_after_the_opening() -> None:
    calendar = WorkingCalendar()
    # Opened on Thursday 19 November 2026 at 11pm: due by Thursday 26 November.
    grant = BreakGlassGrant(started_at=datetime(2026, 11, 19, 23, 0, tzinfo=UTC))
    assert deadlines.review_due(grant, calendar).isoformat() == "2026-11-26"
    due = deadlines.review_due(grant, calendar)
    assert not deadlines.review_overdue(grant, calendar, due, reviewed=False)
    assert deadlines.review_overdue(grant, calendar, due + timedelta(days=1), reviewed=False)
    assert not deadlines.review_overdue(grant, calendar, due + timedelta(days=1), reviewed=True)
    # Christmas: the bank holidays (25 and 28 December, 1 January) and an authority's closure day do not
    # count: 24, 29, 30, 31 December, then 4 January.
    christmas = BreakGlassGrant(started_at=datetime(2026, 12, 23, 12, 0, tzinfo=UTC))
    assert deadlines.review_due(christmas, calendar).isoformat() == "2027-01-04"
    closed = WorkingCalendar(closure_days=[datetime(2026, 12, 24).date()])
    assert deadlines.review_due(christmas, closed).isoformat() == "2027-01-05"


def test_the_list_flags_an_access_not_reviewed_in_time(world: World) -> None:
    words = text(world.client_for("safeguarding_manager").get(LIST).content.decode())
    due = deadlines.review_due(world.grants["elowen"], WorkingCalendar())
    assert f"Review overdue Due by {clock.date_in_words(due)}" in words
    assert "Not reviewed Due by" in words  # Corin's, an hour old


# Recording a review


def test_a_justified_review_is_saved_with_its_audit_history(world: World) -> None:
    client = world.client_for("safeguarding_manager")
    grant = world.grants["corin"]
    response = post_review(client, grant)
    assert response.status_code == 302 and response["Location"] == LIST  # type: ignore[attr-defined]
    review = BreakGlassReview.objects.get(grant=grant)
    assert (review.outcome, review.note, review.follow_up, review.reviewed_by, review.version) == (
        ReviewOutcome.JUSTIFIED,
        "Spoke to her manager: a real emergency.",
        "",
        world.user("safeguarding_manager"),
        1,
    )
    audit = AuditEntry.objects.get(object_type="access.breakglassreview")
    assert (audit.action, audit.actor, audit.child_public_id) == (
        "create",
        world.user("safeguarding_manager"),
        world.unrelated_child.public_id,
    )
    assert audit.after is not None and audit.after["outcome"] == "justified"
    listed = text(client.get(LIST).content.decode())
    assert "Your review of Dervla Quennell's emergency access was saved." in listed


def test_not_justified_needs_what_happens_next_and_is_listed(world: World) -> None:
    client = world.client_for("safeguarding_manager")
    grant = world.grants["corin"]
    response = post_review(client, grant, outcome=ReviewOutcome.NOT_JUSTIFIED.value)
    assert response.status_code == 200  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "Enter what will happen next, for example that you raised it with their manager" in text(html)
    assert not BreakGlassReview.objects.exists()
    post_review(
        client,
        grant,
        outcome=ReviewOutcome.NOT_JUSTIFIED.value,
        note="The child was safe with his grandmother; no need to open the record.",
        follow_up="Raised with her inspector; information governance told.",
    )
    page = text(client.get(review_url(grant)).content.decode())
    assert "What happens next Raised with her inspector; information governance told." in page
    assert "Not justified" in text(client.get(f"{LIST}?show=not-justified").content.decode())


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"outcome": ""}, "Select whether opening the record was justified"),
        ({"outcome": "maybe"}, "Select whether opening the record was justified"),
        ({"note": "   "}, "Enter what you found"),
        ({"note": "x" * 2001}, "Keep your note to 2000 characters or fewer"),
        ({"version": ""}, "This field is required"),
    ],
)
def test_the_form_says_what_is_wrong_and_saves_nothing(
    world: World, fields: dict[str, str], message: str
) -> None:
    response = post_review(world.client_for("safeguarding_manager"), world.grants["corin"], **fields)
    assert response.status_code == 200  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "govuk-error-summary" in html and message in text(html)
    assert not BreakGlassReview.objects.exists()


def test_a_review_can_be_corrected_and_the_page_shows_its_history(world: World) -> None:
    client = world.client_for("safeguarding_manager")
    grant = world.grants["elowen"]
    post_review(client, grant)
    post_review(
        client,
        grant,
        outcome=ReviewOutcome.NOT_JUSTIFIED.value,
        note="Her manager says there was no emergency.",
        follow_up="Raised with the clinical lead.",
        version="1",
    )
    review = BreakGlassReview.objects.get(grant=grant)
    assert (review.outcome, review.version) == (ReviewOutcome.NOT_JUSTIFIED, 2)
    changes = AuditEntry.objects.filter(object_type="access.breakglassreview").order_by("sequence")
    assert [entry.action for entry in changes] == ["create", "change"]
    assert changes[1].before == {
        "outcome": "justified",
        "note": "Spoke to her manager: a real emergency.",
        "follow_up": "",
        "reviewed_at": changes[1].before["reviewed_at"],  # type: ignore[index]
        "version": 1,
    }
    page = client.get(review_url(grant)).content.decode()
    history = page.split("Changes to the review", 1)[1]
    changed, created = table_rows(history)
    assert changed.endswith("Osric Pendleford (osric.pendleford@northbridge.example) Changed: not justified")
    assert created.endswith("Osric Pendleford (osric.pendleford@northbridge.example) Created: justified")
    # Corrected to justified, the follow-up goes: it was about an access not justified.
    post_review(client, grant, version="2")
    assert BreakGlassReview.objects.get(grant=grant).follow_up == ""


def test_a_second_manager_saving_over_the_first_is_told_who_reviewed_it(world: World) -> None:
    social_care = world.professionals["safeguarding_manager"].agency
    other = factories.ProfessionalFactory(
        agency=social_care,
        user__first_name="Ysella",
        user__last_name="Brannock",
        roles=[Role.SAFEGUARDING_MANAGER],
    )
    assert other.user is not None
    second = Client()
    second.force_login(other.user)
    grant = world.grants["corin"]
    post_review(world.client_for("safeguarding_manager"), grant)
    # She opened the page before it was saved (version 0), and saves now.
    response = post_review(second, grant, outcome=ReviewOutcome.NOT_JUSTIFIED.value, follow_up="Raise it.")
    assert response.status_code == 200  # type: ignore[attr-defined]
    words = text(response.content.decode())  # type: ignore[attr-defined]
    assert "Osric Pendleford reviewed this emergency access on" in words
    assert "Your review has not been saved" in words
    assert BreakGlassReview.objects.get(grant=grant).outcome == ReviewOutcome.JUSTIFIED
    with pytest.raises(StaleEditError):
        break_glass_review_record(
            grant=grant, user=other.user, outcome="justified", note="Fine.", expected_version=0
        )


@pytest.mark.django_db(transaction=True)
def test_two_managers_saving_the_first_review_at_once_write_one_and_refuse_the_other() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; SQLite serialises whole transactions.")
    from tests.access.conftest import build_world

    world = build_world()
    social_care = world.professionals["safeguarding_manager"].agency
    other = factories.ProfessionalFactory(agency=social_care, roles=[Role.SAFEGUARDING_MANAGER])
    assert other.user is not None
    grant = world.grants["corin"]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def review(user_id: int, outcome: str) -> None:
        from cpconf.people.models import User

        try:
            user = User.objects.get(pk=user_id)
            barrier.wait()
            break_glass_review_record(
                grant=grant,
                user=user,
                outcome=outcome,
                note="Checked.",
                follow_up="Raised with her inspector.",
                expected_version=0,
            )
            outcomes.append("saved")
        except StaleReviewError:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=review, args=(world.user("safeguarding_manager").pk, "justified")),
        threading.Thread(target=review, args=(other.user.pk, "not_justified")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved", "stale"]
    assert BreakGlassReview.objects.filter(grant=grant).count() == 1
    assert AuditEntry.objects.filter(object_type="access.breakglassreview").count() == 1


def test_the_service_checks_what_the_form_checks_and_refuses_reviewing_ones_own(world: World) -> None:
    grant = world.grants["corin"]
    with pytest.raises(ValidationError) as error:
        break_glass_review_record(
            grant=grant,
            user=world.user("safeguarding_manager"),
            outcome=ReviewOutcome.NOT_JUSTIFIED,
            note="No emergency.",
            expected_version=0,
        )
    assert "follow_up" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        break_glass_review_record(
            grant=grant,
            user=world.user("duty_officer"),
            outcome="justified",
            note="Mine.",
            expected_version=0,
        )
    assert error.value.message_dict["outcome"] == ["You cannot review your own emergency access"]
    assert not BreakGlassReview.objects.exists()


# Who may


@pytest.mark.parametrize(
    "persona",
    ["chair", "team_manager", "social_worker", "authority_administrator", "police_officer", "duty_officer",
     "performance_analyst", "service_account", "other_authority_worker", "no_professional_record", "superuser"],
)  # fmt: skip
def test_everyone_but_the_safeguarding_manager_is_refused_and_it_is_logged(
    world: World, persona: str
) -> None:
    client = world.client_for(persona)
    assert client.get(LIST).status_code == 403
    assert client.get(review_url(world.grants["corin"])).status_code == 403
    assert post_review(client, world.grants["corin"]).status_code == 403  # type: ignore[attr-defined]
    refused = AccessEntry.objects.filter(actor=world.user(persona), allowed=False)
    assert refused.filter(what=EMERGENCY_ACCESS_REVIEWS).count() == 1
    assert refused.filter(what=EMERGENCY_ACCESS_REVIEW).count() == 2
    assert not BreakGlassReview.objects.exists()


def test_another_authoritys_safeguarding_manager_gets_not_found_and_sees_only_their_own(world: World) -> None:
    southmoor = factories.ProfessionalFactory(
        agency=world.professionals["other_authority_worker"].agency, roles=[Role.SAFEGUARDING_MANAGER]
    )
    assert southmoor.user is not None
    client = Client()
    client.force_login(southmoor.user)
    assert client.get(review_url(world.grants["corin"])).status_code == 404
    assert post_review(client, world.grants["corin"]).status_code == 404  # type: ignore[attr-defined]
    refused = AccessEntry.objects.filter(actor=southmoor.user, what=EMERGENCY_ACCESS_REVIEW, allowed=False)
    assert refused.count() == 2
    assert {entry.child_public_id for entry in refused} == {world.unrelated_child.public_id}
    page = client.get(LIST).content.decode()
    assert "Zephyrine Calloway" in page and "Corin" not in page and "Elowen" not in page
    assert client.get(review_url(world.grants["zephyrine"])).status_code == 200
    assert not BreakGlassReview.objects.exists()


def test_a_review_read_is_logged_against_the_child(world: World) -> None:
    world.client_for("safeguarding_manager").get(review_url(world.grants["elowen"]))
    entry = AccessEntry.objects.get(what=EMERGENCY_ACCESS_REVIEW)
    assert (entry.allowed, entry.child_public_id, entry.object_id) == (
        True,
        world.child.public_id,
        world.grants["elowen"].public_id,
    )


def test_the_home_page_links_to_the_review_list_for_the_safeguarding_manager_only(world: World) -> None:
    for persona, linked in (
        ("safeguarding_manager", True),
        ("team_manager", False),
        ("police_officer", False),
    ):
        html = world.client_for(persona).get("/").content.decode()
        assert (f'href="{LIST}"' in html) is linked, persona


def test_who_has_seen_the_record_names_the_review_in_words(world: World) -> None:
    client = world.client_for("safeguarding_manager")
    client.get(review_url(world.grants["elowen"]))
    words = text(client.get(f"/children/{world.child.public_id}/access/").content.decode())
    assert (
        "Osric Pendleford osric.pendleford@northbridge.example Reviewing an emergency access to the record Seen"
        in words
    )
