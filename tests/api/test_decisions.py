"""The decisions API (R-DE-1 to R-DE-6): each child's views and decision, recording a view and a decision,
with bad input (422 per field), a second decision (409), a child the conference is not about, and who may.
Who may, for every persona, is in tests/api/test_permission_matrix.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from cpconf.conferences.models import AgencyView, ChildDecision
from tests import factories
from tests.conferences.decisions_setting import AFTER_CONFERENCE, Decisions, build_decisions


@pytest.fixture
def held(db: None) -> Iterator[Decisions]:
    with time_machine.travel(AFTER_CONFERENCE, tick=False):
        yield build_decisions()


def client_for(decisions: Decisions, name: str) -> Client:
    client = Client()
    person = decisions.chair if name == "chair" else decisions.setting.people[name]
    assert person.user is not None
    client.force_login(person.user)
    return client


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def views_url(decisions: Decisions) -> str:
    return f"/api/conferences/{decisions.conference.public_id}/views"


def decisions_url(decisions: Decisions) -> str:
    return f"/api/conferences/{decisions.conference.public_id}/decisions"


def view_body(decisions: Decisions, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "child_id": str(decisions.wren.public_id),
        "invitation_id": str(decisions.invitations["police_officer"].public_id),
        "recommendation": "plan",
        "categories": ["neglect"],
        "rationale": "Repeated missed health appointments.",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def decision_body(decisions: Decisions, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "child_id": str(decisions.wren.public_id),
        "suffered_significant_harm": True,
        "likely_to_suffer_significant_harm": True,
        "chair_view": "plan",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def test_views_then_a_decision_then_the_list(held: Decisions) -> None:
    client = client_for(held, "chair")
    response = _post(client, views_url(held), view_body(held))
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == "present"
    assert response.json()["given_by"] == "Caspar Holt"
    response = _post(
        client,
        views_url(held),
        view_body(
            held,
            invitation_id=None,
            report_id=str(held.school_report.public_id),
            recommendation="no_further_action",
            categories=[],
        ),
    )
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == "written_report"
    response = _post(client, decisions_url(held), decision_body(held))
    assert response.status_code == 201, response.json()
    decision = response.json()
    assert decision["outcome"] == "plan"
    assert decision["categories"] == ["neglect"]
    assert decision["casting_vote_used"] is True
    assert decision["decided_by"]["name"] == "Oriel Sandcombe"
    assert decision["summary"].startswith("Wren Ashdown is to have a child protection plan")

    listed = client.get(decisions_url(held))
    assert listed.status_code == 200
    rows = {row["child"]["name"]: row for row in listed.json()}
    assert list(rows) == ["Wren Ashdown", "Pip Ashdown", "Bramble Ashdown"]
    assert rows["Wren Ashdown"]["decision"]["id"] == decision["id"]
    assert [view["agency"]["name"] for view in rows["Wren Ashdown"]["views"]] == [
        "Westmere Brook Academy",
        "Westmere Police Child Protection Unit",
    ]
    assert rows["Pip Ashdown"]["decision"] is None
    assert {still["agency"]["name"] for still in rows["Pip Ashdown"]["not_given"]} == {
        "Westmere Brook Academy",
        "Westmere Children's Social Care",
        "Westmere Health Visiting",
        "Westmere Maternity Service",
        "Westmere Police Child Protection Unit",
    }
    assert len(rows["Pip Ashdown"]["sources"]) == 4


def test_a_second_decision_for_the_child_is_a_conflict(held: Decisions) -> None:
    client = client_for(held, "chair")
    assert _post(client, views_url(held), view_body(held)).status_code == 201
    assert _post(client, decisions_url(held), decision_body(held)).status_code == 201
    response = _post(client, decisions_url(held), decision_body(held, chair_view="no_further_action"))
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "A decision has already been recorded for this child at this conference: Wren Ashdown."
    )
    assert ChildDecision.objects.count() == 1


def test_bad_input_is_refused_field_by_field(held: Decisions) -> None:
    client = client_for(held, "chair")
    response = _post(client, views_url(held), view_body(held, recommendation="no_further_action"))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "categories",
            "location": "body",
            "message": "Only select a category if the agency recommends a child protection plan",
        }
    ]
    response = _post(client, views_url(held), view_body(held, invitation_id=None))
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["invitation_id"]
    assert _post(client, views_url(held), view_body(held)).status_code == 201
    response = _post(client, views_url(held), view_body(held, recommendation="child_in_need", categories=[]))
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"].startswith(
        "Westmere Police Child Protection Unit has already given its view on Wren Ashdown"
    )
    response = _post(client, decisions_url(held), decision_body(held, likely_to_suffer_significant_harm=None))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "likely_to_suffer_significant_harm"
    response = _post(client, decisions_url(held), decision_body(held, chair_view="child_in_need"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "chair_disagreement"
    assert AgencyView.objects.count() == 1
    assert ChildDecision.objects.count() == 0


def test_a_child_the_conference_is_not_about_is_named_as_the_problem(held: Decisions) -> None:
    other = factories.ChildFactory(
        authority=held.setting.authority, given_name="Linden", family_name="Ashdown"
    )
    response = _post(
        client_for(held, "chair"), views_url(held), view_body(held, child_id=str(other.public_id))
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "child_id", "location": "body", "message": "Choose a child this conference is about."}
    ]


def test_a_coordinator_records_for_the_chair_and_a_social_worker_may_not(held: Decisions) -> None:
    assert _post(client_for(held, "coordinator"), views_url(held), view_body(held)).status_code == 201
    response = _post(client_for(held, "coordinator"), decisions_url(held), decision_body(held))
    assert response.status_code == 201
    assert response.json()["decided_by"]["name"] == "Oriel Sandcombe"
    assert (
        _post(client_for(held, "social_worker"), decisions_url(held), decision_body(held)).status_code == 403
    )
    assert client_for(held, "social_worker").get(decisions_url(held)).status_code == 200


def test_a_view_is_corrected_with_its_version_and_a_stale_correction_is_a_conflict(held: Decisions) -> None:
    client = client_for(held, "chair")
    recorded = _post(client, views_url(held), view_body(held)).json()
    assert recorded["version"] == 1
    change = {
        "view_id": recorded["id"],
        "recommendation": "child_in_need",
        "rationale": "Support for the family first.",
        "expected_version": 1,
    }
    response = _post(client, f"{views_url(held)}/change", change)
    assert response.status_code == 200, response.json()
    assert (response.json()["recommendation"], response.json()["version"]) == ("child_in_need", 2)
    response = _post(client, f"{views_url(held)}/change", {**change, "recommendation": "no_further_action"})
    assert response.status_code == 409
    assert "after you opened this page" in response.json()["detail"]
    response = _post(client, f"{views_url(held)}/change", {**change, "view_id": str(held.wren.public_id)})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "view_id"
    assert AgencyView.objects.get().recommendation == "child_in_need"
