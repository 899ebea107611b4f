"""The need-to-know rules (R-AF-5): each predicate and its twin filter say the same, for anyone.

The property test draws random authorities, agencies, roles, leavers, superusers, allocations (some
current, some ended, some not started, some even crossing authorities, which the services refuse but the
rules must survive) and emergency accesses (break glass: some lasting, some expired, some not begun, some
for another authority's child or held by social care staff, which the service never opens) and checks,
for every person and child, that these four agree:
``child in children_visible_to(user)``, ``may(user, VIEW_CHILD, child)``, ``user.has_perm(...)`` (for
anyone but a superuser, whom Django lets through before asking the rules) and ``child_for`` succeeding;
and that all four match the rule as the issue states it, written out independently below. It checks
who may open a record in an emergency the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.http import Http404
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cpconf import clock
from cpconf.access import gateways
from cpconf.access.models import BreakGlassGrant, EmergencySearch
from cpconf.access.rules import (
    CASE_ROLES,
    INVITATION_ACCESS_DAYS,
    OPEN_IN_EMERGENCY,
    SEE_CHILDREN,
    SOCIAL_CARE_ROLES,
    VIEW_CHILD,
    VIEW_CHILD_ACCESS_HISTORY,
    VIEW_CONFERENCE,
    VIEW_CONFIDENTIAL_CONTACT_DETAILS,
    belongs_to_childs_authority,
    is_involved_with_child,
    may,
    may_see_any_child,
    visible_conferences_filter,
)
from cpconf.access.selectors import children_visible_to
from cpconf.conferences.models import Conference
from cpconf.people.models import AgencyType, Allocation, CaseRole, Child, Professional, Role, User
from cpconf.people.selectors import professional_for_user_forget
from cpconf.plans.models import ChildProtectionPlan, PlanStatus
from tests import factories
from tests.access.conftest import World
from tests.plans.factories import ChildDecisionFactory, CoreGroupMemberFactory, PlanFactory

AGENCY_TYPES = [AgencyType.CHILDRENS_SOCIAL_CARE] * 2 + [
    AgencyType.HEALTH,
    AgencyType.POLICE,
    AgencyType.EDUCATION,
]
# Most of what decides a case happens within one authority: make a second one less likely.
AUTHORITIES = [0, 0, 1]


# The rule as the issue states it (item 2), written out plainly, to check the code against.


@dataclass(frozen=True)
class PersonSpec:
    authority: int
    agency_type: str
    roles: frozenset[str]
    record_active: bool
    account_active: bool
    superuser: bool


@dataclass(frozen=True)
class AllocationSpec:
    person: int
    child: int
    starts_in_days: int  # negative: started in the past
    lasts_days: int | None  # None: no end date


@dataclass(frozen=True)
class GrantSpec:
    person: int
    child: int
    started_minutes_ago: int  # negative: starts in the future (never made by the service)
    lasts_minutes: int


@dataclass(frozen=True)
class InvitationSpec:
    """An invitation of a person to a conference about one child (and perhaps a second, ``also``)."""

    person: int
    child: int
    also: int | None
    status: str
    starts_days_ago: int | None  # None: not booked; negative: in the future
    withdrawn: bool


@dataclass(frozen=True)
class MembershipSpec:
    """Membership of a child's core group (R-PL-3, R-AF-5), of a plan that has ended or not."""

    person: int
    child: int
    joined_days_ago: int  # negative: joins in the future
    left_days_ago: int | None  # None: still a member; negative: leaves in the future
    plan_ended: bool


def membership_is_current(membership: MembershipSpec) -> bool:
    # From the day they joined; until the day they leave (that day they see nothing); while the plan lasts.
    if membership.plan_ended or membership.joined_days_ago < 0:
        return False
    return membership.left_days_ago is None or membership.left_days_ago < 0


