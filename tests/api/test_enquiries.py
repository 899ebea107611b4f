"""The enquiries API: strategy discussions, Section 47 enquiries and their outcome, which requests the
initial conference (R-CT-1, R-CT-3, R-CH-1; issue 4, item 10)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from cpconf import clock
from cpconf.access.models import AccessEntry, AuditEntry
from cpconf.enquiries.models import EnquiryOutcome, Section47Enquiry, StrategyDiscussion
from cpconf.people.models import AgencyType
from tests import factories
from tests.access.conftest import World
from tests.api.world import NORTHBRIDGE_SYSTEM, ApiWorld, enquiry_about, household_of


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def _fields(response: Any) -> dict[str | None, str]:
    assert response.status_code == 422, response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.fixture
def social_worker(world: World) -> Client:
    return world.client_for("social_worker")


def _police(world: World) -> Any:
    return world.northbridge.agencies.get(agency_type=AgencyType.POLICE)


# Reading


def test_the_list_shows_the_authoritys_enquiries_newest_first(api_world: ApiWorld) -> None:
    world = api_world.world
    response = world.client_for("social_worker").get("/api/enquiries")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2  # Elowen's household's and Corin's: never Zephyrine's
    assert "Calloway" not in response.content.decode()
    filtered = world.client_for("social_worker").get("/api/enquiries?outcome=no_conference").json()
    assert filtered["count"] == 0


def test_an_enquiry_shows_every_child_of_the_household_and_is_logged_against_each(
    api_world: ApiWorld, social_worker: Client
) -> None:
    world = api_world.world
    enquiry = enquiry_about(world, "elowen")
    response = social_worker.get(f"/api/enquiries/{enquiry.public_id}")
    assert response.status_code == 200
    children = response.json()["children"]
    assert {child["name"] for child in children} == {"Elowen Fairbrass", "Jago Fairbrass"}
    assert all(child["included"] for child in children)
    logged = AccessEntry.objects.filter(what="section-47-enquiry", object_id=enquiry.public_id, allowed=True)
    assert {entry.child_public_id for entry in logged} == {world.child.public_id, world.brother.public_id}


def test_an_agency_professional_is_refused_enquiries_as_on_the_pages(api_world: ApiWorld) -> None:
    client = api_world.world.client_for("health_visitor")
    assert client.get("/api/enquiries").status_code == 403
    enquiry = enquiry_about(api_world.world, "elowen")
    response = client.get(f"/api/enquiries/{enquiry.public_id}")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only children's social care staff record strategy discussions and enquiries."
    }
    assert AccessEntry.objects.filter(what="section-47-enquiry", allowed=False).exists()


def test_another_authoritys_enquiry_is_not_found(api_world: ApiWorld) -> None:
    client = api_world.world.client_for("social_worker")
    theirs = client.get(f"/api/enquiries/{enquiry_about(api_world.world, 'zephyrine').public_id}")
    guessed = client.get(f"/api/enquiries/{uuid.uuid4()}")
    assert theirs.status_code == guessed.status_code == 404
    assert theirs.json() == guessed.json()


def test_the_list_takes_the_same_number_of_queries_for_2_and_20_enquiries(
    api_world: ApiWorld, django_assert_num_queries: Any
) -> None:
    world = api_world.world
    client = api_world.client_for(NORTHBRIDGE_SYSTEM)
    client.get("/api/enquiries")  # warm up
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/enquiries").json()["count"] == 2
    for _ in range(18):
        household = factories.HouseholdFactory(
            authority=world.northbridge, children=[factories.ChildFactory(authority=world.northbridge)]
        )
        enquiry = factories.Section47EnquiryFactory(authority=world.northbridge, household=household)
        enquiry.enquiry_children.create(child=household.children.get())
        enquiry.contributing_agencies.add(_police(world))
    with django_assert_num_queries(len(queries)):
        assert client.get("/api/enquiries?limit=100").json()["count"] == 20


# Strategy discussions


def _discussion_body(world: World, **changes: Any) -> dict[str, Any]:
    body = {
        "household_id": str(household_of(world, "corin").public_id),
        "held_on": str(clock.today() - timedelta(days=1)),
        "agencies_present": [str(_police(world).public_id)],
        "outcome": "section_47",
        "outcome_notes": "Police and health agree the threshold is met.",
    }
    body.update(changes)
    return body


def test_a_strategy_discussion_is_recorded(world: World, social_worker: Client) -> None:
    response = _post(social_worker, "/api/strategy-discussions", _discussion_body(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["household"]["name"] == "the Halloway household"
    assert body["agencies_present"] == [
        {"id": str(_police(world).public_id), "name": "Northbridge Test Police Protection Unit"}
    ]
    discussion = StrategyDiscussion.objects.get(public_id=body["id"])
    assert AuditEntry.objects.filter(object_id=str(discussion.public_id), action="create").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"held_on": "2099-12-31"},
            "held_on",
            "The date of the strategy discussion must be today or in the past.",
        ),
        ({"held_on": "1999-12-31"}, "held_on", "Give a date between 1 January 2000 and 31 December 2099."),
        ({"agencies_present": []}, "agencies_present", "Give at least 1 item."),
        (
            {"agencies_present": ["southmoor"]},
            "agencies_present.0",
            "No agency of your authority has this identifier.",
        ),
        (
            {"outcome": "maybe"},
            "outcome",
            "Choose one of: 'section_47', 'no_further_action' or 'other_support'.",
        ),
        (
            {"household_id": "zephyrine"},
            "household_id",
            "No household of your authority has this identifier.",
        ),
        ({"outcome_notes": "x" * 5001}, "outcome_notes", "Give at most 5000 characters."),
    ],
)
def test_bad_strategy_discussions_are_refused(
    world: World, social_worker: Client, changes: dict[str, Any], field: str, message: str
) -> None:
    names = {
        "southmoor": str(world.southmoor.agencies.order_by("pk").first().public_id),  # type: ignore[union-attr]
        "zephyrine": str(household_of(world, "zephyrine").public_id),
    }
    for key, value in changes.items():
        changes[key] = (
            [names.get(item, item) for item in value] if isinstance(value, list) else names.get(value, value)
        )
    before = StrategyDiscussion.objects.count()
    response = _post(social_worker, "/api/strategy-discussions", _discussion_body(world, **changes))
    assert _fields(response)[field] == message
    assert StrategyDiscussion.objects.count() == before


# Starting an enquiry


def test_an_enquiry_covers_every_child_unless_one_is_left_out_with_a_reason(
    world: World, social_worker: Client
) -> None:
    household = household_of(world, "elowen")
    response = _post(
        social_worker,
        "/api/enquiries",
        {
            "household_id": str(household.public_id),
            "started_on": str(clock.today()),
            "contributing_agencies": [str(_police(world).public_id)],
            "children_left_out": [
                {
                    "child_id": str(world.brother.public_id),
                    "reason": "Lives with his father most of the week.",
                }
            ],
        },
    )
    assert response.status_code == 201, response.content
    children = {child["name"]: child for child in response.json()["children"]}
    assert children["Elowen Fairbrass"]["included"] is True
    assert children["Jago Fairbrass"] == {
        "id": str(world.brother.public_id),
        "name": "Jago Fairbrass",
        "included": False,
        "not_included_reason": "Lives with his father most of the week.",
    }


@pytest.mark.parametrize(
    ("left_out", "field", "message"),
    [
        (
            [{"child_id": "jago", "reason": " "}],
            "children_left_out",
            "Give the reason Jago Fairbrass is not included (R-CH-1).",
        ),
        (
            [{"child_id": "corin", "reason": "Not ours."}],
            "children_left_out.0.child_id",
            "No child of this household has this identifier.",
        ),
        (
            [{"child_id": "jago", "reason": "One."}, {"child_id": "jago", "reason": "Two."}],
            "children_left_out.1.child_id",
            "Name each child once.",
        ),
        (
            [{"child_id": "jago", "reason": "One."}, {"child_id": "elowen", "reason": "Two."}],
            "children_left_out",
            "The enquiry must include at least one child.",
        ),
        ([{"reason": "Who?"}], "children_left_out.0.child_id", "Give this: it is required."),
    ],
)
def test_bad_enquiries_are_refused(
    world: World, social_worker: Client, left_out: list[dict[str, str]], field: str, message: str
) -> None:
    names = {
        "jago": str(world.brother.public_id),
        "elowen": str(world.child.public_id),
        "corin": str(world.unrelated_child.public_id),
    }
    for row in left_out:
        if "child_id" in row:
            row["child_id"] = names[row["child_id"]]
    before = Section47Enquiry.objects.count()
    response = _post(
        social_worker,
        "/api/enquiries",
        {
            "household_id": str(household_of(world, "elowen").public_id),
            "started_on": str(clock.today()),
            "children_left_out": left_out,
        },
    )
    assert _fields(response)[field] == message
    assert Section47Enquiry.objects.count() == before


def test_an_enquiry_started_from_another_households_discussion_is_refused(
    world: World, social_worker: Client
) -> None:
    discussion = _post(social_worker, "/api/strategy-discussions", _discussion_body(world)).json()
    response = _post(
        social_worker,
        "/api/enquiries",
        {
            "household_id": str(household_of(world, "elowen").public_id),
            "started_on": str(clock.today()),
            "strategy_discussion_id": discussion["id"],
        },
    )
    assert (
        _fields(response)["strategy_discussion_id"] == "The strategy discussion was about another household."
    )
    unknown = _post(
        social_worker,
        "/api/enquiries",
        {
            "household_id": str(household_of(world, "elowen").public_id),
            "started_on": str(clock.today()),
            "strategy_discussion_id": str(uuid.uuid4()),
        },
    )
    assert _fields(unknown)["strategy_discussion_id"] == (
        "No strategy discussion of your authority has this identifier."
    )


# The outcome


def test_conference_needed_answers_with_the_initial_conference(api_world: ApiWorld) -> None:
    world = api_world.world
    enquiry = enquiry_about(world, "elowen")
    client = api_world.client_for(NORTHBRIDGE_SYSTEM)
    path = f"/api/enquiries/{enquiry.public_id}/outcome"
    body = {
        "outcome": "conference_needed",
        "reason": "Bruising seen by the school nurse; the explanation does not fit.",
        "concluded_on": str(clock.today()),
    }
    response = _post(client, path, body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["enquiry"]["outcome"] == "conference_needed"
    conference = answer["conference"]
    assert conference["conference_type"] == "initial"
    assert conference["enquiry_id"] == str(enquiry.public_id)
    assert {child["name"] for child in conference["children"]} == {"Elowen Fairbrass", "Jago Fairbrass"}
    assert "(R-CT-1)" in conference["due_date_basis"]
    assert conference["id"] in answer["enquiry"]["conferences"]
    # Written by the authority's own system, and said so in the history.
    entry = AuditEntry.objects.filter(object_id=str(enquiry.public_id), action="change").get()
    assert entry.actor_name == "Returns Robot"
    # Once only.
    assert (
        _fields(_post(client, path, body))[None]
        == "This enquiry already has an outcome: it cannot be concluded twice."
    )


def test_no_conference_needed_answers_with_none(api_world: ApiWorld, social_worker: Client) -> None:
    enquiry = enquiry_about(api_world.world, "corin")
    response = _post(
        social_worker,
        f"/api/enquiries/{enquiry.public_id}/outcome",
        {
            "outcome": "no_conference",
            "reason": "Concerns not substantiated.",
            "concluded_on": str(clock.today()),
        },
    )
    assert response.status_code == 200
    assert response.json()["conference"] is None
    assert Section47Enquiry.objects.get(pk=enquiry.pk).outcome == EnquiryOutcome.NO_CONFERENCE


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"outcome": "open"}, "outcome", "Choose one of: 'conference_needed' or 'no_conference'."),
        ({"reason": "  "}, "reason", "Give the reason for the outcome."),
        (
            {"concluded_on": "2099-01-01"},
            "concluded_on",
            "The date of the outcome must be today or in the past.",
        ),
    ],
)
def test_bad_outcomes_are_refused(
    api_world: ApiWorld, social_worker: Client, changes: dict[str, Any], field: str, message: str
) -> None:
    enquiry = enquiry_about(api_world.world, "corin")
    body = {
        "outcome": "no_conference",
        "reason": "Concerns not substantiated.",
        "concluded_on": str(clock.today()),
    }
    body.update(changes)
    response = _post(social_worker, f"/api/enquiries/{enquiry.public_id}/outcome", body)
    assert _fields(response)[field] == message
    assert Section47Enquiry.objects.get(pk=enquiry.pk).outcome == EnquiryOutcome.OPEN
