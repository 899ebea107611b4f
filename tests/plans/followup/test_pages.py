"""The follow-up pages: each shows, records, and shows errors in plain English with nothing saved."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpconf.people.models import Role
from cpconf.plans.models import ChildInNeedPlan, CoreGroupMeeting, PlanStatus, Visit
from tests import factories
from tests.plans.followup.conftest import Family, add_action, add_member, make_family

pytestmark = pytest.mark.django_db


def _client(professional: Any) -> Client:
    client = Client()
    client.force_login(professional.user)
    return client


def _date(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def test_record_a_core_group_meeting_through_the_page(family: Family) -> None:
    member = add_member(family.plan, "Tamsin Goldhawk")
    action = add_action(family.plan, "Register Elspeth with a dentist")
    client = _client(family.team_manager)
    url = reverse("followup:core-group-new", kwargs={"plan_id": family.plan.public_id})
    page = client.get(url)
    assert page.status_code == 200
    assert "The team manager chairs it." in page.content.decode()
    bad = client.post(url, {"chaired_by": ""})
    assert bad.status_code == 200
    content = bad.content.decode()
    assert "govuk-error-summary" in content
    assert "Enter the date of the meeting" in content
    assert "Enter the name of the person who chaired the meeting" in content
    assert not CoreGroupMeeting.objects.exists()
    future = client.post(
        url,
        {
            **_date("held_on", date(2027, 3, 20)),
            "chaired_by": "Berenice Stowell",
            "chaired_by_team_manager": "yes",
            "decisions": "Weekly school reports.",
            f"attended_{member.public_id.hex}": "yes",
            f"action_{action.public_id.hex}": "done",
            f"action_{action.public_id.hex}_version": "1",
        },
    )
    assert "The date of the meeting must be today or in the past" in future.content.decode()
    done = client.post(
        url,
        {
            **_date("held_on", date(2026, 12, 14)),
            "chaired_by": "Lucan Marwood",
            "chaired_by_team_manager": "no",
            "decisions": "Weekly school reports.",
            f"attended_{member.public_id.hex}": "no",
            f"action_{action.public_id.hex}": "done",
            f"action_{action.public_id.hex}_version": "1",
        },
        follow=True,
    )
    content = done.content.decode()
    assert "You recorded the core group meeting." in content
    assert "The team manager should chair the first core group meeting" in content
    meeting = CoreGroupMeeting.objects.get()
    assert meeting.attendance[0]["attended"] is False
    action.refresh_from_db()
    assert action.status == "done"
    # The record circulated later.
    circulated = reverse(
        "followup:core-group-circulated",
        kwargs={"plan_id": family.plan.public_id, "meeting_id": meeting.public_id},
    )
    response = client.post(circulated, {**_date("circulated_on", date(2026, 12, 21)), "version": "1"})
    assert response.status_code == 302
    stale = client.post(circulated, {**_date("circulated_on", date(2026, 12, 22)), "version": "1"})
    assert "after you opened this page" in stale.content.decode()


def test_record_a_visit_through_the_page() -> None:
    family = make_family("staffordshire", unannounced_visits_required=True)
    client = _client(family.social_worker)
    url = reverse("followup:visit-new", kwargs={"plan_id": family.plan.public_id})
    page = client.get(url)
    assert "The conference asked for unannounced visits" in page.content.decode()
    data = {
        "visited_by": str(family.social_worker.public_id),
        "seen_alone": "yes",
        "seen_with_family": "no",
        "unannounced": "yes",
    }
    future = client.post(url, {**data, **_date("visited_on", date(2027, 3, 16))})
    assert "The date of the visit must be today or in the past" in future.content.decode()
    missing = client.post(url, {})
    assert "Select whether the child was seen alone" in missing.content.decode()
    assert not Visit.objects.exists()
    done = client.post(url, {**data, **_date("visited_on", date(2027, 3, 10))}, follow=True)
    assert "You recorded the visit." in done.content.decode()
    assert "1 of the visits recorded was unannounced" in done.content.decode()


def test_the_chair_records_review_outcomes_and_the_staffordshire_refusal(family: Family) -> None:
    conference = family.review()
    client = _client(family.chair)
    listing = client.get(reverse("followup:review-outcomes", kwargs={"conference_id": conference.public_id}))
    assert "Record the decision" in listing.content.decode()
    url = reverse(
        "followup:review-outcome",
        kwargs={"conference_id": conference.public_id, "plan_id": family.plan.public_id},
    )
    page = client.get(url)
    assert "first review and it is under the category of neglect" in page.content.decode()
    refused = client.post(
        url, {"outcome": "end", "ending_reason": "no_longer_at_risk", "version": "1", "step_down": "no"}
    )
    assert "cannot end at its first review" in refused.content.decode()
    family.plan.refresh_from_db()
    assert family.plan.status == PlanStatus.ACTIVE
    no_reason = client.post(url, {"outcome": "end", "version": "1"})
    assert "Select why the plan is ending" in no_reason.content.decode()
    ended = client.post(
        url,
        {
            "outcome": "end",
            "ending_reason": "no_longer_at_risk",
            "child_left_household": "on",
            "version": "1",
            "step_down": "yes",
            "step_down_needs": "Help with routines",
            **_date("step_down_family_consent_on", date(2027, 3, 1)),
        },
        follow=True,
    )
    assert "You recorded the decision" in ended.content.decode()
    family.plan.refresh_from_db()
    assert family.plan.status == PlanStatus.ENDED
    assert ChildInNeedPlan.objects.filter(stepped_down_from=family.plan).exists()


def test_only_the_chair_records_review_outcomes(family: Family) -> None:
    conference = family.review()
    url = reverse(
        "followup:review-outcome",
        kwargs={"conference_id": conference.public_id, "plan_id": family.plan.public_id},
    )
    assert _client(family.social_worker).get(url).status_code == 403


def test_medway_approval_through_the_pages() -> None:
    family = make_family("medway", categories=["physical"])
    conference = family.review()
    chair = _client(family.chair)
    url = reverse(
        "followup:review-outcome",
        kwargs={"conference_id": conference.public_id, "plan_id": family.plan.public_id},
    )
    assert "Assistant Director for Children" in chair.get(url).content.decode()
    chair.post(url, {"outcome": "end", "ending_reason": "no_longer_at_risk", "version": "1"})
    family.plan.refresh_from_db()
    assert family.plan.status == PlanStatus.ENDING_AWAITS_APPROVAL
    manager = _client(family.team_manager)
    approval = reverse("followup:ending-approval", kwargs={"plan_id": family.plan.public_id})
    bad = manager.post(approval, {"version": str(family.plan.version)})
    assert "Enter the name of the person who approved the ending" in bad.content.decode()
    manager.post(
        approval,
        {
            "approved_by": "Perpetua Quarles",
            **_date("approved_on", date(2027, 3, 8)),
            "version": str(family.plan.version),
        },
    )
    family.plan.refresh_from_db()
    assert family.plan.status == PlanStatus.ENDED


def test_end_outside_a_review_through_the_page(family: Family) -> None:
    client = _client(family.team_manager)
    url = reverse("followup:plan-end", kwargs={"plan_id": family.plan.public_id})
    page = client.get(url)
    assert "No longer likely to suffer significant harm" not in page.content.decode()
    refused = client.post(url, {"ending_reason": "no_longer_at_risk", "version": "1", "step_down": "no"})
    assert "Select why the plan is ending" in refused.content.decode()
    client.post(
        url,
        {
            "ending_reason": "left_uk",
            **_date("ended_on", date(2027, 3, 1)),
            "version": "1",
            "step_down": "no",
        },
    )
    family.plan.refresh_from_db()
    assert family.plan.status == PlanStatus.ENDED


def test_overdue_lists_pages(family: Family) -> None:
    client = _client(family.team_manager)
    for name in ("overdue-core-groups", "overdue-visits", "overdue-records", "overdue-eighteen"):
        response = client.get(reverse(f"followup:{name}"))
        assert response.status_code == 200, name
    assert "Elspeth Harrowgate" in client.get(reverse("followup:overdue-core-groups")).content.decode()
    assert "Elspeth Harrowgate" not in client.get(reverse("followup:overdue-visits")).content.decode()
    health = factories.ProfessionalFactory(
        agency__authority=family.authority, agency__agency_type="health", roles=[Role.AGENCY_PROFESSIONAL]
    )
    assert _client(health).get(reverse("followup:overdue-visits")).status_code == 403


def test_another_authoritys_plan_is_not_found(family: Family) -> None:
    elsewhere = make_family()
    client = _client(family.team_manager)
    for name in ("core-groups", "core-group-new", "visits", "visit-new", "plan-end", "ending-approval"):
        assert (
            client.get(reverse(f"followup:{name}", kwargs={"plan_id": elsewhere.plan.public_id})).status_code
            == 404
        )
