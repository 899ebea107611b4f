"""The rules for service accounts through the API (src/cpconf/access/rules.py, "Service accounts through
the API"; docs/access.md): each predicate and its twin filter say the same, for anyone, and both match
the rule as the issue states it, written out plainly below.

The property test draws people of two authorities with any roles (the service account's among them,
alone or with others), open or closed accounts and records, superusers, and signed in with a session or
with a token; and conferences and enquiries of both authorities. For every person and record it checks
that the filter (``visible_conferences_filter``; for enquiries, the authority ``authority_for`` scopes
them to), the predicate (``may``) and the gateways agree with each other and with the plain rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cpconf.access import gateways
from cpconf.access.rules import (
    CASE_ROLES,
    MANAGE_CONFERENCE,
    MANAGE_ENQUIRIES,
    REQUEST_REVIEW,
    SEE_CHILDREN,
    SEE_CONFERENCES,
    SOCIAL_CARE_ROLES,
    VIEW_CHILD,
    VIEW_CONFERENCE,
    may,
    visible_conferences_filter,
)
from cpconf.access.rules import mark_signed_in_by_api_token as mark
from cpconf.conferences.models import Conference
from cpconf.enquiries import selectors as enquiry_selectors
from cpconf.enquiries.models import Section47Enquiry
from cpconf.people.models import AgencyType, Role, User
from tests import factories
from tests.access.conftest import World
from tests.api.world import enquiry_about


@dataclass(frozen=True)
class PersonSpec:
    authority: int
    agency_type: str
    roles: frozenset[str]
    record_active: bool
    account_active: bool
    superuser: bool
    by_token: bool


# The rule, as the issue states it (item 3), written out plainly.


def is_open(person: PersonSpec) -> bool:
    return person.account_active and person.record_active and not person.superuser


def authoritys_system(person: PersonSpec) -> bool:
    """An authority's own system, signed in to the API with its token."""
    return person.by_token and is_open(person) and Role.SERVICE_ACCOUNT in person.roles


def social_care_staff_person(person: PersonSpec) -> bool:
    # A person (never a service account, whatever else it holds) who works with children in social care.
    return (
        is_open(person)
        and Role.SERVICE_ACCOUNT not in person.roles
        and bool(person.roles & CASE_ROLES)
        and person.agency_type == AgencyType.CHILDRENS_SOCIAL_CARE
        and bool(person.roles & SOCIAL_CARE_ROLES)
    )


def expected_to_see_record(person: PersonSpec, authority: int) -> bool:
    """A conference or an enquiry: nobody here is allocated, invited or holding an emergency access, so
    only social care staff and the authority's own system see any, and only their own authority's."""
    return (authoritys_system(person) or social_care_staff_person(person)) and person.authority == authority


people = st.builds(
    PersonSpec,
    authority=st.sampled_from([0, 0, 1]),
    agency_type=st.sampled_from(
        [AgencyType.CHILDRENS_SOCIAL_CARE] * 2 + [AgencyType.HEALTH, AgencyType.POLICE]
    ),
    roles=st.frozensets(
        st.sampled_from([*Role.values, *[Role.SERVICE_ACCOUNT] * 4, Role.SOCIAL_WORKER]), max_size=3
    ),
    record_active=st.sampled_from([True] * 5 + [False]),
    account_active=st.sampled_from([True] * 5 + [False]),
    superuser=st.sampled_from([False] * 5 + [True]),
    by_token=st.booleans(),
)


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    persons=st.lists(people, min_size=1, max_size=4),
    records=st.lists(st.sampled_from([0, 1]), min_size=1, max_size=3),
)
@pytest.mark.django_db
def test_the_filters_the_predicates_and_the_gateways_always_agree(
    persons: list[PersonSpec], records: list[int]
) -> None:
    # Fresh authorities for every example: earlier examples' rows stay, but never match these.
    authorities = [factories.AuthorityFactory(), factories.AuthorityFactory()]
    conferences, enquiries = [], []
    for authority_index in records:
        authority = authorities[authority_index]
        child = factories.ChildFactory(authority=authority)
        household = factories.HouseholdFactory(authority=authority, children=[child])
        conferences.append(factories.ConferenceFactory(authority=authority, children=[child]))
        enquiry = factories.Section47EnquiryFactory(authority=authority, household=household)
        enquiry.enquiry_children.create(child=child)
        enquiries.append(enquiry)
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
        _check_person(person, professional.user_id, records, conferences, enquiries)


def _user(user_id: int, person: PersonSpec) -> User:
    """A fresh user object (as each request loads), marked as the API's token check marks it."""
    user = User.objects.get(pk=user_id)
    if person.by_token:
        mark(user)
    return user


