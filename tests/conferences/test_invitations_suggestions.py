"""Whom to invite (R-PR-2, R-CT-3): the professionals involved now, the parents and carers, the children as
the policy says (Staffordshire from 12, advocacy from 5; City of London "age and understanding"), someone
from each minimum agency nobody involved comes from, and midwifery for a pre-birth conference."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cpconf.conferences.models import ConferenceType, Invitation, InviteeRole
from cpconf.conferences.selectors.invitations import MIDWIFERY_FIELD, conference_suggestions
from cpconf.conferences.services.invitations import invitations_add
from cpconf.people.models import Allocation, CaseRole, Professional
from cpconf.people.services import allocation_create
from tests import factories
from tests.conferences.conftest import Setting, build_setting

# The invitation tests share a fixed "now" (31 March 2027) and an empty mail outbox (conftest.py).
pytestmark = pytest.mark.usefixtures("frozen_now", "empty_outbox")


def test_the_professionals_involved_now_are_suggested_with_why(setting: Setting) -> None:
    suggestions = conference_suggestions(conference=setting.conference)
    professionals = {person.name: person for person in suggestions.professionals}
    assert set(professionals) == {"Aldous Fenwright", "Morwenna Tilly", "Ivo Penhallow"}
    assert professionals["Aldous Fenwright"].reasons == (
        "Social worker for Wren Ashdown",
        "Social worker for Pip Ashdown",
    )
    assert (
        professionals["Ivo Penhallow"].description == "Designated safeguarding lead, Westmere Brook Academy"
    )
    assert all(
        person.role == InviteeRole.PROFESSIONAL and not person.invited for person in professionals.values()
    )


def test_an_ended_allocation_or_a_professional_who_has_left_is_not_suggested(setting: Setting) -> None:
    Allocation.objects.filter(professional=setting.people["teacher"]).update(end_date=date(2027, 3, 1))
    Professional.objects.filter(pk=setting.people["health_visitor"].pk).update(is_active=False)
    names = {person.name for person in conference_suggestions(conference=setting.conference).professionals}
    assert names == {"Aldous Fenwright"}


def test_parents_and_carers_are_suggested_once_each_and_other_relatives_are_not(setting: Setting) -> None:
    family = {person.name: person for person in conference_suggestions(conference=setting.conference).family}
    # The grandmother has no parental responsibility and does not live with the children.
    assert set(family) == {"Sorrel Ashdown", "Tobin Ashdown", "Hal Brennock"}
    assert family["Tobin Ashdown"].reasons[0] == "Father of Wren Ashdown: has parental responsibility"
    assert family["Hal Brennock"].reasons[0] == "Parent's partner of Wren Ashdown: lives with them"
    assert len(family["Sorrel Ashdown"].reasons) == 3
    assert family["Hal Brennock"].has_email is False
    assert all(person.role == InviteeRole.PARENT_OR_CARER for person in family.values())


def test_staffordshire_suggests_children_from_12_and_advocacy_from_5(setting: Setting) -> None:
    children = {
        person.name: person for person in conference_suggestions(conference=setting.conference).children
    }
    wren, pip, bramble = children["Wren Ashdown"], children["Pip Ashdown"], children["Bramble Ashdown"]
    assert wren.suggested is True
    assert wren.note.startswith("Aged 13. Children aged 12 and over are invited, unless the chair and social")
    assert "right to an advocate" in wren.note
    assert pip.suggested is False
    assert pip.note.startswith(
        "Aged 7. Children under 12 are invited only if the chair and social worker agree."
    )
    assert "right to an advocate" in pip.note  # R-PR-2: over 5
    assert bramble.suggested is False and "advocate" not in bramble.note


def test_the_age_is_the_childs_age_on_the_day_of_the_conference(setting: Setting) -> None:
    # 11 today (31 March 2027), 12 on the conference's day (14 April 2027); and 11 on both days.
    turning = factories.ChildFactory(
        authority=setting.authority,
        given_name="Linnea",
        family_name="Ashdown",
        date_of_birth=date(2015, 4, 14),
    )
    not_yet = factories.ChildFactory(
        authority=setting.authority,
        given_name="Corvin",
        family_name="Ashdown",
        date_of_birth=date(2015, 4, 15),
    )
    for child in (turning, not_yet):
        setting.conference.conference_children.create(child=child)
    children = {
        person.name: person for person in conference_suggestions(conference=setting.conference).children
    }
    assert children["Linnea Ashdown"].suggested is True
    assert children["Linnea Ashdown"].note.startswith("Aged 12.")
    assert children["Corvin Ashdown"].suggested is False


def test_city_of_london_suggests_every_child_for_the_chair_and_social_worker_to_decide(db: None) -> None:
    setting = build_setting(policy_profile="city-of-london")
    children = {
        person.name: person for person in conference_suggestions(conference=setting.conference).children
    }
    assert {name: person.suggested for name, person in children.items()} == {
        "Wren Ashdown": True,
        "Pip Ashdown": True,
        "Bramble Ashdown": True,
    }
    assert "of an age and understanding" in children["Pip Ashdown"].note
    assert "the chair and social worker decide" in children["Pip Ashdown"].note
    assert "advocate" not in children["Wren Ashdown"].note  # City of London sets no advocacy age


def test_a_policy_with_no_rule_for_children_leaves_it_to_the_chair(db: None) -> None:
    setting = build_setting(policy_profile="croydon")
    children = conference_suggestions(conference=setting.conference).children
    assert [person.suggested for person in children] == [False, False, False]
    assert (
        children[0].note
        == "Aged 13. Your authority's policy sets no age: the chair and social worker decide."
    )


def test_bolton_tells_every_child_of_its_advocacy_service(db: None) -> None:
    setting = build_setting(policy_profile="bolton")
    children = conference_suggestions(conference=setting.conference).children
    assert all("right to an advocate (Bolton independent child advocacy service)" in c.note for c in children)


def test_a_missing_minimum_agency_is_named_with_people_to_choose_from(setting: Setting) -> None:
    suggestions = conference_suggestions(conference=setting.conference)
    # Social care and health are involved (the social worker, the health visitor); the police are not.
    assert [choose.name for choose in suggestions.to_choose] == ["agency_police"]
    [police] = suggestions.to_choose
    assert police.message.startswith("Nobody from the police is involved with the children")
    assert list(police.professionals.values()) == [setting.people["police_officer"]]
    assert police.choices == [
        (
            str(setting.people["police_officer"].public_id),
            "Caspar Holt, Detective constable, Westmere Police Child Protection Unit",
        )
    ]
    assert suggestions.not_invited == ("children's social care", "the police", "health")


def test_once_someone_from_each_minimum_agency_is_invited_nothing_is_missing(setting: Setting) -> None:
    people = setting.people
    invitations_add(
        conference=setting.conference,
        acting_user=None,
        professionals=[people["social_worker"], people["health_visitor"], people["police_officer"]],
    )
    suggestions = conference_suggestions(conference=setting.conference)
    assert suggestions.to_choose == () and suggestions.not_invited == ()
    invited = {person.name for person in suggestions.professionals if person.invited}
    assert invited == {"Aldous Fenwright", "Morwenna Tilly"}


def test_with_nobody_from_social_care_involved_its_staff_are_offered(setting: Setting) -> None:
    Allocation.objects.filter(professional=setting.people["social_worker"]).delete()
    suggestions = conference_suggestions(conference=setting.conference)
    [social_care] = [
        choose for choose in suggestions.to_choose if choose.name == "agency_childrens_social_care"
    ]
    assert set(social_care.professionals.values()) == {
        setting.people["coordinator"],
        setting.people["social_worker"],
    }
    assert "children's social care" in social_care.message


def _pre_birth(setting: Setting) -> None:
    conference = setting.conference
    conference.conference_type = ConferenceType.PRE_BIRTH
    conference.save()
    unborn = factories.ChildFactory(authority=setting.authority, family_name="Ashdown", unborn=True)
    conference.conference_children.all().delete()
    conference.conference_children.create(child=unborn)


def test_a_pre_birth_conference_asks_for_midwifery_when_no_midwife_is_suggested(setting: Setting) -> None:
    _pre_birth(setting)
    suggestions = conference_suggestions(conference=setting.conference)
    assert suggestions.midwifery_needed is True
    [midwifery] = [choose for choose in suggestions.to_choose if choose.name == MIDWIFERY_FIELD]
    assert "Midwifery is always invited to a pre-birth conference" in midwifery.message
    # Only midwives are offered when there are any; not the health visitor.
    assert list(midwifery.professionals.values()) == [setting.people["midwife"]]
    assert "midwifery (a pre-birth conference)" in suggestions.not_invited
    # An unborn child is not among the children to invite.
    assert suggestions.children == ()


def test_a_pre_birth_conference_with_a_midwife_involved_suggests_her(setting: Setting) -> None:
    _pre_birth(setting)
    unborn = setting.conference.children.get()
    allocation_create(
        child=unborn,
        professional=setting.people["midwife"],
        case_role=CaseRole.AGENCY_WORKER,
        start_date=date(2027, 2, 1),
    )
    suggestions = conference_suggestions(conference=setting.conference)
    assert [person.name for person in suggestions.professionals] == ["Bryony Quest"]
    assert MIDWIFERY_FIELD not in {choose.name for choose in suggestions.to_choose}
    invitations_add(
        conference=setting.conference, acting_user=None, professionals=[setting.people["midwife"]]
    )
    suggestions = conference_suggestions(conference=setting.conference)
    assert suggestions.midwifery_invited is True
    assert "midwifery (a pre-birth conference)" not in suggestions.not_invited


def test_another_authoritys_professionals_are_never_offered(setting: Setting) -> None:
    elsewhere = factories.AgencyFactory(name="Southmoor Police", agency_type="police")
    factories.ProfessionalFactory(agency=elsewhere)
    [police] = conference_suggestions(conference=setting.conference).to_choose
    assert list(police.professionals.values()) == [setting.people["police_officer"]]


def test_suggestions_take_a_fixed_number_of_queries(
    setting: Setting, django_assert_max_num_queries: object
) -> None:
    # More children, relatives and allocations do not mean more queries.
    for number in range(6):
        child = factories.ChildFactory(
            authority=setting.authority,
            given_name=f"Extra{number}",
            family_name="Ashdown",
            date_of_birth=date(2015, 1, 1) + timedelta(days=number),
        )
        setting.conference.conference_children.create(child=child)
        factories.ChildRelationshipFactory(child=child, family_member=setting.family["mother"])
        allocation_create(
            child=child,
            professional=setting.people["teacher"],
            case_role=CaseRole.AGENCY_WORKER,
            start_date=date(2027, 1, 4),
        )
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        conference_suggestions(conference=setting.conference)
    assert Invitation.objects.count() == 0