def invitation_is_current(invitation: InvitationSpec) -> bool:
    # R-AF-5: while the conference is to come, and for 60 days after its date; never once cancelled.
    if invitation.withdrawn or invitation.status == "cancelled":
        return False
    if invitation.status in {"requested", "scheduled"}:
        return True
    return invitation.starts_days_ago is not None and invitation.starts_days_ago <= INVITATION_ACCESS_DAYS


def grant_is_current(grant: GrantSpec) -> bool:
    # From its start, up to but not including its end.
    return grant.started_minutes_ago >= 0 and grant.lasts_minutes > grant.started_minutes_ago


def allocation_is_current(allocation: AllocationSpec) -> bool:
    if allocation.starts_in_days > 0:
        return False
    if allocation.lasts_days is None:
        return True
    return allocation.starts_in_days + allocation.lasts_days >= 0


def expected_to_see_any_child(person: PersonSpec) -> bool:
    if not (person.account_active and person.record_active) or person.superuser:
        return False
    return Role.SERVICE_ACCOUNT not in person.roles and bool(person.roles & CASE_ROLES)


def expected_social_care_staff(person: PersonSpec) -> bool:
    return person.agency_type == AgencyType.CHILDRENS_SOCIAL_CARE and bool(person.roles & SOCIAL_CARE_ROLES)


def expected_to_see(person: PersonSpec, child_authority: int, allocations: list[AllocationSpec],
                    grants: list[GrantSpec], index: int, child_index: int,
                    invitations: Sequence[InvitationSpec] = (),
                    memberships: Sequence[MembershipSpec] = ()) -> bool:  # fmt: skip
    if not expected_to_see_any_child(person):
        return False
    if person.authority != child_authority:
        return False
    if expected_social_care_staff(person):
        return True
    allocated = any(
        a.person == index and a.child == child_index and allocation_is_current(a) for a in allocations
    )
    opened = any(g.person == index and g.child == child_index and grant_is_current(g) for g in grants)
    invited = any(
        i.person == index and child_index in {i.child, i.also} and invitation_is_current(i)
        for i in invitations
    )
    in_core_group = any(
        m.person == index and m.child == child_index and membership_is_current(m) for m in memberships
    )
    return allocated or opened or invited or in_core_group


def expected_to_open_in_emergency(person: PersonSpec) -> bool:
    # Break glass is for people who work with children and see only those they are involved with.
    return expected_to_see_any_child(person) and not expected_social_care_staff(person)


people = st.builds(
    PersonSpec,
    authority=st.sampled_from(AUTHORITIES),
    agency_type=st.sampled_from(AGENCY_TYPES),
    # Every role can appear; the ones that decide most are drawn more often.
    roles=st.frozensets(
        st.sampled_from([*Role.values, Role.SOCIAL_WORKER, *[Role.AGENCY_PROFESSIONAL] * 3]), max_size=3
    ),
    record_active=st.sampled_from([True] * 5 + [False]),
    account_active=st.sampled_from([True] * 5 + [False]),
    superuser=st.sampled_from([False] * 5 + [True]),
)


WorldSpec = tuple[
    list[PersonSpec],
    list[int],
    list[AllocationSpec],
    list[GrantSpec],
    list[InvitationSpec],
    list[MembershipSpec],
]