def _check_person(
    person: PersonSpec,
    user_id: int,
    records: list[int],
    conferences: list[Conference],
    enquiries: list[Section47Enquiry],
) -> None:
    user = _user(user_id, person)
    system = authoritys_system(person)
    event("the authority's own system" if system else "a person, or a service account without its token")
    visible_conferences = set(
        Conference.objects.filter(visible_conferences_filter(user)).values_list("pk", flat=True)
    )
    manages_enquiries = system or social_care_staff_person(person)
    # The lists and the actions that name no record.
    assert may(user, MANAGE_ENQUIRIES) is manages_enquiries
    visible_enquiries: set[int] = set()
    if manages_enquiries:
        authority = enquiry_selectors.authority_for(user, what="test")
        visible_enquiries = set(enquiry_selectors.enquiries_for(authority).values_list("pk", flat=True))
    else:
        with pytest.raises(PermissionDenied):
            enquiry_selectors.authority_for(user, what="test")
    if system:
        # Through the API the authority's system sees conferences; through the pages, still no child.
        assert may(user, SEE_CONFERENCES) is True
        assert may(user, SEE_CHILDREN) is False
    for authority_index, conference, enquiry in zip(records, conferences, enquiries, strict=True):
        expected = expected_to_see_record(person, authority_index)
        event("sees the record" if expected else "does not see the record")
        assert (conference.pk in visible_conferences) is expected
        assert may(user, VIEW_CONFERENCE, conference) is expected
        assert (enquiry.pk in visible_enquiries) is expected
        # The authority's system may ask for a review, and never arranges a conference; nor sees a child.
        assert may(user, REQUEST_REVIEW, conference) is expected
        assert may(user, MANAGE_CONFERENCE, conference) is (expected and not system)
        for child in conference.children.all():
            assert may(user, VIEW_CHILD, child) is (expected and not system)
        # The gateway says the same (with a fresh user object, as each request has); so does reading the
        # enquiry as the pages and the API do.
        try:
            gateways.conference_for(_user(user_id, person), conference.public_id)
        except Http404:
            assert not expected
        else:
            assert expected
        if manages_enquiries:
            fresh = _user(user_id, person)
            try:
                enquiry_selectors.enquiry_for(
                    fresh, enquiry_selectors.authority_for(fresh, what="test"), enquiry.public_id
                )
            except Http404:
                assert not expected
            else:
                assert expected


# The same rules, case by case, for the reasons behind them.


def test_a_service_account_sees_nothing_through_the_pages_even_with_its_token_made(world: World) -> None:
    # A session is never marked: the pages' user is the session's.
    client = world.client_for("service_account")
    assert client.get(f"/children/{world.child.public_id}/").status_code == 404
    user = world.user("service_account")
    assert may(user, VIEW_CONFERENCE, world.conferences["elowen"]) is False
    assert may(user, SEE_CONFERENCES) is False


def test_the_authoritys_system_sees_its_own_authoritys_records_and_never_anothers(world: World) -> None:
    system = world.user("service_account")
    mark(system)
    assert may(system, VIEW_CONFERENCE, world.conferences["elowen"]) is True
    assert may(system, VIEW_CONFERENCE, world.conferences["corin"]) is True  # nobody is allocated to Corin
    assert may(system, VIEW_CONFERENCE, world.conferences["zephyrine"]) is False
    authority = enquiry_selectors.authority_for(system, what="test")
    assert authority == world.northbridge
    enquiry_selectors.enquiry_for(system, authority, enquiry_about(world, "elowen").public_id)
    with pytest.raises(Http404):
        enquiry_selectors.enquiry_for(system, authority, enquiry_about(world, "zephyrine").public_id)


def test_the_authoritys_system_may_not_arrange_or_decide_a_conference(world: World) -> None:
    system = world.user("service_account")
    mark(system)
    conference = world.conferences["elowen"]
    assert may(system, REQUEST_REVIEW, conference) is True
    assert may(system, MANAGE_CONFERENCE, conference) is False
    with pytest.raises(PermissionDenied):
        gateways.conference_for(system, conference.public_id, permission=MANAGE_CONFERENCE)


def test_a_token_mark_on_someone_who_is_not_a_service_account_changes_nothing(world: World) -> None:
    for persona in ("health_visitor", "performance_analyst", "superuser"):
        user = world.user(persona)
        mark(user)
        assert may(user, VIEW_CONFERENCE, world.conferences["corin"]) is False
        assert may(user, MANAGE_ENQUIRIES) is False


def test_a_social_care_role_does_not_make_a_service_account_a_person(world: World) -> None:
    # The lesser of the two, as on the pages: with its token it is its authority's system, and no more.
    world.professionals["service_account"].roles.create(role=Role.SOCIAL_WORKER)
    system = world.user("service_account")
    mark(system)
    assert may(system, MANAGE_CONFERENCE, world.conferences["elowen"]) is False
    assert may(system, VIEW_CHILD, world.child) is False
    session_user = User.objects.get(pk=system.pk)
    assert may(session_user, MANAGE_ENQUIRIES) is False
    assert may(session_user, VIEW_CONFERENCE, world.conferences["elowen"]) is False


def test_enquiries_are_for_social_care_staff(world: World) -> None:
    personas = (
        "chair",
        "social_worker",
        "health_visitor",
        "police_officer",
        "duty_officer",
        "performance_analyst",
        "other_authority_worker",
        "superuser",
    )
    allowed = {persona for persona in personas if may(world.user(persona), MANAGE_ENQUIRIES)}
    assert allowed == {"chair", "social_worker", "other_authority_worker"}  # each in their own authority
