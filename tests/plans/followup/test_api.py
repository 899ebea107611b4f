"""The follow-up API (issue 5): a core group meeting, a visit, a review's outcome, the overdue lists; 422
per field, 409 for a stale version, nothing saved on a refusal."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from cpconf.plans.models import CoreGroupMeeting, PlanReview, PlanStatus, Visit
from tests.plans.followup.conftest import Family, add_member, make_family

pytestmark = pytest.mark.django_db


def _client(professional: Any) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(professional.user)
    return client


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_record_a_core_group_meeting(family: Family) -> None:
    member = add_member(family.plan, "Tamsin Goldhawk")
    path = f"/api/plans/{family.plan.public_id}/core-group-meetings"
    body = {
        "held_on": "2026-12-14",
        "chaired_by": "Lucan Marwood",
        "chaired_by_team_manager": False,
        "attendance": [{"member_id": str(member.public_id), "attended": True}],
        "decisions": "Weekly school reports.",
    }
    client = _client(family.team_manager)
    future = _post(client, path, {**body, "held_on": "2027-03-16"})
    assert future.status_code == 422
    assert future.json()["errors"][0]["field"] == "held_on"
    missing = _post(client, path, {**body, "attendance": []})
    assert missing.status_code == 422
    assert not CoreGroupMeeting.objects.exists()
    response = _post(client, path, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["plan_next_core_group_due"] == "2027-01-25"
    assert data["record_due"] == "2026-12-30"
    assert "team manager should chair" in data["warning"]


def test_record_a_visit(family: Family) -> None:
    path = f"/api/plans/{family.plan.public_id}/visits"
    body = {
        "visited_on": "2027-03-10",
        "visited_by_id": str(family.social_worker.public_id),
        "seen_alone": True,
        "seen_with_family": False,
    }
    client = _client(family.social_worker)
    assert _post(client, path, {**body, "visited_on": "2027-03-20"}).status_code == 422
    elsewhere = make_family()
    wrong = _post(client, path, {**body, "visited_by_id": str(elsewhere.social_worker.public_id)})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "visited_by_id"
    assert not Visit.objects.exists()
    response = _post(client, path, body)
    assert response.status_code == 201
    assert response.json()["plan_next_visit_due"] == "2027-03-31"
    assert _post(client, f"/api/plans/{elsewhere.plan.public_id}/visits", body).status_code == 404


def test_review_outcome_refusals_and_success(family: Family) -> None:
    conference = family.review()
    path = f"/api/conferences/{conference.public_id}/plans/{family.plan.public_id}/review-outcome"
    chair = _client(family.chair)
    refused = _post(
        chair, path, {"outcome": "end", "ending_reason": "no_longer_at_risk", "expected_version": 1}
    )
    assert refused.status_code == 422
    assert "first review" in refused.json()["errors"][0]["message"]
    no_reason = _post(chair, path, {"outcome": "end", "expected_version": 1})
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "ending_reason"
    stale = _post(chair, path, {"outcome": "continue", "expected_version": 7})
    assert stale.status_code == 409
    assert not PlanReview.objects.exists()
    assert (
        _post(_client(family.social_worker), path, {"outcome": "continue", "expected_version": 1}).status_code
        == 403
    )
    done = _post(chair, path, {"outcome": "continue", "expected_version": 1})
    assert done.status_code == 201
    assert done.json()["next_review_due"] == "2027-09-01"


def test_medway_ending_waits_for_approval_through_the_api() -> None:
    family = make_family("medway", categories=["physical"])
    conference = family.review()
    path = f"/api/conferences/{conference.public_id}/plans/{family.plan.public_id}/review-outcome"
    response = _post(
        _client(family.chair),
        path,
        {"outcome": "end", "ending_reason": "no_longer_at_risk", "expected_version": 1},
    )
    assert response.status_code == 201
    assert response.json()["plan_status"] == PlanStatus.ENDING_AWAITS_APPROVAL
    assert response.json()["awaits_approval_by"] == "Assistant Director for Children's Care"


def test_overdue_lists(family: Family) -> None:
    client = _client(family.team_manager)
    response = client.get("/api/plans/overdue?list=core-groups")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["items"][0]["due_on"] == str(date(2026, 12, 15))
    assert client.get("/api/plans/overdue?list=visits").json()["count"] == 0
    assert client.get("/api/plans/overdue?list=nonsense").status_code == 422