@st.composite
def worlds(draw: st.DrawFn) -> WorldSpec:
    persons = draw(st.lists(people, min_size=1, max_size=4))
    children = draw(st.lists(st.sampled_from(AUTHORITIES), min_size=1, max_size=3))
    allocations = draw(
        st.lists(
            st.builds(
                AllocationSpec,
                person=st.integers(0, len(persons) - 1),
                child=st.integers(0, len(children) - 1),
                # The boundaries: started long ago, yesterday, today or tomorrow; ends before, on or after today.
                starts_in_days=st.sampled_from([-400, -30, -1, 0, 1]),
                lasts_days=st.sampled_from([None, None, 0, 1, 29, 30, 31, 500]),
            ),
            min_size=1,
            max_size=6,
            unique_by=lambda a: (a.person, a.child),
        )
    )
    grants = draw(
        st.lists(
            st.builds(
                GrantSpec,
                person=st.integers(0, len(persons) - 1),
                child=st.integers(0, len(children) - 1),
                # The boundaries: not begun, begun this instant, an hour or more ago; ending before, at,
                # or after now (60 minutes lasting 60 ends exactly now, and is over).
                started_minutes_ago=st.sampled_from([-30, 0, 60, 200]),
                lasts_minutes=st.sampled_from([1, 60, 180, 240]),
            ),
            max_size=3,
            unique_by=lambda g: (g.person, g.child),
        )
    )
    invitations = draw(
        st.lists(
            st.builds(
                InvitationSpec,
                person=st.integers(0, len(persons) - 1),
                child=st.integers(0, len(children) - 1),
                also=st.one_of(st.none(), st.integers(0, len(children) - 1)),
                status=st.sampled_from(
                    ["requested", "scheduled", "scheduled", "held", "inquorate", "cancelled"]
                ),
                starts_days_ago=st.sampled_from([None, -5, 10, 59, 61, 200]),
                withdrawn=st.sampled_from([False, False, True]),
            ),
            max_size=3,
        )
    )
    memberships = draw(
        st.lists(
            st.builds(
                MembershipSpec,
                person=st.integers(0, len(persons) - 1),
                child=st.integers(0, len(children) - 1),
                # The boundaries: joins tomorrow, joined today or earlier; left yesterday, today, leaves
                # tomorrow, or still a member.
                joined_days_ago=st.sampled_from([-1, 0, 30]),
                left_days_ago=st.sampled_from([None, None, 1, 0, -1]),
                plan_ended=st.sampled_from([False, False, True]),
            ),
            max_size=3,
            unique_by=lambda m: (m.person, m.child, m.plan_ended),
        )
    )
    return persons, children, allocations, grants, invitations, memberships


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=worlds())
@pytest.mark.django_db
def test_the_selector_the_predicate_has_perm_and_the_gateway_always_agree(spec: WorldSpec) -> None:
    # One instant for the whole example, so that an access ending "now" is over, whatever the machine.
    with time_machine.travel(clock.now(), tick=False):
        _check_world(spec)


