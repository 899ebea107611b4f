"""A family and the professionals around them, for the plan tests (R-DE-5, R-PL-1 to R-PL-3, R-AF-3). Every
name is invented; email domains are .example.

Harrowgate (a Staffordshire-policy authority: first core group in 10 working days, visits every 3 weeks)
trusts ``harrowgate.example`` and ``nhs.harrowgate.example`` for content about a child; not the school's
``school.example``. The initial conference about the Thistlewood children (Linnet, 6, and Rook, 3) was held
on Tuesday 24 November 2026 at 10am and decided on a plan for each; "now" is Thursday 26 November 2026.
Their health visitor and Linnet's teacher are allocated to Linnet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from cpconf.conferences.models import ChildDecision, Conference, ConferenceStatus, Recommendation
from cpconf.people.models import (
    AgencyType,
    Authority,
    CaseRole,
    Child,
    FamilyMember,
    Professional,
    Relationship,
    Role,
)
from cpconf.people.services import allocation_create
from cpconf.plans.services.plans import ActionInput
from tests import factories
from tests.plans.factories import ChildDecisionFactory

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
HELD_AT = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
HELD_ON = date(2026, 11, 24)


@dataclass
class Scene:
    authority: Authority
    people: dict[str, Professional]
    children: dict[str, Child]
    mother: FamilyMember
    conference: Conference
    decisions: dict[str, ChildDecision]

    def client_for(self, name: str) -> Client:
        client = Client()
        user = self.people[name].user
        assert user is not None
        client.force_login(user)
        return client


@pytest.fixture
def frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _person(
    agency: object, email: str, given: str, family: str, job: str, roles: list[str], **kw: object
) -> Professional:
    return factories.ProfessionalFactory(
        agency=agency,
        user__email=email,
        user__first_name=given,
        user__last_name=family,
        job_title=job,
        roles=roles,
        **kw,
    )


def build_scene() -> Scene:
    authority = factories.AuthorityFactory(name="Harrowgate Test Council", slug="harrowgate-plans")
    for domain in ("harrowgate.example", "nhs.harrowgate.example"):
        factories.SecureEmailDomainFactory(authority=authority, domain=domain)
    social_care = factories.AgencyFactory(authority=authority, name="Harrowgate Children's Services")
    health = factories.AgencyFactory(
        authority=authority, name="Harrowgate Health Visiting", agency_type=AgencyType.HEALTH
    )
    school = factories.AgencyFactory(
        authority=authority, name="Ferncombe Primary School", agency_type=AgencyType.EDUCATION
    )
    police = factories.AgencyFactory(
        authority=authority, name="Harrowgate Police", agency_type=AgencyType.POLICE
    )
    other = factories.AuthorityFactory(name="Elsewhere Test Council", slug="elsewhere-plans")
    elsewhere = factories.AgencyFactory(authority=other, name="Elsewhere Children's Services")
    people = {
        "social_worker": _person(
            social_care,
            "wilf.ashcombe@harrowgate.example",
            "Wilf",
            "Ashcombe",
            "Social worker",
            [Role.SOCIAL_WORKER],
            qualified_social_worker=True,
        ),
        "unqualified": _person(
            social_care,
            "perry.dunmore@harrowgate.example",
            "Perry",
            "Dunmore",
            "Family support worker",
            [Role.SOCIAL_WORKER],
        ),
        "team_manager": _person(
            social_care,
            "hazel.brightwater@harrowgate.example",
            "Hazel",
            "Brightwater",
            "Team manager",
            [Role.TEAM_MANAGER],
            qualified_social_worker=True,
        ),
        "chair": _person(
            social_care,
            "ottoline.fairley@harrowgate.example",
            "Ottoline",
            "Fairley",
            "Conference chair",
            [Role.CHAIR],
        ),
        "health_visitor": _person(
            health,
            "nell.marchant@nhs.harrowgate.example",
            "Nell",
            "Marchant",
            "Health visitor",
            [Role.AGENCY_PROFESSIONAL],
        ),
        "teacher": _person(
            school,
            "bram.oakhurst@school.example",
            "Bram",
            "Oakhurst",
            "Designated safeguarding lead",
            [Role.AGENCY_PROFESSIONAL],
        ),
        "police": _person(
            police,
            "ida.stonebridge@police.example",
            "Ida",
            "Stonebridge",
            "Detective constable",
            [Role.AGENCY_PROFESSIONAL],
        ),
        "elsewhere": _person(
            elsewhere,
            "cass.renwick@elsewhere.example",
            "Cass",
            "Renwick",
            "Social worker",
            [Role.SOCIAL_WORKER],
            qualified_social_worker=True,
        ),
    }
    linnet = factories.ChildFactory(
        authority=authority, given_name="Linnet", family_name="Thistlewood", date_of_birth=date(2020, 5, 2)
    )
    rook = factories.ChildFactory(
        authority=authority, given_name="Rook", family_name="Thistlewood", date_of_birth=date(2023, 8, 19)
    )
    mother = factories.FamilyMemberFactory(authority=authority, given_name="Carys", family_name="Thistlewood")
    for child in (linnet, rook):
        factories.ChildRelationshipFactory(
            child=child, family_member=mother, relationship=Relationship.MOTHER
        )
    household = factories.HouseholdFactory(
        authority=authority, name="the Thistlewood household", children=[linnet, rook], adults=[mother]
    )
    for name in ("health_visitor", "teacher"):
        allocation_create(
            child=linnet,
            professional=people[name],
            case_role=CaseRole.AGENCY_WORKER,
            start_date=date(2026, 9, 1),
        )
    conference = factories.ConferenceFactory(
        authority=authority,
        household=household,
        children=[linnet, rook],
        status=ConferenceStatus.HELD,
        starts_at=HELD_AT,
        ends_at=HELD_AT.replace(hour=12),
        venue_kind="in_person",
        venue_address="Harrowgate Civic Centre",
        chair=people["chair"],
    )
    decisions = {
        "linnet": ChildDecisionFactory(conference=conference, child=linnet, decided_by=people["chair"]),
        "rook": ChildDecisionFactory(conference=conference, child=rook, decided_by=people["chair"]),
    }
    return Scene(
        authority=authority,
        people=people,
        children={"linnet": linnet, "rook": rook},
        mother=mother,
        conference=conference,
        decisions=decisions,
    )


@pytest.fixture
def scene(db: None, frozen_now: None) -> Scene:
    return build_scene()


def plan_arguments(scene: Scene, child: str = "linnet", **overrides: object) -> dict[str, object]:
    """A complete, valid set of arguments for ``plan_make``."""
    arguments: dict[str, object] = {
        "decision": scene.decisions[child],
        "lead_professional": scene.people["social_worker"],
        "members": [scene.people["health_visitor"], scene.people["teacher"], scene.mother],
        "outcomes": "Linnet and Rook have a clean, warm home and regular meals; they are at school and nursery every day.",
        "contingency": "If the home is not safe by the first review, the social worker will ask for legal advice.",
        "actions": [
            ActionInput(
                what="Go to the parenting course at the family centre",
                owner=scene.mother,
                due_on=date(2027, 1, 15),
            ),
            ActionInput(
                what="Check Rook's weight and development",
                owner=scene.people["health_visitor"],
                due_on=date(2026, 12, 18),
            ),
        ],
        "childs_wishes": "Linnet wants to stay at home and to see her friends after school.",
        "parents_views": "Carys agrees the house needs work and wants help with the children's routines.",
        "family_preference_not_followed": "",
        "visit_interval_days": None,
        "unannounced_visits_required": True,
        "acting_user": scene.people["social_worker"].user,
    }
    arguments.update(overrides)
    return arguments


__all__ = ["HELD_ON", "NOW", "Recommendation", "Scene", "build_scene", "plan_arguments"]
