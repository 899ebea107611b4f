"""The conferences API: the list and its filters, one conference, and each change, with bad input and
stale versions (R-CT-1 to R-CT-6, R-AF-4; issue 4, item 10)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cpconf import clock
from cpconf.access.models import AccessEntry, AuditEntry
from cpconf.conferences.models import Conference, ConferenceStatus, ConferenceType
from cpconf.people.models import Role
from tests import factories
from tests.access.conftest import World
from tests.api.world import NORTHBRIDGE_SYSTEM, ApiWorld, household_of


def _at(days: int, hour: int) -> datetime:
    day = clock.today() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def _fields(response: Any) -> dict[str | None, str]:
    assert response.status_code == 422, response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.fixture
def chair(world: World) -> Client:
    return world.client_for("chair")


@pytest.fixture
def corin(world: World) -> Conference:
    return world.conferences["corin"]


def _schedule_body(conference: Conference, **changes: Any) -> dict[str, Any]:
    body = {
        "starts_at": _at(12, 10).isoformat(),
        "ends_at": _at(12, 12).isoformat(),
        "venue_kind": "in_person",
        "venue_address": "Room 4, Northbridge Civic Centre",
        "out_of_timescale_reason": "No chair is free before then.",
        "change_reason": "The chair is in court that week.",
        "expected_version": conference.version,
    }
    body.update(changes)
    return body


# The list


def test_the_list_shows_what_the_person_may_see_soonest_due_first_in_pages(
    world: World, chair: Client
) -> None:
    for due in (date(2026, 11, 30), date(2026, 11, 25)):
        factories.ConferenceFactory(
            authority=world.northbridge,
            due_date=due,
            children=[factories.ChildFactory(authority=world.northbridge)],
        )
    page = chair.get("/api/conferences?limit=2&offset=1").json()
    assert page["count"] == 4
    assert (page["limit"], page["offset"]) == (2, 1)
    assert [item["due_date"] for item in page["items"]] == ["2026-11-23", "2026-11-25"]
    # One access-log row for the list, which names no child.
    entry = AccessEntry.objects.order_by("-sequence").first()
    assert entry is not None and entry.what == "conference-list" and entry.child_public_id is None


def test_the_list_filters_by_status_type_overdue_and_out_of_timescale(world: World, chair: Client) -> None:
    authority = world.northbridge
    in_time = factories.ConferenceFactory(
        authority=authority,
        conference_type=ConferenceType.REVIEW,
        due_date=clock.today() + timedelta(days=30),
        status=ConferenceStatus.SCHEDULED,
        starts_at=_at(20, 10),
        ends_at=_at(20, 12),
        children=[factories.ChildFactory(authority=authority)],
    )
    # Elowen's and Corin's: due 23 November 2026, booked ten days from now.
    late = {str(world.conferences["elowen"].public_id), str(world.conferences["corin"].public_id)}

    def ids(query: str) -> set[str]:
        response = chair.get(f"/api/conferences?{query}")
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert ids("type=review") == {str(in_time.public_id)}
    assert ids("status=scheduled") == late | {str(in_time.public_id)}
    assert ids("status=held") == set()
    assert ids("out_of_timescale=true") == late
    assert ids("out_of_timescale=false") == {str(in_time.public_id)}
    assert ids("overdue=true") == late
    assert ids("overdue=false") == {str(in_time.public_id)}


def test_bad_filters_are_explained(chair: Client) -> None:
    response = chair.get("/api/conferences?status=postponed&type=&overdue=perhaps&limit=500")
    errors = _fields(response)
    assert errors["status"].startswith("Choose one of: 'requested', 'scheduled'")
    assert errors["overdue"] == "Give true or false."
    assert errors["limit"] == "Give a number of at most 100."
    assert all(error["location"] == "query" for error in response.json()["errors"])


@pytest.mark.parametrize("persona", ["chair", NORTHBRIDGE_SYSTEM])
def test_the_list_takes_the_same_number_of_queries_for_2_and_20_conferences(
    api_world: ApiWorld, persona: str, django_assert_num_queries: Any
) -> None:
    world = api_world.world
    client = api_world.client_for(persona)
    client.get("/api/conferences")  # warm up: the access chain's first query happens once

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/conferences?limit=100")
        assert response.status_code == 200
        return len(queries)

    at_two = count_queries()
    for _ in range(18):
        child = factories.ChildFactory(authority=world.northbridge)
        factories.ConferenceFactory(
            authority=world.northbridge,
            children=[child, factories.ChildFactory(authority=world.northbridge)],
            chair=world.professionals["chair"],
            household=household_of(world, "elowen"),
        )
    with django_assert_num_queries(at_two):
        response = client.get("/api/conferences?limit=100")
    assert response.json()["count"] == 20


# One conference


def test_a_conference_shows_its_children_due_date_schedule_and_version(world: World, chair: Client) -> None:
    conference = world.conferences["elowen"]
    response = chair.get(f"/api/conferences/{conference.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["children"] == [{"id": str(world.child.public_id), "name": "Elowen Fairbrass"}]
    assert body["due_date"] == "2026-11-23"
    assert body["due_date_basis"].endswith("(R-CT-1).")
    assert body["status"] == "scheduled" and body["status_name"] == "Scheduled"
    assert body["out_of_timescale"] is True
    assert body["schedule"]["venue_kind"] == "online"
    assert body["version"] == conference.version
    assert "pk" not in body and "id" in body
    # The read is logged against each child the conference is about (R-AF-5).
    entry = AccessEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert (entry.what, entry.child_public_id, entry.object_id) == (
        "conference",
        world.child.public_id,
        conference.public_id,
    )


def test_missing_and_not_yours_look_the_same(world: World, chair: Client) -> None:
    theirs = chair.get(f"/api/conferences/{world.conferences['zephyrine'].public_id}")
    guessed = chair.get(f"/api/conferences/{uuid.uuid4()}")
    assert theirs.status_code == guessed.status_code == 404
    assert (
        theirs.json()
        == guessed.json()
        == {"detail": "There is no conference here, or you do not have access to it."}
    )


# Scheduling


def test_scheduling_books_it_and_keeps_the_history(world: World, chair: Client, corin: Conference) -> None:
    chairperson = world.professionals["chair"]
    response = _post(
        chair,
        f"/api/conferences/{corin.public_id}/schedule",
        _schedule_body(corin, chair_id=str(chairperson.public_id)),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["schedule"]["venue_kind"] == "in_person"
    assert body["schedule"]["chair"] == {"id": str(chairperson.public_id), "name": "Idony Cargreave"}
    assert body["schedule"]["sequence"] == 1  # R-AF-4: the date changed, so invitees get an update
    assert body["version"] == corin.version + 1
    entry = AuditEntry.objects.filter(
        object_type="conferences.conference", object_id=str(corin.public_id)
    ).first()
    assert entry is not None and entry.actor_id == world.user("chair").pk
    assert entry.reason == "The chair is in court that week."


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at": _at(12, 9).isoformat()}, "ends_at", "The end time must be after the start time."),
        ({"starts_at": "2026-12-07T10:00:00"}, "starts_at", "Give the time with its offset from UTC"),
        ({"starts_at": "next Tuesday"}, "starts_at", "Give a date and time with its offset from UTC"),
        ({"venue_kind": "by pigeon"}, "venue_kind", "Choose one of: 'in_person', 'online' or 'blended'."),
        ({"venue_address": ""}, "venue_address", "Enter the address where the conference will be held."),
        (
            {"out_of_timescale_reason": ""},
            "out_of_timescale_reason",
            "The conference is due by 23 November 2026.",
        ),
        ({"change_reason": " "}, "change_reason", "Give the reason the date, time or place is changing."),
        (
            {"chair_id": str(uuid.uuid4())},
            "chair_id",
            "No professional of this authority has this identifier.",
        ),
        ({"expected_version": 0}, "expected_version", "Give a number of at least 1."),
        ({"venue_address": "Room 4\x00"}, "venue_address", "Remove the control characters from this text."),
        ({"starts_at": "2150-01-01T10:00:00+00:00"}, "starts_at", "Give a date between 1 January 2000"),
    ],
)
def test_bad_schedules_are_refused_field_by_field_and_nothing_saved(
    chair: Client, corin: Conference, changes: dict[str, Any], field: str, message: str
) -> None:
    response = _post(chair, f"/api/conferences/{corin.public_id}/schedule", _schedule_body(corin, **changes))
    assert _fields(response)[field].startswith(message)
    assert Conference.objects.get(pk=corin.pk).version == corin.version


def test_the_chair_must_hold_the_chair_role(world: World, chair: Client, corin: Conference) -> None:
    social_worker = world.professionals["social_worker"]
    response = _post(
        chair,
        f"/api/conferences/{corin.public_id}/schedule",
        _schedule_body(corin, chair_id=str(social_worker.public_id)),
    )
    assert _fields(response)["chair_id"] == "Lucan Marwood is not recorded as a conference chair."
    # Nor can a chair of another authority be named: not found, like a guessed one.
    other = factories.ProfessionalFactory(agency=factories.AgencyFactory(authority=world.southmoor))
    other.roles.create(role=Role.CHAIR)
    response = _post(
        chair,
        f"/api/conferences/{corin.public_id}/schedule",
        _schedule_body(corin, chair_id=str(other.public_id)),
    )
    assert _fields(response)["chair_id"] == "No professional of this authority has this identifier."


def test_a_stale_version_is_refused_with_409_saying_who_changed_it(
    world: World, chair: Client, corin: Conference
) -> None:
    stale = corin.version
    first = _post(chair, f"/api/conferences/{corin.public_id}/schedule", _schedule_body(corin))
    assert first.status_code == 200
    second = _post(
        world.client_for("team_manager"),
        f"/api/conferences/{corin.public_id}/cancel",
        {"reason": "Duplicate.", "expected_version": stale},
    )
    assert second.status_code == 409
    assert second.json()["detail"].startswith("Idony Cargreave changed this conference on ")
    assert Conference.objects.get(pk=corin.pk).status == ConferenceStatus.SCHEDULED


# Cancel, held, adjourned


def test_cancelling_needs_a_reason_and_happens_once(chair: Client, corin: Conference) -> None:
    path = f"/api/conferences/{corin.public_id}/cancel"
    assert _fields(_post(chair, path, {"reason": " ", "expected_version": corin.version}))["reason"] == (
        "Give the reason the conference is cancelled."
    )
    assert (
        _fields(_post(chair, path, {"expected_version": corin.version}))["reason"]
        == "Give this: it is required."
    )
    done = _post(chair, path, {"reason": "The family moved to Scotland.", "expected_version": corin.version})
    assert done.status_code == 200
    assert done.json()["cancelled_reason"] == "The family moved to Scotland."
    again = _post(chair, path, {"reason": "Again.", "expected_version": done.json()["version"]})
    assert _fields(again)[None] == "This conference is cancelled: it cannot be cancelled."


def test_a_conference_is_recorded_as_held_only_after_it_starts(chair: Client, corin: Conference) -> None:
    path = f"/api/conferences/{corin.public_id}/held"
    early = _post(chair, path, {"expected_version": corin.version})
    assert _fields(early)[None].startswith("The conference starts at ")
    Conference.objects.filter(pk=corin.pk).update(starts_at=clock.now() - timedelta(hours=1))
    held = _post(chair, path, {"expected_version": corin.version})
    assert held.status_code == 200
    assert held.json()["status"] == "held"


def test_an_inquorate_conference_answers_with_the_reconvened_one(chair: Client, corin: Conference) -> None:
    Conference.objects.filter(pk=corin.pk).update(starts_at=clock.now() - timedelta(hours=1))
    response = _post(
        chair,
        f"/api/conferences/{corin.public_id}/inquorate",
        {"reason": "Police and health absent; not enough information.", "expected_version": corin.version},
    )
    assert response.status_code == 201, response.content
    reconvened = response.json()
    assert reconvened["conference_type"] == "reconvened"
    assert reconvened["previous_id"] == str(corin.public_id)
    assert reconvened["status"] == "requested"
    assert "(R-CT-6)" in reconvened["due_date_basis"]
    assert Conference.objects.get(pk=corin.pk).status == ConferenceStatus.INQUORATE


# Requests for a conference


def test_a_review_follows_a_held_conference_once(api_world: ApiWorld) -> None:
    corin = api_world.world.conferences["corin"]
    client = api_world.client_for(NORTHBRIDGE_SYSTEM)
    path = f"/api/conferences/{corin.public_id}/review"
    assert _fields(_post(client, path, {}))[None] == (
        "A review can be requested only after the conference before it has been held."
    )
    Conference.objects.filter(pk=corin.pk).update(
        status=ConferenceStatus.HELD, starts_at=clock.now() - timedelta(days=1), ends_at=clock.now()
    )
    response = _post(client, path, {"dual_process": True})
    assert response.status_code == 201, response.content
    review = response.json()
    assert review["conference_type"] == "dual_process"
    assert "(R-CT-2)" in review["due_date_basis"]
    # Recorded as the authority's own system did it.
    entry = AuditEntry.objects.filter(object_type="conferences.conference", object_id=review["id"]).get()
    assert entry.actor_id == api_world.world.user("service_account").pk
    assert (
        _fields(_post(client, path, {}))[None]
        == "A conference has already been requested to follow this one."
    )


def test_a_transfer_in_conference_is_requested_for_children_of_the_household(
    world: World, chair: Client
) -> None:
    household = household_of(world, "elowen")
    body = {
        "household_id": str(household.public_id),
        "child_ids": [str(world.child.public_id), str(world.brother.public_id)],
        "decided_on": str(clock.today()),
    }
    response = _post(chair, "/api/conferences/transfer-in", body)
    assert response.status_code == 201, response.content
    conference = response.json()
    assert conference["conference_type"] == "transfer_in"
    assert {child["name"] for child in conference["children"]} == {"Elowen Fairbrass", "Jago Fairbrass"}
    assert "(R-CT-4)" in conference["due_date_basis"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"child_ids": []}, "child_ids", "Give at least 1 item."),
        ({"child_ids": ["corin"]}, "child_ids.0", "No child of this household has this identifier."),
        ({"child_ids": ["elowen", "elowen"]}, "child_ids", "Name each child once."),
        (
            {"household_id": "zephyrine"},
            "household_id",
            "No household of your authority has this identifier.",
        ),
        ({"household_id": "not a uuid"}, "household_id", "Give an identifier in the form"),
        (
            {"decided_on": "2099-01-01"},
            "decided_on",
            "The date of the decision must be today or in the past.",
        ),
        ({"decided_on": "20/11/2026"}, "decided_on", "Give a date in the form 2026-11-20."),
        ({"decided_on": "2001-01-01"}, None, "Your authority's timescales do not cover that date"),
    ],
)
def test_bad_transfer_in_requests_are_refused(
    world: World, chair: Client, changes: dict[str, Any], field: str | None, message: str
) -> None:
    names = {
        "elowen": str(world.child.public_id),
        "corin": str(world.unrelated_child.public_id),
        "zephyrine": str(household_of(world, "zephyrine").public_id),
    }
    body: dict[str, Any] = {
        "household_id": str(household_of(world, "elowen").public_id),
        "child_ids": [str(world.child.public_id)],
        "decided_on": str(clock.today()),
    }
    for key, value in changes.items():
        body[key] = (
            [names.get(item, item) for item in value] if isinstance(value, list) else names.get(value, value)
        )
    response = _post(chair, "/api/conferences/transfer-in", body)
    assert _fields(response)[field].startswith(message), response.json()
    assert not Conference.objects.filter(conference_type=ConferenceType.TRANSFER_IN).exists()


def test_a_body_that_is_not_json_is_explained(chair: Client, corin: Conference) -> None:
    response = chair.post(
        f"/api/conferences/{corin.public_id}/cancel", "reason=x", content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The body is not valid JSON.",
        "errors": [{"field": None, "location": "body", "message": "The body is not valid JSON."}],
    }