def _check_world(spec: WorldSpec) -> None:
    persons, child_authorities, allocation_specs, grant_specs, invitation_specs, membership_specs = spec
    today = clock.today()
    now = clock.now()
    # Fresh authorities for every example: earlier examples' rows stay, but never match these.
    authorities = [factories.AuthorityFactory(), factories.AuthorityFactory()]
    children = [factories.ChildFactory(authority=authorities[a]) for a in child_authorities]
    professionals = []
    for person in persons:
        agency = factories.AgencyFactory(
            authority=authorities[person.authority], agency_type=person.agency_type
        )
        professional = factories.ProfessionalFactory(
            agency=agency,
            is_active=person.record_active,
            user__is_active=person.account_active,
            user__is_superuser=person.superuser,
            roles=sorted(person.roles),
        )
        professionals.append(professional)
    # Straight into the table: the rules must hold even for data the services would refuse.
    Allocation.objects.bulk_create(
        Allocation(
            child=children[a.child],
            professional=professionals[a.person],
            case_role=CaseRole.AGENCY_WORKER,
            start_date=today + timedelta(days=a.starts_in_days),
            end_date=None
            if a.lasts_days is None
            else today + timedelta(days=a.starts_in_days + a.lasts_days),
        )
        for a in allocation_specs
    )
    BreakGlassGrant.objects.bulk_create(
        BreakGlassGrant(
            user_id=professionals[g.person].user_id,
            child=children[g.child],
            reason="An emergency drawn by the property test, at least twenty characters.",
            found_by=EmergencySearch.NHS_NUMBER,
            started_at=now - timedelta(minutes=g.started_minutes_ago),
            expires_at=now - timedelta(minutes=g.started_minutes_ago) + timedelta(minutes=g.lasts_minutes),
        )
        for g in grant_specs
    )
    conferences = []
    for i in invitation_specs:
        about = sorted({i.child} | ({i.also} if i.also is not None else set()))
        starts_at = None if i.starts_days_ago is None else now - timedelta(days=i.starts_days_ago)
        conference = factories.ConferenceFactory(
            authority=children[i.child].authority,  # a second child of another authority: refused by services
            children=[children[c] for c in about],
            status=i.status,
            starts_at=starts_at,
            ends_at=None if starts_at is None else starts_at + timedelta(hours=2),
            cancelled_reason="Drawn by the property test." if i.status == "cancelled" else "",
        )
        factories.InvitationFactory(
            conference=conference,
            professional=professionals[i.person],
            withdrawn_at=now if i.withdrawn else None,
        )
        conferences.append((conference, about))
    # Core groups: one plan per child that has not ended, and one that has, made when first needed.
    plans: dict[tuple[int, bool], ChildProtectionPlan] = {}
    for m in membership_specs:
        key = (m.child, m.plan_ended)
        if key not in plans:
            child = children[m.child]
            decision = ChildDecisionFactory(
                conference=factories.ConferenceFactory(authority=child.authority, children=[child]),
                child=child,
            )
            plans[key] = PlanFactory(
                decision=decision,
                status=PlanStatus.ENDED if m.plan_ended else PlanStatus.ACTIVE,
                ending_reason="no_longer_at_risk" if m.plan_ended else "",
            )
        CoreGroupMemberFactory(
            plan=plans[key],
            professional=professionals[m.person],
            joined_on=today - timedelta(days=m.joined_days_ago),
            left_on=None if m.left_days_ago is None else today - timedelta(days=m.left_days_ago),
        )
    ids = [child.pk for child in children]
    for index, (person, professional) in enumerate(zip(persons, professionals, strict=True)):
        user = User.objects.get(pk=professional.user_id)
        listed = set(children_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
        assert may(user, OPEN_IN_EMERGENCY) is expected_to_open_in_emergency(person)
        for child_index, child in enumerate(children):
            expected = expected_to_see(
                person,
                child_authorities[child_index],
                allocation_specs,
                grant_specs,
                index,
                child_index,
                invitation_specs,
                membership_specs,
            )
            event("sees the child" if expected else "does not see the child")
            if any(g.person == index and g.child == child_index and grant_is_current(g) for g in grant_specs):
                event("holds a lasting emergency access: " + ("sees" if expected else "does not see"))
            if any(m.person == index and m.child == child_index for m in membership_specs):
                event("in the child's core group: " + ("sees" if expected else "does not see"))
            assert (child.pk in listed) is expected
            assert may(user, VIEW_CHILD, child) is expected
            if not person.superuser:
                assert user.has_perm(VIEW_CHILD, child) is expected
            try:
                gateways.child_for(user, child.public_id)
            except Http404:
                assert not expected
            else:
                assert expected
        # A conference: seen by whoever sees every child it is about, in its own authority.
        seen = set(Conference.objects.filter(visible_conferences_filter(user)).values_list("pk", flat=True))
        for conference, about in conferences:
            expected = (
                expected_to_see_any_child(person)
                and person.authority == child_authorities[about[0]]
                and all(
                    expected_social_care_staff(person)
                    or expected_to_see(
                        person,
                        child_authorities[c],
                        allocation_specs,
                        grant_specs,
                        index,
                        c,
                        invitation_specs,
                        membership_specs,
                    )
                    for c in about
                )
                and all(child_authorities[c] == child_authorities[about[0]] for c in about)
            )
            event("sees the conference" if expected else "does not see the conference")
            assert (conference.pk in seen) is expected
            assert may(user, VIEW_CONFERENCE, conference) is expected


# The same rules, case by case, for the reasons behind them.


def person(agency_type: str, roles: list[str], **kwargs: object) -> Professional:
    agency = factories.AgencyFactory(agency_type=agency_type)
    return factories.ProfessionalFactory(agency=agency, roles=roles, **kwargs)


@pytest.mark.django_db
def test_a_social_care_role_outside_childrens_social_care_does_not_open_the_authority() -> None:
    # A chair's role ticked by mistake for a police officer gives no child.
    officer = person(AgencyType.POLICE, [Role.CHAIR])
    child = factories.ChildFactory(authority=officer.agency.authority)
    assert officer.user is not None
    assert may(officer.user, VIEW_CHILD, child) is False
    assert may(officer.user, SEE_CHILDREN) is True  # they work with children: the list shows their own


@pytest.mark.django_db
def test_working_in_childrens_social_care_without_a_social_care_role_does_not_open_the_authority() -> None:
    worker = person(AgencyType.CHILDRENS_SOCIAL_CARE, [Role.AGENCY_PROFESSIONAL])
    child = factories.ChildFactory(authority=worker.agency.authority)
    assert worker.user is not None
    assert may(worker.user, VIEW_CHILD, child) is False


@pytest.mark.django_db
def test_a_service_account_sees_nothing_even_with_a_social_workers_role() -> None:
    account = person(AgencyType.CHILDRENS_SOCIAL_CARE, [Role.SERVICE_ACCOUNT, Role.SOCIAL_WORKER])
    child = factories.ChildFactory(authority=account.agency.authority)
    assert account.user is not None
    assert may(account.user, VIEW_CHILD, child) is False
    assert may(account.user, SEE_CHILDREN) is False


@pytest.mark.django_db
def test_a_performance_analyst_who_is_also_a_social_worker_sees_as_a_social_worker() -> None:
    # The analyst role adds nothing and takes nothing away: roles only ever add.
    both = person(AgencyType.CHILDRENS_SOCIAL_CARE, [Role.PERFORMANCE_ANALYST, Role.SOCIAL_WORKER])
    child = factories.ChildFactory(authority=both.agency.authority)
    assert both.user is not None
    assert may(both.user, VIEW_CHILD, child) is True


@pytest.mark.django_db
def test_a_professional_with_no_roles_sees_nothing() -> None:
    nobody = person(AgencyType.CHILDRENS_SOCIAL_CARE, [])
    assert nobody.user is not None
    assert may(nobody.user, SEE_CHILDREN) is False


def test_confidential_contact_details_are_for_social_care_staff_only(world: World) -> None:
    # R-AF-5 and security note §0: withheld by default from everyone else who may see the child.
    for persona in ("chair", "social_worker", "team_manager", "authority_administrator"):
        assert may(world.user(persona), VIEW_CONFIDENTIAL_CONTACT_DETAILS, world.child) is True
    for persona in ("health_visitor", "police_officer", "superuser", "other_authority_worker"):
        assert may(world.user(persona), VIEW_CONFIDENTIAL_CONTACT_DETAILS, world.child) is False
    # Nor does break glass reveal them (issue item 4): the duty officer sees Corin's record, not them.
    assert may(world.user("duty_officer"), VIEW_CHILD, world.unrelated_child) is True
    assert may(world.user("duty_officer"), VIEW_CONFIDENTIAL_CONTACT_DETAILS, world.unrelated_child) is False


def test_only_team_and_safeguarding_managers_of_the_authority_see_who_has_seen_a_record(world: World) -> None:
    allowed = {
        persona
        for persona in ("chair", "social_worker", "team_manager", "safeguarding_manager", "health_visitor")
        if may(world.user(persona), VIEW_CHILD_ACCESS_HISTORY, world.child)
    }
    assert allowed == {"team_manager", "safeguarding_manager"}
    # A team manager of another authority does not.
    assert may(world.user("other_authority_worker"), VIEW_CHILD_ACCESS_HISTORY, world.child) is False


def test_a_permission_that_does_not_exist_is_a_mistake_not_a_no(world: World) -> None:
    with pytest.raises(KeyError, match=r"not a cpconf\.access permission"):
        may(world.user("chair"), "access.view_children_everywhere", world.child)


def test_the_rules_are_registered_with_the_object_permission_backend(world: World) -> None:
    assert world.user("social_worker").has_perm(VIEW_CHILD, world.child) is True
    assert world.user("police_officer").has_perm(VIEW_CHILD, world.child) is False
    assert world.user("police_officer").has_perm(VIEW_CHILD) is False  # no child: no


def test_a_role_taken_away_counts_from_the_next_request(world: World) -> None:
    # ASVS 8.3.2: the rules read the roles afresh for every request (the user object is per request).
    client = world.client_for("chair")
    assert client.get(f"/children/{world.unrelated_child.public_id}/").status_code == 200
    world.professionals["chair"].roles.all().delete()
    assert client.get(f"/children/{world.unrelated_child.public_id}/").status_code == 404


def test_one_person_object_remembers_their_record_until_told_to_forget(world: World) -> None:
    user = world.user("chair")
    assert may(user, VIEW_CHILD, world.unrelated_child) is True
    world.professionals["chair"].roles.all().delete()
    assert may(user, VIEW_CHILD, world.unrelated_child) is True  # same request: same answer
    professional_for_user_forget(user)
    assert may(user, VIEW_CHILD, world.unrelated_child) is False


@pytest.mark.django_db
def test_the_demo_shows_the_rules() -> None:
    from django.core.management import call_command

    call_command("demo", stdout=StringIO())
    by_name = {f"{p.given_name} {p.family_name}": p.user for p in Professional.objects.select_related("user")}
    everyone = Child.objects.count()

    def seen(name: str) -> set[str]:
        user = by_name[name]
        assert user is not None
        return {child.full_name for child in children_visible_to(user)}

    assert len(seen("Thaddeus Ormsby")) == everyone  # a social worker: the whole authority
    # The health visitor: her allocations (Felix Merriweather among them), the Corvidescu children, whose
    # conference she is invited to, and Saskia Merriweather, in whose core group she is (R-AF-5).
    assert seen("Jocasta Penhallow") == {
        "Peregrine Ashcombe",
        "Otis Fennimore",
        "Ottilie Sallowby",
        "Anca Corvidescu",
        "Tudor Corvidescu",
        "Saskia Merriweather",
        "Felix Merriweather",
    }
    assert seen("Ravi Templecombe") == {"Unborn baby Fennimore", "Unborn baby Roskilly"}
    # The police officer: allocated to nobody; invited to the Corvidescu conference, and to the Merriweathers',
    # held within the last 60 days (R-AF-5).
    assert seen("Sefton Harcastle") == {
        "Anca Corvidescu",
        "Tudor Corvidescu",
        "Saskia Merriweather",
        "Felix Merriweather",
    }
    assert seen("Leontine Marchbank") == set()  # the performance analyst


def test_no_child_or_an_unsaved_child_is_nobodys(world: World) -> None:
    user = world.user("health_visitor")
    unsaved = Child(authority=world.northbridge, family_name="Nobody", date_of_birth=clock.today())
    assert is_involved_with_child(user, None) is False
    assert is_involved_with_child(user, unsaved) is False
    assert belongs_to_childs_authority(user, None) is False
    assert may(user, VIEW_CHILD, None) is False
    assert may_see_any_child(None) is False  # rules asks with None when there is no user


def test_the_rules_backend_comes_after_the_lockout_and_password_backends() -> None:
    from django.conf import settings

    backends = settings.AUTHENTICATION_BACKENDS
    # django-axes must refuse a locked-out sign-in before anything else is asked.
    assert backends[0] == "axes.backends.AxesStandaloneBackend"
    assert backends.index("rules.permissions.ObjectPermissionBackend") > backends.index(
        "django.contrib.auth.backends.ModelBackend"
    )
