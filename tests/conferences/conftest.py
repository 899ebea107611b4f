"""A family and the professionals around them, for the invitation tests (R-PR-1 to R-PR-3). Every name is
invented; email domains are .example; NHS numbers come from the range reserved for testing.

Westmere (a Staffordshire-policy authority: children invited from 12, told of advocacy from 5) trusts two
email domains, ``westmere.example`` and ``nhs.westmere.example``; not the police's. The Ashdown children
(Wren, 13 on the conference's day; Pip, 7; Bramble, 4 months) live with their mother and her partner;
their father has parental responsibility and lives elsewhere; their grandmother has neither. The
conference is on Wednesday 14 April 2027, 10am to noon British Summer Time, at Westmere Civic Centre.

The exclusion and attendance tests use the personas' world instead (tests/access/conftest.py, ``world``),
with more people invited to Elowen's conference (``invited``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client

from cpconf.conferences.models import Conference, ConferenceStatus, Invitation, InviteeRole, VenueKind
from cpconf.people.models import (
    Agency,
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
from tests import factories
from tests.access.conftest import World, build_world

LONDON = ZoneInfo("Europe/London")
# "Now" for these tests: two weeks before the conference.
NOW = datetime(2027, 3, 31, 9, 0, tzinfo=UTC)
CONFERENCE_START = datetime(2027, 4, 14, 10, 0, tzinfo=LONDON)
CONFERENCE_END = datetime(2027, 4, 14, 12, 0, tzinfo=LONDON)
SECURE_DOMAINS = ("westmere.example", "nhs.westmere.example")


@dataclass
class Setting:
    authority: Authority
    agencies: dict[str, Agency]
    people: dict[str, Professional]
    children: dict[str, Child]
    family: dict[str, FamilyMember]
    conference: Conference

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


@pytest.fixture
def empty_outbox() -> None:
    mail.outbox.clear()


def _person(agency: Agency, email: str, given: str, family: str, job: str, roles: list[str]) -> Professional:
    return factories.ProfessionalFactory(
        agency=agency,
        user__email=email,
        user__first_name=given,
        user__last_name=family,
        job_title=job,
        roles=roles,
    )


def build_setting(*, policy_profile: str = "staffordshire") -> Setting:
    authority = factories.AuthorityFactory(
        name="Westmere Test Council", slug=f"westmere-{policy_profile}", policy_profile=policy_profile
    )
    for domain in SECURE_DOMAINS:
        factories.SecureEmailDomainFactory(authority=authority, domain=domain)
    agencies = {
        "social_care": factories.AgencyFactory(
            authority=authority,
            name="Westmere Children's Social Care",
            agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
        ),
        "health_visiting": factories.AgencyFactory(
            authority=authority, name="Westmere Health Visiting", agency_type=AgencyType.HEALTH
        ),
        "maternity": factories.AgencyFactory(
            authority=authority, name="Westmere Maternity Service", agency_type=AgencyType.HEALTH
        ),
        "police": factories.AgencyFactory(
            authority=authority, name="Westmere Police Child Protection Unit", agency_type=AgencyType.POLICE
        ),
        "school": factories.AgencyFactory(
            authority=authority, name="Westmere Brook Academy", agency_type=AgencyType.EDUCATION
        ),
    }
    people = {
        "coordinator": _person(
            agencies["social_care"],
            "linnet.carrow@westmere.example",
            "Linnet",
            "Carrow",
            "Conference coordinator",
            [Role.CONFERENCE_COORDINATOR],
        ),
        "social_worker": _person(
            agencies["social_care"],
            "aldous.fenwright@westmere.example",
            "Aldous",
            "Fenwright",
            "Social worker",
            [Role.SOCIAL_WORKER],
        ),
        "health_visitor": _person(
            agencies["health_visiting"],
            "morwenna.tilly@nhs.westmere.example",
            "Morwenna",
            "Tilly",
            "Health visitor",
            [Role.AGENCY_PROFESSIONAL],
        ),
        "midwife": _person(
            agencies["maternity"],
            "bryony.quest@nhs.westmere.example",
            "Bryony",
            "Quest",
            "Community midwife",
            [Role.AGENCY_PROFESSIONAL],
        ),
        "police_officer": _person(
            agencies["police"],
            "caspar.holt@police.westmere.example",
            "Caspar",
            "Holt",
            "Detective constable",
            [Role.AGENCY_PROFESSIONAL],
        ),
        "teacher": _person(
            agencies["school"],
            "ivo.penhallow@brook.westmere.example",
            "Ivo",
            "Penhallow",
            "Designated safeguarding lead",
            [Role.AGENCY_PROFESSIONAL],
        ),
    }
    children = {
        "wren": factories.ChildFactory(
            authority=authority, given_name="Wren", family_name="Ashdown", date_of_birth=date(2014, 2, 10)
        ),
        "pip": factories.ChildFactory(
            authority=authority, given_name="Pip", family_name="Ashdown", date_of_birth=date(2019, 9, 1)
        ),
        "bramble": factories.ChildFactory(
            authority=authority, given_name="Bramble", family_name="Ashdown", date_of_birth=date(2026, 12, 1)
        ),
    }
    family = {
        "mother": factories.FamilyMemberFactory(
            authority=authority,
            given_name="Sorrel",
            family_name="Ashdown",
            email="sorrel.ashdown@mail.example",
        ),
        "partner": factories.FamilyMemberFactory(
            authority=authority, given_name="Hal", family_name="Brennock", email=""
        ),
        "father": factories.FamilyMemberFactory(
            authority=authority, given_name="Tobin", family_name="Ashdown", email="tobin.a@mail.example"
        ),
        "grandmother": factories.FamilyMemberFactory(
            authority=authority, given_name="Ada", family_name="Ashdown", email="ada@mail.example"
        ),
    }
    for child in children.values():
        factories.ChildRelationshipFactory(
            child=child, family_member=family["mother"], relationship=Relationship.MOTHER
        )
        factories.ChildRelationshipFactory(
            child=child,
            family_member=family["partner"],
            relationship=Relationship.PARENTS_PARTNER,
            parental_responsibility=False,
        )
        factories.ChildRelationshipFactory(
            child=child,
            family_member=family["father"],
            relationship=Relationship.FATHER,
            lives_with_child=False,
        )
        factories.ChildRelationshipFactory(
            child=child,
            family_member=family["grandmother"],
            relationship=Relationship.GRANDPARENT,
            parental_responsibility=False,
            lives_with_child=False,
        )
    started = date(2027, 1, 4)
    for child in ("wren", "pip"):
        allocation_create(
            child=children[child],
            professional=people["social_worker"],
            case_role=CaseRole.SOCIAL_WORKER,
            start_date=started,
        )
    allocation_create(
        child=children["bramble"],
        professional=people["health_visitor"],
        case_role=CaseRole.AGENCY_WORKER,
        start_date=started,
    )
    allocation_create(
        child=children["wren"],
        professional=people["teacher"],
        case_role=CaseRole.AGENCY_WORKER,
        start_date=started,
    )
    conference = factories.ConferenceFactory(
        authority=authority,
        children=list(children.values()),
        status=ConferenceStatus.SCHEDULED,
        starts_at=CONFERENCE_START,
        ends_at=CONFERENCE_END,
        venue_kind=VenueKind.BLENDED,
        venue_address="Westmere Civic Centre\nRoom 4\nWestmere WM1 1AA",
        joining_details="https://meet.westmere.example/cp/7731 (passcode 448120)",
        due_date=date(2027, 4, 20),
    )
    return Setting(
        authority=authority,
        agencies=agencies,
        people=people,
        children=children,
        family=family,
        conference=conference,
    )


@pytest.fixture
def setting(db: None, frozen_now: None) -> Setting:
    return build_setting()


# The exclusion and attendance tests: the personas' world.


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@dataclass
class Invited:
    """Elowen's conference and who is invited to it: her mother (invited in the world), her father, the
    mother's supporter, an observer, and the police officer (so that he may ask for an exclusion)."""

    conference: Conference
    mother: Invitation
    father: Invitation
    supporter: Invitation
    observer: Invitation
    police_officer: Invitation


@pytest.fixture
def invited(world: World) -> Invited:
    conference = world.conferences["elowen"]
    father = world.child.relationships.get(relationship=Relationship.FATHER).family_member
    return Invited(
        conference=conference,
        mother=conference.invitations.get(role=InviteeRole.PARENT_OR_CARER),
        father=factories.InvitationFactory(
            conference=conference,
            role=InviteeRole.PARENT_OR_CARER,
            professional=None,
            agency=None,
            family_member=father,
            name=father.full_name,
            email="",
        ),
        supporter=factories.InvitationFactory(
            conference=conference,
            role=InviteeRole.SUPPORTER,
            professional=None,
            agency=None,
            name="Gwenna Trevose",
            email="",
        ),
        observer=factories.InvitationFactory(
            conference=conference,
            role=InviteeRole.OBSERVER,
            professional=None,
            agency=None,
            name="Ysolde Marchbank",
            email="",
        ),
        police_officer=factories.InvitationFactory(
            conference=conference, professional=world.professionals["police_officer"]
        ),
    )
