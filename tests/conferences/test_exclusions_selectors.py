"""``excluded_sections_for``: what each person was excluded from, which the minutes (R-EX-5) will leave
out of their copy. Only agreed exclusions count; agreed ones about the same person combine."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from cpconf import clock
from cpconf.conferences.agenda import SECTION_KEYS
from cpconf.conferences.models import (
    ChairDecision,
    Conference,
    Exclusion,
    ExclusionGround,
    Invitation,
    InviteeRole,
)
from cpconf.conferences.selectors.exclusions import (
    GROUND_TITLES,
    excluded_sections_for,
    ground_titles,
    sections_in_words,
)
from tests import factories
from tests.access.conftest import World
from tests.conferences.conftest import Invited

pytestmark = pytest.mark.django_db


def _exclusion(
    invitation: Invitation, sections: list[str], decision: str = ChairDecision.AGREED
) -> Exclusion:
    return Exclusion.objects.create(
        conference=invitation.conference,
        invitation=invitation,
        requested_by=factories.ProfessionalFactory(agency__authority=invitation.conference.authority),
        requested_at=clock.now(),
        grounds=[ExclusionGround.DISRUPTION],
        details="Threats at the last meeting.",
        sections=sections,
        decision=decision,
    )


def test_nothing_is_excluded_without_an_agreed_exclusion(world: World, invited: Invited) -> None:
    # The world's own request about the mother is waiting for the chair.
    assert invited.mother.exclusions.get().decision == ChairDecision.PENDING
    assert excluded_sections_for(invited.conference) == {}


def test_a_pending_or_refused_request_excludes_nothing(world: World, invited: Invited) -> None:
    _exclusion(invited.father, ["decision"], ChairDecision.PENDING)
    _exclusion(invited.father, ["plan"], ChairDecision.REFUSED)
    _exclusion(invited.supporter, list(SECTION_KEYS), ChairDecision.REFUSED)
    assert excluded_sections_for(invited.conference) == {}


def test_an_agreed_exclusion_excludes_its_sections_by_invitation(world: World, invited: Invited) -> None:
    _exclusion(invited.father, ["agency-reports", "information-without-family"])
    assert excluded_sections_for(invited.conference) == {
        invited.father.public_id: ["information-without-family", "agency-reports"]
    }


def test_two_agreed_exclusions_of_one_person_combine_in_agenda_order(world: World, invited: Invited) -> None:
    _exclusion(invited.father, ["plan", "agency-reports"])
    _exclusion(invited.father, ["agency-reports", "information-without-family"])
    _exclusion(invited.father, ["next-steps"], ChairDecision.REFUSED)
    assert excluded_sections_for(invited.conference) == {
        invited.father.public_id: ["information-without-family", "agency-reports", "plan"]
    }


def test_each_person_has_their_own_sections(world: World, invited: Invited) -> None:
    _exclusion(invited.father, ["agency-reports"])
    _exclusion(invited.supporter, list(SECTION_KEYS))
    _exclusion(invited.mother, ["decision"], ChairDecision.PENDING)
    assert excluded_sections_for(invited.conference) == {
        invited.father.public_id: ["agency-reports"],
        invited.supporter.public_id: list(SECTION_KEYS),
    }


def test_another_conferences_exclusions_do_not_count(world: World, invited: Invited) -> None:
    corin = world.conferences["corin"]
    observer = corin.invitations.get()
    _exclusion(observer, ["decision"])
    _exclusion(invited.father, ["plan"])
    assert excluded_sections_for(invited.conference) == {invited.father.public_id: ["plan"]}
    assert excluded_sections_for(corin) == {observer.public_id: ["decision"]}


def test_a_section_no_longer_on_the_agenda_is_dropped(world: World, invited: Invited) -> None:
    # Keys are a stable interface; should one ever go, what is left must still be a clean list.
    _exclusion(invited.father, ["plan", "retired-section"])
    _exclusion(invited.supporter, ["retired-section"])
    assert excluded_sections_for(invited.conference) == {invited.father.public_id: ["plan"]}


def test_it_takes_one_query_however_many_exclusions(
    world: World, invited: Invited, django_assert_num_queries: object
) -> None:
    for invitation in (invited.father, invited.supporter, invited.mother):
        _exclusion(invitation, ["plan"])
        _exclusion(invitation, ["decision"])
    with CaptureQueriesContext(connection) as queries:
        result = excluded_sections_for(invited.conference)
    assert len(queries) == 1
    assert len(result) == 3


class TestExcludedSectionsProperty(TestCase):
    """For any exclusions: each person's sections are exactly the union of their agreed requests, in agenda
    order; nobody without an agreed request appears."""

    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=2),
                st.sampled_from([ChairDecision.PENDING, ChairDecision.AGREED, ChairDecision.REFUSED]),
                st.lists(st.sampled_from(SECTION_KEYS), min_size=1, max_size=4),
            ),
            max_size=8,
        )
    )
    def test_union_of_agreed_requests(self, requests: list[tuple[int, str, list[str]]]) -> None:
        authority = factories.AuthorityFactory()
        conference: Conference = factories.ConferenceFactory(authority=authority)
        people = [
            factories.InvitationFactory(
                conference=conference,
                role=InviteeRole.PARENT_OR_CARER,
                professional=None,
                agency=None,
                name=f"Parent {number}",
                email="",
            )
            for number in range(3)
        ]
        expected: dict[uuid.UUID, set[str]] = {}
        for person, decision, sections in requests:
            _exclusion(people[person], sections, decision)
            if decision == ChairDecision.AGREED:
                expected.setdefault(people[person].public_id, set()).update(sections)
        result = excluded_sections_for(conference)
        assert {key: set(value) for key, value in result.items()} == expected
        for keys in result.values():
            assert keys == [key for key in SECTION_KEYS if key in keys]


# In words


def test_every_ground_has_plain_words_and_marac_is_written_out() -> None:
    assert set(GROUND_TITLES) == set(ExclusionGround.values)
    for title in GROUND_TITLES.values():
        assert "MARAC" not in title
    assert ground_titles(["marac"]) == [
        "Information from a multi-agency risk assessment conference (a meeting about domestic abuse), with the "
        "alleged perpetrator present"
    ]


def test_grounds_read_in_the_rules_order() -> None:
    assert ground_titles(["legal_advice", "intimidation"]) == [
        "Intimidation of people taking part in the conference",
        "The chair or children's social care need legal advice",
    ]


def test_every_section_is_the_whole_conference() -> None:
    assert sections_in_words(list(reversed(SECTION_KEYS))) == ["The whole conference"]
    assert sections_in_words(["plan", "decision"]) == ["The decision", "The plan and recommendations"]
