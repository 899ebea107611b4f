"""The personas for need-to-know tests (R-AF-5): one fixed, fictional world, shared by every test of who
may see a child's record (tests/access, tests/people/test_child_pages.py, tests/browser/test_child_pages.py).

Northbridge has a child, Elowen Fairbrass, with a brother in the same household; her social worker and
her health visitor are allocated to her. Corin Halloway lives elsewhere in Northbridge and nobody is
allocated to him, but a police duty officer opened his record in an emergency an hour ago (break glass),
and may see it for two hours more. Southmoor, another authority, has Zephyrine Calloway, whose name must
never reach anyone in Northbridge. Northbridge trusts two email domains for content about a child
(``northbridge.example`` and ``nhs.northbridge.example``; not the police's). Every name here is invented;
NHS numbers come from the range reserved for testing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.test import Client

from cpconf import clock
from cpconf.access.models import BreakGlassGrant, EmergencySearch
from cpconf.conferences.agenda import SECTION_KEYS
from cpconf.conferences.models import Conference, ConferenceStatus, Exclusion, InviteeRole
from cpconf.minutes.models import Minutes, MinutesSection
from cpconf.people.demo_data import nhs_number_in_test_range
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
    User,
)
from cpconf.people.services import allocation_create
from cpconf.plans.models import ChildProtectionPlan, CoreGroupMeeting
from tests import factories

# The personas, by name. "signed_out" is the visitor with no session.
PERSONAS = (
    "chair",
    "social_worker",
    "team_manager",
    "safeguarding_manager",
    "authority_administrator",
    "health_visitor",
    "police_officer",
    "duty_officer",
    "performance_analyst",
    "service_account",
    "other_authority_worker",
    "inactive_professional",
    "no_professional_record",
    "superuser",
    "signed_out",
)


@dataclass
class World:
    northbridge: Authority
    southmoor: Authority
    child: Child  # Elowen: her social worker and health visitor are allocated to her
    brother: Child  # in Elowen's household; only social care staff see him
    unrelated_child: Child  # Northbridge; nobody is allocated; the duty officer opened it in an emergency
    southmoor_child: Child  # another authority's child
    users: dict[str, User | None]
    professionals: dict[str, Professional]
    # One conference about each child above (issue 4), so that each sees it as they see the child (the
    # health visitor sees Elowen's through her allocation). No professional is invited: an invitation
    # would let them see the child (tests/conferences covers that). Each has one invitation (Elowen's
    # mother, or an observer), a report owed and an exclusion request, for pages that take their identifiers.
    conferences: dict[str, Conference]
    # An emergency access to each child above, for the review pages: Corin's is the duty officer's (it
    # lasts); Elowen's and Zephyrine's were opened ten days ago by people who are not personas.
    grants: dict[str, BreakGlassGrant]
    # Issue 5: a child protection plan for each child above, made from a decision of that child's
    # conference, with one action and its lead professional in its core group (social care staff, so the
    # core group changes nobody's access here; tests/plans covers a professional who joins).
    plans: dict[str, ChildProtectionPlan] = field(default_factory=dict)

    def user(self, persona: str) -> User:
        user = self.users[persona]
        assert user is not None, f"{persona} has no account"
        return user

    def client_for(self, persona: str) -> Client:
        client = Client()
        user = self.users[persona]
        if user is not None:
            client.force_login(user)
        return client

    def children_of_other_authorities(self, persona: str) -> list[Child]:
        """The children this persona must never see anything of, whatever the page."""
        if persona == "other_authority_worker":
            return [self.child, self.brother, self.unrelated_child]
        return [self.southmoor_child]


def _agency(authority: Authority, name: str, agency_type: str) -> Agency:
    return factories.AgencyFactory(authority=authority, name=name, agency_type=agency_type)


def _professional(
    agency: Agency, email: str, given: str, family: str, job: str, roles: list[str]
) -> Professional:
    return factories.ProfessionalFactory(
        agency=agency,
        user__email=email,
        user__first_name=given,
        user__last_name=family,
        job_title=job,
        roles=roles,
    )


def build_world() -> World:
    """Create the personas and their children (needs the database)."""
    today = clock.today()
    northbridge = factories.AuthorityFactory(name="Northbridge Test City Council", slug="northbridge-access")
    southmoor = factories.AuthorityFactory(name="Southmoor Test Borough Council", slug="southmoor-access")
    social_care = _agency(
        northbridge, "Northbridge Test Children's Social Care", AgencyType.CHILDRENS_SOCIAL_CARE
    )
    health = _agency(northbridge, "Northbridge Test Health Visiting", AgencyType.HEALTH)
    police = _agency(northbridge, "Northbridge Test Police Protection Unit", AgencyType.POLICE)
    southmoor_social_care = _agency(
        southmoor, "Southmoor Test Children's Services", AgencyType.CHILDRENS_SOCIAL_CARE
    )

    professionals = {
        "chair": _professional(
            social_care,
            "idony.cargreave@northbridge.example",
            "Idony",
            "Cargreave",
            "Independent conference chair",
            [Role.CHAIR, Role.CONFERENCE_COORDINATOR],
        ),
        "social_worker": _professional(
            social_care,
            "lucan.marwood@northbridge.example",
            "Lucan",
            "Marwood",
            "Social worker",
            [Role.SOCIAL_WORKER],
        ),
        "team_manager": _professional(
            social_care,
            "berenice.stowell@northbridge.example",
            "Berenice",
            "Stowell",
            "Team manager",
            [Role.TEAM_MANAGER],
        ),
        "safeguarding_manager": _professional(
            social_care,
            "osric.pendleford@northbridge.example",
            "Osric",
            "Pendleford",
            "Safeguarding manager",
            [Role.SAFEGUARDING_MANAGER],
        ),
        "authority_administrator": factories.AuthorityAdministratorFactory(
            agency=social_care,
            user__email="marcia.dunbeck@northbridge.example",
            user__first_name="Marcia",
            user__last_name="Dunbeck",
        ),
        "health_visitor": _professional(
            health,
            "tamsin.goldhawk@nhs.northbridge.example",
            "Tamsin",
            "Goldhawk",
            "Health visitor",
            [Role.AGENCY_PROFESSIONAL],
        ),
        "police_officer": _professional(
            police,
            "rufus.ashbury@police.northbridge.example",
            "Rufus",
            "Ashbury",
            "Detective constable",
            [Role.AGENCY_PROFESSIONAL],
        ),
        # Opened Corin's record in an emergency (below): sees it while that lasts, and nothing else.
        "duty_officer": _professional(
            police,
            "dervla.quennell@police.northbridge.example",
            "Dervla",
            "Quennell",
            "Police duty inspector",
            [Role.AGENCY_PROFESSIONAL],
        ),
        "performance_analyst": _professional(
            social_care,
            "greta.hollins@northbridge.example",
            "Greta",
            "Hollins",
            "Performance analyst",
            [Role.PERFORMANCE_ANALYST],
        ),
        "service_account": _professional(
            social_care,
            "returns.robot@northbridge.example",
            "Returns",
            "Robot",
            "Service account",
            [Role.SERVICE_ACCOUNT],
        ),
        "other_authority_worker": _professional(
            southmoor_social_care,
            "piran.vellacott@southmoor.example",
            "Piran",
            "Vellacott",
            "Social worker",
            [Role.SOCIAL_WORKER, Role.TEAM_MANAGER],
        ),
        "inactive_professional": _professional(
            social_care,
            "hester.quayle@northbridge.example",
            "Hester",
            "Quayle",
            "Social worker (left)",
            [Role.SOCIAL_WORKER, Role.TEAM_MANAGER],
        ),
    }

    child = factories.ChildFactory(
        authority=northbridge,
        given_name="Elowen",
        family_name="Fairbrass",
        nhs_number=nhs_number_in_test_range(101),
        upn="",
    )
    brother = factories.ChildFactory(
        authority=northbridge,
        given_name="Jago",
        family_name="Fairbrass",
        date_of_birth=today - timedelta(days=200),
        nhs_number=nhs_number_in_test_range(102),
    )
    unrelated_child = factories.ChildFactory(
        authority=northbridge,
        given_name="Corin",
        family_name="Halloway",
        nhs_number=nhs_number_in_test_range(103),
    )
    southmoor_child = factories.ChildFactory(
        authority=southmoor,
        given_name="Zephyrine",
        family_name="Calloway",
        nhs_number=nhs_number_in_test_range(104),
    )
    # The mother's contact details are confidential (after domestic abuse); the father's are not.
    mother = factories.FamilyMemberFactory(
        authority=northbridge,
        given_name="Morwen",
        family_name="Fairbrass",
        phone="07700 900111",
        address="Flat 3, 12 Sparrowhawk Lane, Northbridge NB9 9ZZ",
        contact_details_confidential=True,
    )
    father = factories.FamilyMemberFactory(
        authority=northbridge,
        given_name="Tobiah",
        family_name="Penrose",
        phone="07700 900222",
        address="40 Ropewalk Street, Northbridge NB8 8YY",
    )
    for kid in (child, brother):
        factories.ChildRelationshipFactory(child=kid, family_member=mother, relationship=Relationship.MOTHER)
        factories.ChildRelationshipFactory(
            child=kid, family_member=father, relationship=Relationship.FATHER, lives_with_child=False
        )
    factories.HouseholdFactory(
        authority=northbridge,
        name="the Fairbrass household",
        address="Flat 3, 12 Sparrowhawk Lane, Northbridge NB9 9ZZ",
        children=[child, brother],
        adults=[mother],
    )
    factories.HouseholdFactory(
        authority=northbridge, name="the Halloway household", children=[unrelated_child]
    )
    factories.HouseholdFactory(authority=southmoor, name="the Calloway household", children=[southmoor_child])

    started = today - timedelta(days=30)
    allocation_create(
        child=child,
        professional=professionals["social_worker"],
        case_role=CaseRole.SOCIAL_WORKER,
        start_date=started,
    )
    allocation_create(
        child=child,
        professional=professionals["health_visitor"],
        case_role=CaseRole.AGENCY_WORKER,
        start_date=started,
    )
    # She was allocated, but has left: her record is inactive, so the allocation gives her nothing.
    allocation_create(
        child=child,
        professional=professionals["inactive_professional"],
        case_role=CaseRole.SOCIAL_WORKER,
        start_date=started - timedelta(days=300),
    )
    Professional.objects.filter(pk=professionals["inactive_professional"].pk).update(is_active=False)
    # Straight into the table, as if through the emergency access page an hour ago (tests/access/
    # test_break_glass.py goes through the page itself).
    now = clock.now()
    duty_officer = professionals["duty_officer"].user
    assert duty_officer is not None
    grants = {
        "corin": BreakGlassGrant.objects.create(
            user=duty_officer,
            child=unrelated_child,
            reason="Corin was found alone at the bus station at night; checking for a plan before placing him.",
            found_by=EmergencySearch.NAME_AND_DATE_OF_BIRTH,
            started_at=now - timedelta(hours=1),
            expires_at=now + timedelta(hours=2),
        ),
    }
    # Two emergency accesses long over, for the review pages (no persona's: they change nobody's view):
    # Elowen's by an out-of-hours doctor ten days ago, not reviewed; Zephyrine's by a Southmoor officer.
    out_of_hours = _professional(
        health,
        "wenna.trethowan@nhs.northbridge.example",
        "Wenna",
        "Trethowan",
        "Out-of-hours doctor",
        [Role.AGENCY_PROFESSIONAL],
    )
    southmoor_officer = _professional(
        _agency(southmoor, "Southmoor Test Police", AgencyType.POLICE),
        "kenver.polglaze@police.southmoor.example",
        "Kenver",
        "Polglaze",
        "Police constable",
        [Role.AGENCY_PROFESSIONAL],
    )
    for key, opener, kid in (
        ("elowen", out_of_hours, child),
        ("zephyrine", southmoor_officer, southmoor_child),
    ):
        assert opener.user is not None
        grants[key] = BreakGlassGrant.objects.create(
            user=opener.user,
            child=kid,
            reason="Seen at the walk-in centre at night with an injury; checking for a plan before discharge.",
            found_by=EmergencySearch.NHS_NUMBER,
            started_at=now - timedelta(days=10),
            expires_at=now - timedelta(days=10) + timedelta(hours=3),
        )
    for domain in ("northbridge.example", "nhs.northbridge.example"):
        factories.SecureEmailDomainFactory(authority=northbridge, domain=domain)

    conferences = {
        "elowen": _conference(northbridge, child, mother),
        "corin": _conference(northbridge, unrelated_child, None),
        "zephyrine": _conference(southmoor, southmoor_child, None),
    }

    users: dict[str, User | None] = {name: professional.user for name, professional in professionals.items()}
    users["no_professional_record"] = factories.UserFactory(
        email="ambrose.keld@northbridge.example", first_name="Ambrose", last_name="Keld"
    )
    users["superuser"] = factories.SuperuserFactory(email="root@cpconf-access.example")
    users["signed_out"] = None
    assert set(users) == set(PERSONAS)
    plans = {
        "elowen": _plan(conferences["elowen"], child, professionals["social_worker"]),
        "corin": _plan(conferences["corin"], unrelated_child, professionals["social_worker"]),
        "zephyrine": _plan(
            conferences["zephyrine"], southmoor_child, professionals["other_authority_worker"]
        ),
    }
    return World(
        plans=plans,
        northbridge=northbridge,
        southmoor=southmoor,
        child=child,
        brother=brother,
        unrelated_child=unrelated_child,
        southmoor_child=southmoor_child,
        users=users,
        professionals=professionals,
        conferences=conferences,
        grants=grants,
    )


def _conference(authority: Authority, child: Child, parent: FamilyMember | None) -> Conference:
    """A scheduled initial conference about ``child``, with an invitation (the parent's if given, else an
    observer's), a report owed and an exclusion request."""
    household = child.households.get()
    discussion = factories.StrategyDiscussionFactory(authority=authority, household=household)
    enquiry = factories.Section47EnquiryFactory(
        authority=authority, household=household, strategy_discussion=discussion
    )
    conference = factories.ConferenceFactory(
        authority=authority,
        enquiry=enquiry,
        children=[child],
        status=ConferenceStatus.SCHEDULED,
        starts_at=clock.now() + timedelta(days=10),
        ends_at=clock.now() + timedelta(days=10, hours=2),
        venue_kind="online",
        joining_details="A link sent on the day.",
    )
    agency = factories.AgencyFactory(authority=authority, name=f"Matrix test school {conference.reference}")
    factories.ReportFactory(conference=conference, agency=agency)
    family = factories.InvitationFactory(
        conference=conference,
        professional=None,
        agency=None,
        role=InviteeRole.PARENT_OR_CARER if parent else InviteeRole.OBSERVER,
        family_member=parent,
        name=f"{parent.given_name} {parent.family_name}" if parent else "Ysolde Marchbank",
        email="",
    )
    requester = factories.ProfessionalFactory(agency=agency)
    # Draft minutes, every section written, so that the minutes' pages have something to show (issue 5).
    minutes = Minutes.objects.create(conference=conference, started_at=clock.now())
    MinutesSection.objects.bulk_create(
        MinutesSection(minutes=minutes, key=key, text=f"Matrix minutes: {key}.") for key in SECTION_KEYS
    )
    Exclusion.objects.create(
        conference=conference,
        invitation=family,
        requested_by=requester,
        requested_at=clock.now(),
        grounds=["intimidation"],
        details="Threats made to the health visitor last week.",
        sections=["information-without-family"],
    )
    return conference


def _plan(conference: Conference, child: Child, lead: Professional) -> ChildProtectionPlan:
    """A plan for ``child`` from a decision at ``conference``, with an action and a core group."""
    from tests.plans.factories import (
        ChildDecisionFactory,
        CoreGroupMemberFactory,
        PlanActionFactory,
        PlanFactory,
    )

    decision = ChildDecisionFactory(conference=conference, child=child, decided_by=lead)
    plan = PlanFactory(decision=decision, lead_professional=lead)
    PlanActionFactory(plan=plan, owner_professional=lead, owner_name=lead.full_name)
    CoreGroupMemberFactory(plan=plan, professional=lead, name=lead.full_name)
    # One core group meeting, so that ``meeting_id`` has something to name.
    CoreGroupMeeting.objects.create(
        plan=plan,
        held_on=clock.today(),
        chaired_by="A team manager",
        decisions="Carry on.",
        recorded_at=clock.now(),
    )
    return plan


@pytest.fixture
def world(db: None) -> World:
    return build_world()
