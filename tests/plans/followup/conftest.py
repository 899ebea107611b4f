"""Plans to follow up (issue 5, items 3 to 5), made directly with factories: the plans' own making is
another area's. Every name here is invented.

"Now" is Monday 15 March 2027, 10am in London. A plan starts at an initial conference on 1 December 2026,
about a child born on 12 April 2019 who lives in the household the conference was about.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cpconf.conferences.models import (
    ChildDecision,
    Conference,
    ConferenceStatus,
    ConferenceType,
    Recommendation,
)
from cpconf.people.models import Agency, AgencyType, Authority, Child, Household, Professional, Role
from cpconf.plans.models import ChildProtectionPlan, CoreGroupMember, PlanAction
from tests import factories

LONDON = ZoneInfo("Europe/London")
TODAY = date(2027, 3, 15)
NOW = datetime.combine(TODAY, time(10, 0), tzinfo=LONDON)
PLAN_START = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def at_ten(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=LONDON)


@dataclass
class Family:
    """A plan and the people around it, in an authority with the given policy profile."""

    authority: Authority
    social_care: Agency
    chair: Professional
    team_manager: Professional
    social_worker: Professional
    child: Child
    household: Household
    initial: Conference
    plan: ChildProtectionPlan

    def review(
        self,
        held_on: date = date(2027, 3, 1),
        *,
        conference_type: str = ConferenceType.REVIEW,
        status: str = ConferenceStatus.HELD,
        children: list[Child] | None = None,
    ) -> Conference:
        start = at_ten(held_on)
        return factories.ConferenceFactory(
            authority=self.authority,
            conference_type=conference_type,
            status=status,
            household=self.household,
            previous=self.initial,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            chair=self.chair,
            children=children or [self.child],
        )


def make_plan(
    authority: Authority,
    *,
    child: Child | None = None,
    categories: list[str] | None = None,
    start: date = PLAN_START,
    people: dict[str, Professional] | None = None,
    **fields: Any,
) -> ChildProtectionPlan:
    child = child or factories.ChildFactory(authority=authority)
    household = child.households.first() or factories.HouseholdFactory(authority=authority, children=[child])
    lead = (people or {}).get("social_worker") or factories.ProfessionalFactory(
        agency__authority=authority, roles=[Role.SOCIAL_WORKER]
    )
    initial = factories.ConferenceFactory(
        authority=authority,
        status=ConferenceStatus.HELD,
        household=household,
        starts_at=at_ten(start),
        ends_at=at_ten(start) + timedelta(hours=2),
        children=[child],
    )
    decision = ChildDecision.objects.create(
        conference=initial,
        child=child,
        suffered_significant_harm=True,
        likely_to_suffer_significant_harm=True,
        outcome=Recommendation.PLAN,
        categories=categories or ["neglect"],
        decision_rule="majority",
        decided_how="All four agencies recommended a plan.",
        chair_view=Recommendation.PLAN,
        decided_by=lead,
        recorded_at=at_ten(start),
    )
    defaults: dict[str, Any] = {
        "authority": authority,
        "child": child,
        "decision": decision,
        "start_date": start,
        "categories": categories or ["neglect"],
        "lead_professional": lead,
        "outcomes": "Elspeth is fed, clean and at school every day.",
        "contingency": "A legal planning meeting if the home conditions do not improve.",
        "first_core_group_due": date(2026, 12, 15),
        "next_review_due": date(2027, 3, 1),
    }
    defaults.update(fields)
    return ChildProtectionPlan.objects.create(**defaults)


def make_family(
    profile: str = "staffordshire", *, categories: list[str] | None = None, **fields: Any
) -> Family:
    authority = factories.AuthorityFactory(policy_profile=profile)
    social_care = factories.AgencyFactory(
        authority=authority,
        name=f"{authority.name} Children's Services",
        agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
    )
    people = {
        "chair": factories.ProfessionalFactory(agency=social_care, roles=[Role.CHAIR], job_title="Chair"),
        "team_manager": factories.ProfessionalFactory(
            agency=social_care, roles=[Role.TEAM_MANAGER], job_title="Team manager"
        ),
        "social_worker": factories.ProfessionalFactory(agency=social_care, roles=[Role.SOCIAL_WORKER]),
    }
    child = factories.ChildFactory(authority=authority, given_name="Elspeth", family_name="Harrowgate")
    household = factories.HouseholdFactory(
        authority=authority, name="the Harrowgate household", children=[child]
    )
    plan = make_plan(authority, child=child, categories=categories, people=people, **fields)
    return Family(
        authority=authority,
        social_care=social_care,
        child=child,
        household=household,
        initial=plan.decision.conference,
        plan=plan,
        **people,
    )


def add_member(
    plan: ChildProtectionPlan, name: str, *, professional: Professional | None = None
) -> CoreGroupMember:
    professional = professional or factories.ProfessionalFactory(agency__authority=plan.authority)
    return CoreGroupMember.objects.create(
        plan=plan, professional=professional, name=name, joined_on=plan.start_date
    )


def add_action(plan: ChildProtectionPlan, what: str, **fields: Any) -> PlanAction:
    values: dict[str, Any] = {
        "plan": plan,
        "what": what,
        "owner_name": "Lucan Marwood",
        "due_on": date(2027, 2, 1),
    }
    values.update(fields)
    return PlanAction.objects.create(**values)


@pytest.fixture
def family(db: None) -> Family:
    return make_family("staffordshire")
