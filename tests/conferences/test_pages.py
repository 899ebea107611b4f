"""The coordinator's pages through HTTP: from a strategy discussion to a booked conference, bad input on
each form, and the work lists' query counts (issue 4 items 1 to 3 and 9).

Who may open which page is the permission matrix's job (tests/access/test_permission_matrix.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cpconf.access.models import AccessEntry
from cpconf.conferences.models import Conference, ConferenceStatus, InviteeRole, Reply
from cpconf.enquiries.models import Section47Enquiry, StrategyDiscussion
from tests import factories
from tests.access.conftest import World, build_world

AssertNumQueries = Callable[..., object]

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def test_a_coordinator_takes_a_family_from_strategy_discussion_to_a_booked_conference(world: World) -> None:
    client = world.client_for("chair")  # the chair persona is also a conference coordinator
    household = world.child.households.get()
    police = world.professionals["police_officer"].agency
    health = world.professionals["health_visitor"].agency
    with time_machine.travel(datetime(2026, 11, 16, 9, tzinfo=LONDON), tick=False):
        response = client.post(
            "/enquiries/strategy-discussions/new/",
            {
                "household": str(household.public_id),
                "held_on_0": "13",
                "held_on_1": "11",
                "held_on_2": "2026",
                "agencies_present": [str(police.public_id), str(health.public_id)],
                "outcome": "section_47",
                "outcome_notes": "Bruising to Elowen's arm; explanation inconsistent.",
            },
        )
        discussion = StrategyDiscussion.objects.get(household=household, held_on=date(2026, 11, 13))
        assert response.status_code == 302
        assert response["Location"] == f"/enquiries/start/{discussion.public_id}/"
        # The enquiry: the brother is left out without a reason first, then with one.
        form = {
            "started_on_0": "13",
            "started_on_1": "11",
            "started_on_2": "2026",
            "contributing_agencies": [str(police.public_id), str(health.public_id)],
            f"include_{world.child.public_id}": "on",
        }
        response = client.post(response["Location"], form)
        assert response.status_code == 200
        assert "Give the reason Jago Fairbrass is not included" in text(response.content.decode())
        assert not Section47Enquiry.objects.filter(strategy_discussion=discussion).exists()
        form[f"include_{world.brother.public_id}"] = "on"
        response = client.post(f"/enquiries/start/{discussion.public_id}/", form)
        enquiry = Section47Enquiry.objects.get(strategy_discussion=discussion)
        assert response["Location"] == f"/enquiries/{enquiry.public_id}/"
        page = text(client.get(response["Location"]).content.decode())
        assert "Elowen Fairbrass" in page and "Jago Fairbrass" in page
        # The outcome: an initial conference is needed.
        response = client.post(
            f"/enquiries/{enquiry.public_id}/",
            {
                "outcome": "conference_needed",
                "reason": "Continuing risk of significant harm.",
                "concluded_on_0": "16",
                "concluded_on_1": "11",
                "concluded_on_2": "2026",
            },
        )
        conference = Conference.objects.get(enquiry=enquiry)
        assert response["Location"] == f"/conferences/{conference.public_id}/"
        page = text(client.get(response["Location"]).content.decode())
        # R-CT-1: 15 working days after Friday 13 November 2026.
        assert "Due by 4 December 2026" in page
        assert "Not booked yet" in page
        # Book it, with the chair.
        chair = world.professionals["chair"]
        booking = {
            "version": str(conference.version),
            "day_0": "3",
            "day_1": "12",
            "day_2": "2026",
            "start": "10am",
            "end": "12:30pm",
            "venue_kind": "blended",
            "venue_address": "Room 2, Northbridge Civic Centre",
            "joining_details": "A private video link, sent the day before.",
            "chair": str(chair.public_id),
        }
        response = client.post(f"/conferences/{conference.public_id}/schedule/", booking)
        assert response.status_code == 302, text(response.content.decode())
        conference.refresh_from_db()
        assert conference.status == ConferenceStatus.SCHEDULED
        assert conference.chair == chair
        page = text(client.get(f"/conferences/{conference.public_id}/").content.decode())
        assert "Thursday 3 December 2026, 10:00am to 12:30pm" in page
        # The same form again (now stale): refused, and it says who changed it.
        response = client.post(f"/conferences/{conference.public_id}/schedule/", {**booking, "start": "11am"})
        assert "changed this conference on 16 November 2026 at 9:00am, after you opened this page" in text(
            response.content.decode()
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"day_1": ""}, "The date of the conference must include a month"),
        ({"day_0": "31", "day_1": "2"}, "The date of the conference must be a real date"),
        ({"start": "25:00"}, "The start time must be a real time"),
        ({"start": "teatime"}, "Enter the start time like 10am, 2:30pm or 14:30"),
        ({"end": "9am"}, "The end time must be after the start time"),
        (
            {"venue_kind": "in_person", "venue_address": ""},
            "Enter the address where the conference will be held",
        ),
        ({"venue_kind": ""}, "Select how people will attend"),
        ({"day_0": "1", "day_1": "3", "day_2": "2027"}, "To book it later, give the reason"),
    ],
)
def test_booking_bad_input_gets_a_clear_message_and_saves_nothing(
    world: World, changes: dict[str, str], message: str
) -> None:
    conference = world.conferences["corin"]
    conference.status = ConferenceStatus.REQUESTED
    conference.starts_at = conference.ends_at = None
    conference.due_date = date.today() + timedelta(days=20)
    conference.save()
    day = date.today() + timedelta(days=7)
    booking = {
        "version": str(conference.version),
        "day_0": str(day.day),
        "day_1": str(day.month),
        "day_2": str(day.year),
        "start": "10am",
        "end": "12pm",
        "venue_kind": "online",
        "joining_details": "Link by email.",
        **changes,
    }
    response = world.client_for("social_worker").post(
        f"/conferences/{conference.public_id}/schedule/", booking
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in text(html)
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.REQUESTED


def test_a_conference_page_read_is_logged_once_for_each_child(world: World) -> None:
    conference = world.conferences["elowen"]
    before = AccessEntry.objects.count()
    assert world.client_for("health_visitor").get(f"/conferences/{conference.public_id}/").status_code == 200
    rows = list(AccessEntry.objects.order_by("sequence")[before:])
    assert [(row.what, row.child_public_id, row.object_id) for row in rows] == [
        ("conference", world.child.public_id, conference.public_id)
    ]


def test_an_invited_professional_sees_the_conference_and_its_children_and_loses_them_when_withdrawn(
    world: World,
) -> None:
    conference = world.conferences["corin"]
    police = world.professionals["police_officer"]
    client = world.client_for("police_officer")
    assert client.get(f"/conferences/{conference.public_id}/").status_code == 404
    invitation = factories.InvitationFactory(conference=conference, professional=police)
    assert client.get(f"/conferences/{conference.public_id}/").status_code == 200
    assert client.get(f"/children/{world.unrelated_child.public_id}/").status_code == 200  # R-AF-5
    invitation.withdrawn_at = datetime.now(tz=LONDON)
    invitation.save()
    assert client.get(f"/conferences/{conference.public_id}/").status_code == 404


def test_cancelling_needs_a_reason(world: World) -> None:
    conference = world.conferences["elowen"]
    client = world.client_for("social_worker")
    response = client.post(
        f"/conferences/{conference.public_id}/cancel/", {"version": conference.version, "reason": ""}
    )
    assert "Give the reason" in text(response.content.decode())
    response = client.post(
        f"/conferences/{conference.public_id}/cancel/",
        {"version": conference.version, "reason": "Family moved away."},
    )
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.CANCELLED


def _many_conferences(world: World, count: int) -> None:
    chair = world.professionals["chair"]
    police = world.professionals["police_officer"]
    for number in range(count):
        child = factories.ChildFactory(authority=world.northbridge, family_name=f"Loxley{number}")
        conference = factories.ConferenceFactory(
            authority=world.northbridge,
            children=[child, factories.ChildFactory(authority=world.northbridge)],
            chair=chair,
            status=ConferenceStatus.SCHEDULED,
            starts_at=datetime.now(tz=LONDON) + timedelta(days=3 + number % 5),
            ends_at=datetime.now(tz=LONDON) + timedelta(days=3 + number % 5, hours=2),
            due_date=date.today() + timedelta(days=number % 3 - 1),
        )
        factories.InvitationFactory(conference=conference, professional=police, reply=Reply.ATTENDING)
        factories.InvitationFactory(
            conference=conference,
            professional=None,
            agency=None,
            role=InviteeRole.PARENT_OR_CARER,
            name="A parent",
        )
        factories.ReportFactory(conference=conference, agency=police.agency)


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("chair", "/conferences/"),
        ("chair", "/conferences/?status=all&overdue=on"),
        ("chair", "/conferences/?out_of_timescale=on&conference_type=initial"),
        ("chair", "/conferences/chairing/"),
        ("police_officer", "/conferences/my-work/"),
        ("police_officer", "/conferences/"),
    ],
)
def test_each_work_list_costs_the_same_queries_for_10_and_200_conferences(
    world: World, django_assert_num_queries: AssertNumQueries, persona: str, url: str
) -> None:
    client = world.client_for(persona)
    _many_conferences(world, 10)
    assert client.get(url).status_code == 200  # warm up: the access chain's first query happens once
    with CaptureQueriesContext(connection) as at_10:
        client.get(url)
    _many_conferences(world, 190)
    with django_assert_num_queries(len(at_10.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    print(f"{url} as {persona}: {len(at_10.captured_queries)} queries at 10 and 200 conferences")


def test_the_police_officers_work_lists_show_their_invitation_and_their_agencys_report(world: World) -> None:
    conference = world.conferences["corin"]
    police = world.professionals["police_officer"]
    factories.InvitationFactory(conference=conference, professional=police)
    factories.ReportFactory(conference=conference, agency=police.agency)
    page = text(world.client_for("police_officer").get("/conferences/my-work/").content.decode())
    assert f"{conference.reference} Corin Halloway" in page
    assert "No reply yet" in page
    assert f"{conference.reference} {police.agency.name}" in page
    assert "Zephyrine" not in page


def test_the_coordinators_list_filters_by_type_chair_overdue_and_out_of_timescale(world: World) -> None:
    client = world.client_for("chair")
    elowen, corin = world.conferences["elowen"], world.conferences["corin"]
    Conference.objects.filter(pk=elowen.pk).update(due_date=date.today() - timedelta(days=1))
    Conference.objects.filter(pk=corin.pk).update(due_date=date.today() + timedelta(days=30))
    page = text(client.get("/conferences/?overdue=on").content.decode())
    assert elowen.reference in page and corin.reference not in page
    assert "Out of timescale" in page  # Elowen's is booked after its due date
    page = text(client.get("/conferences/?out_of_timescale=on").content.decode())
    assert elowen.reference in page and corin.reference not in page
    page = text(client.get("/conferences/?conference_type=review").content.decode())
    assert "No conferences match" in page
    assert world.conferences["zephyrine"].reference not in text(
        client.get("/conferences/?status=all").content.decode()
    )


def test_only_a_chair_may_adjourn_a_conference_as_not_quorate(world: World) -> None:
    conference = world.conferences["elowen"]
    Conference.objects.filter(pk=conference.pk).update(
        starts_at=datetime.now(tz=LONDON) - timedelta(minutes=30),
        ends_at=datetime.now(tz=LONDON) + timedelta(hours=1),
    )
    conference.refresh_from_db()
    form = {"version": conference.version, "outcome": "inquorate", "reason": "Police absent."}
    assert (
        world.client_for("social_worker")
        .post(f"/conferences/{conference.public_id}/outcome/", form)
        .status_code
        == 403
    )
    response = world.client_for("chair").post(f"/conferences/{conference.public_id}/outcome/", form)
    reconvened = Conference.objects.get(previous=conference)
    assert response["Location"] == f"/conferences/{reconvened.public_id}/"
