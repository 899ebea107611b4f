"""Quorum (R-QU-1): the pure rule, under each shipped policy profile's own rule and the national floor.

No database: ``assess`` is given the rule and where each agency stands. The rules are read from the real
profiles, so that a change to a profile shows up here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from cpconf.conferences.quorum import (
    FLOOR,
    AgencyStanding,
    Expected,
    Outcome,
    QuorumAssessment,
    assess,
    expected_from_reply,
    most_hopeful,
    policy_agency,
)
from cpconf.people.models import AgencyType
from cpconf.timescales import Agency, QuorumRule, load_policy

ON = date(2026, 11, 25)
STAFFORDSHIRE = "Staffordshire and Stoke-on-Trent"


def rule_of(profile: str) -> QuorumRule | None:
    return load_policy(profile).in_force_on(ON).quorum


def staffordshire(agencies: list[AgencyStanding]) -> QuorumAssessment:
    return assess(rule_of("staffordshire"), agencies, needed_by=STAFFORDSHIRE)


def agency(
    name: str,
    agency_type: str = "police",
    expected: Expected = Expected.ATTENDING,
    *,
    contributed: bool = True,
    report: bool = False,
) -> AgencyStanding:
    return AgencyStanding(
        name=name,
        agency_type=agency_type,
        contributed_to_enquiry=contributed,
        expected=expected,
        report_received=report,
    )


SOCIAL_CARE = agency("Moorfield Children's Social Care", "childrens_social_care")
POLICE = agency("Moorfield Police Safeguarding Unit", "police")
HEALTH_VISITING = agency("Moorfield Health Visiting", "health")
SCHOOL_NURSING = agency("Moorfield School Nursing", "health")
SCHOOL = agency("Larkrise Primary School", "education")


# The profiles' rules, as the assessment reads them


def test_the_profiles_rules_are_as_the_domain_says() -> None:
    staffordshire_rule = rule_of("staffordshire")
    assert staffordshire_rule == QuorumRule(
        minimum_agencies=3, contributed_to_enquiry=True, health_providers_count_separately=True
    )
    medway = rule_of("medway")
    assert medway is not None and medway.required_agencies == FLOOR
    for profile in ("national", "croydon", "city-of-london", "bolton"):
        assert rule_of(profile) is None, profile


def test_each_rule_in_words() -> None:
    assert staffordshire([]).rule_in_words == (
        "Staffordshire and Stoke-on-Trent: at least 3 agencies that contributed to the Section 47 enquiry "
        "attend; each health provider service counts as its own agency."
    )
    assert assess(rule_of("medway"), [], needed_by="Medway").rule_in_words == (
        "Medway: children's social care, police and health attend."
    )
    assert assess(None, []).rule_in_words.startswith(
        "At least children's social care, police and health attend: the national minimum"
    )


# Mapping the data model's agency types to the policies' names


def test_every_agency_type_but_other_maps_to_a_policy_agency() -> None:
    mapped = {value: policy_agency(value) for value in AgencyType.values}
    assert mapped.pop("other") is None
    assert mapped == {
        "childrens_social_care": Agency.CHILDRENS_SOCIAL_CARE,
        "police": Agency.POLICE,
        "health": Agency.HEALTH,
        "education": Agency.EDUCATION,
        "probation": Agency.PROBATION,
        "cafcass": Agency.CAFCASS,
        "housing": Agency.HOUSING,
    }
    assert policy_agency("not-a-type") is None


def test_replies_become_expectations_and_the_most_hopeful_speaks_for_an_agency() -> None:
    assert expected_from_reply("") is Expected.NO_REPLY
    assert expected_from_reply("attending") is Expected.ATTENDING
    assert expected_from_reply("sending_colleague") is Expected.SENDING_COLLEAGUE
    assert expected_from_reply("not_attending") is Expected.NOT_ATTENDING
    assert most_hopeful([Expected.NOT_ATTENDING, Expected.NO_REPLY]) is Expected.NO_REPLY
    assert most_hopeful([Expected.NO_REPLY, Expected.SENDING_COLLEAGUE]) is Expected.SENDING_COLLEAGUE
    assert most_hopeful([]) is Expected.NOT_INVITED


# Staffordshire: at least 3 agencies that contributed to the enquiry (R-QU-1)


def test_staffordshire_three_contributing_agencies_attending_is_quorate() -> None:
    result = staffordshire([SOCIAL_CARE, POLICE, HEALTH_VISITING])
    assert result.outcome is Outcome.QUORATE
    assert result.is_quorate
    assert result.headline == "The conference is quorate"
    assert result.reasons == (
        "3 agencies that contributed to the enquiry have said they will attend: Moorfield Children's Social "
        "Care, Moorfield Police Safeguarding Unit and Moorfield Health Visiting.",
    )


def test_staffordshire_only_two_attending_is_not_quorate() -> None:
    result = staffordshire([SOCIAL_CARE, POLICE, replace(SCHOOL, expected=Expected.NOT_ATTENDING)])
    assert result.outcome is Outcome.NOT_QUORATE
    assert result.headline == "The conference is not quorate"
    assert result.reasons == (
        "Only 2 agencies that contributed to the enquiry have said they will attend: "
        "Staffordshire and Stoke-on-Trent needs 3.",
    )


def test_staffordshire_two_attending_and_one_not_replied_is_at_risk() -> None:
    result = staffordshire([SOCIAL_CARE, POLICE, replace(SCHOOL, expected=Expected.NO_REPLY)])
    assert result.outcome is Outcome.AT_RISK
    assert result.headline == "The conference may not be quorate"
    assert result.reasons == (
        "Only 2 agencies that contributed to the enquiry have said they will attend: "
        "Staffordshire and Stoke-on-Trent needs 3.",
        "Larkrise Primary School has not replied yet.",
    )


def test_staffordshire_with_no_replies_at_all_is_at_risk() -> None:
    waiting = [replace(standing, expected=Expected.NO_REPLY) for standing in (SOCIAL_CARE, POLICE, SCHOOL)]
    result = staffordshire(waiting)
    assert result.outcome is Outcome.AT_RISK
    assert result.reasons[0] == (
        "No agency that contributed to the enquiry has said it will attend: "
        "Staffordshire and Stoke-on-Trent needs 3."
    )
    assert result.reasons[1] == (
        "Moorfield Children's Social Care, Moorfield Police Safeguarding Unit and Larkrise Primary School "
        "have not replied yet."
    )
    assert result.attending == ()


def test_staffordshire_one_attending_and_too_few_waiting_is_not_quorate() -> None:
    result = staffordshire([SOCIAL_CARE, replace(POLICE, expected=Expected.NO_REPLY)])
    assert result.outcome is Outcome.NOT_QUORATE
    assert result.reasons == (
        "Only 1 agency that contributed to the enquiry has said it will attend: "
        "Staffordshire and Stoke-on-Trent needs 3.",
    )


def test_staffordshire_a_colleague_sent_in_someones_place_counts() -> None:
    result = staffordshire([SOCIAL_CARE, replace(POLICE, expected=Expected.SENDING_COLLEAGUE), SCHOOL])
    assert result.outcome is Outcome.QUORATE
    assert "Moorfield Police Safeguarding Unit" in result.attending


def test_staffordshire_counts_only_agencies_that_contributed_to_the_enquiry() -> None:
    result = staffordshire([SOCIAL_CARE, POLICE, replace(SCHOOL, contributed_to_enquiry=False)])
    assert result.outcome is Outcome.NOT_QUORATE
    assert result.reasons[0].startswith("Only 2 agencies that contributed to the enquiry")


def test_staffordshire_with_no_contributing_agency_recorded_says_so() -> None:
    result = staffordshire(
        [replace(standing, contributed_to_enquiry=False) for standing in (SOCIAL_CARE, POLICE, SCHOOL)]
    )
    assert result.outcome is Outcome.NOT_QUORATE
    assert result.reasons[0] == "No agency is recorded as having contributed to the enquiry."


def test_staffordshire_two_health_provider_services_count_as_two_agencies() -> None:
    result = staffordshire([POLICE, HEALTH_VISITING, SCHOOL_NURSING])
    assert result.outcome is Outcome.QUORATE
    assert result.reasons[0].startswith(
        "3 agencies that contributed to the enquiry have said they will attend"
    )


def test_the_same_health_provider_twice_counts_once() -> None:
    result = staffordshire([POLICE, HEALTH_VISITING, HEALTH_VISITING])
    assert result.outcome is Outcome.NOT_QUORATE


def test_two_police_units_do_the_same_work_and_count_once() -> None:
    second_unit = agency("Moorfield Police Public Protection Unit", "police")
    result = staffordshire([POLICE, second_unit, SCHOOL])
    assert result.outcome is Outcome.NOT_QUORATE
    assert result.reasons[0] == (
        "Only 2 agencies that contributed to the enquiry have said they will attend: Staffordshire and "
        "Stoke-on-Trent needs 3. Agencies that do the same work count once: Moorfield Police Safeguarding "
        "Unit, Moorfield Police Public Protection Unit and Larkrise Primary School count as 2."
    )


def test_without_separate_counting_two_health_providers_count_once() -> None:
    rule = QuorumRule(minimum_agencies=3)
    result = assess(rule, [POLICE, HEALTH_VISITING, SCHOOL_NURSING], needed_by="Testshire")
    assert result.outcome is Outcome.NOT_QUORATE
    assert result.reasons[0].startswith("Only 2 agencies have said they will attend: Testshire needs 3.")


def test_agencies_of_type_other_each_count_on_their_own() -> None:
    advocacy = agency("Harbour Family Advocacy", "other")
    refuge = agency("Harbour Women's Refuge", "other")
    result = staffordshire([advocacy, refuge, POLICE])
    assert result.outcome is Outcome.QUORATE


# Medway: children's social care, police and health (R-QU-1)


def medway(agencies: list[AgencyStanding]) -> QuorumAssessment:
    return assess(rule_of("medway"), agencies, needed_by="Medway")


def test_medway_with_social_care_police_and_health_attending_is_quorate() -> None:
    result = medway([SOCIAL_CARE, POLICE, HEALTH_VISITING])
    assert result.outcome is Outcome.QUORATE
    assert result.reasons == ("Children's social care, police and health have said they will attend.",)


def test_medway_police_not_replied_is_at_risk() -> None:
    result = medway([SOCIAL_CARE, replace(POLICE, expected=Expected.NO_REPLY), HEALTH_VISITING])
    assert result.outcome is Outcome.AT_RISK
    assert result.reasons == (
        "Police have not replied.",
        "Children's social care and health have said they will attend.",
    )


def test_medway_police_cannot_attend_is_not_quorate_and_the_report_is_noted() -> None:
    result = medway([SOCIAL_CARE, replace(POLICE, expected=Expected.NOT_ATTENDING), HEALTH_VISITING])
    assert result.outcome is Outcome.NOT_QUORATE
    assert result.reasons[0] == "Police have said they cannot attend."
    assert result.notes == (
        "Moorfield Police Safeguarding Unit cannot attend and its report has not arrived.",
    )
    with_report = medway(
        [SOCIAL_CARE, replace(POLICE, expected=Expected.NOT_ATTENDING, report_received=True), HEALTH_VISITING]
    )
    assert with_report.notes == ("Moorfield Police Safeguarding Unit cannot attend; its report has arrived.",)


def test_medway_nobody_invited_from_a_required_agency() -> None:
    result = medway([SOCIAL_CARE, HEALTH_VISITING])
    assert result.outcome is Outcome.NOT_QUORATE
    assert result.reasons[0] == "Nobody from the police has been invited."


def test_medway_one_health_provider_attending_is_enough_when_another_cannot() -> None:
    result = medway(
        [SOCIAL_CARE, POLICE, replace(HEALTH_VISITING, expected=Expected.NOT_ATTENDING), SCHOOL_NURSING]
    )
    assert result.outcome is Outcome.QUORATE


def test_medway_health_not_replied_and_social_care_cannot_attend() -> None:
    result = medway(
        [
            replace(SOCIAL_CARE, expected=Expected.NOT_ATTENDING),
            POLICE,
            replace(HEALTH_VISITING, expected=Expected.NO_REPLY),
        ]
    )
    # Not quorate wins over at risk; the reasons come worst first.
    assert result.outcome is Outcome.NOT_QUORATE
    assert result.reasons == (
        "Children's social care has said it cannot attend.",
        "Health has not replied.",
        "Police have said they will attend.",
    )


def test_an_agency_not_invited_does_not_count_even_if_it_contributed() -> None:
    result = medway([SOCIAL_CARE, replace(POLICE, expected=Expected.NOT_INVITED), HEALTH_VISITING])
    assert result.reasons[0] == "Nobody from the police has been invited."


# No rule (national, Croydon, City of London, Bolton): the floor


@pytest.mark.parametrize("profile", ["national", "croydon", "city-of-london", "bolton"])
def test_without_a_rule_social_care_police_and_health_are_the_floor(profile: str) -> None:
    rule = rule_of(profile)
    assert assess(rule, [SOCIAL_CARE, POLICE, HEALTH_VISITING]).outcome is Outcome.QUORATE
    result = assess(rule, [SOCIAL_CARE, POLICE, SCHOOL])
    assert result.outcome is Outcome.NOT_QUORATE
    assert result.reasons[0] == "Nobody from health has been invited."


def test_nobody_invited_at_all_without_a_rule() -> None:
    result = assess(None, [])
    assert result.outcome is Outcome.NOT_QUORATE
    assert result.reasons == (
        "Nobody from children's social care has been invited.",
        "Nobody from the police has been invited.",
        "Nobody from health has been invited.",
    )
    assert result.notes == ()


def test_an_agency_with_no_report_that_attends_adds_no_note() -> None:
    result = assess(None, [SOCIAL_CARE, POLICE, HEALTH_VISITING])
    assert result.notes == ()


# Properties: a better reply never makes the answer worse


_RANK = {Outcome.NOT_QUORATE: 0, Outcome.AT_RISK: 1, Outcome.QUORATE: 2}
standings = st.lists(
    st.builds(
        AgencyStanding,
        name=st.sampled_from(["Alder", "Birch", "Cedar", "Damson", "Elder", "Fir"]),
        agency_type=st.sampled_from(AgencyType.values),
        contributed_to_enquiry=st.booleans(),
        expected=st.sampled_from(list(Expected)),
        report_received=st.booleans(),
    ),
    max_size=8,
)
rules = st.sampled_from(
    [
        None,
        rule_of("staffordshire"),
        rule_of("medway"),
        QuorumRule(minimum_agencies=2),
        QuorumRule(minimum_agencies=2, required_agencies=(Agency.POLICE,)),
    ]
)


@given(rule=rules, agencies=standings, index=st.integers(min_value=0, max_value=7))
def test_an_agency_saying_it_will_attend_never_makes_quorum_less_likely(
    rule: QuorumRule | None, agencies: list[AgencyStanding], index: int
) -> None:
    if not agencies:
        return
    index %= len(agencies)
    before = assess(rule, agencies)
    better = [
        *agencies[:index],
        replace(agencies[index], expected=Expected.ATTENDING),
        *agencies[index + 1 :],
    ]
    worse = [
        *agencies[:index],
        replace(agencies[index], expected=Expected.NOT_ATTENDING),
        *agencies[index + 1 :],
    ]
    assert _RANK[assess(rule, better).outcome] >= _RANK[before.outcome]
    assert _RANK[assess(rule, worse).outcome] <= _RANK[before.outcome]
    assert before.reasons, "every answer gives its reasons"


# The panel the conference pages include


def test_the_panel_shows_a_quorate_conference_as_inset_text_and_one_at_risk_as_a_warning() -> None:
    quorate = render_to_string(
        "conferences/quorum/_panel.html", {"quorum": staffordshire([SOCIAL_CARE, POLICE, HEALTH_VISITING])}
    )
    assert "govuk-inset-text" in quorate and "govuk-warning-text" not in quorate
    assert "The conference is quorate." in quorate
    at_risk = render_to_string(
        "conferences/quorum/_panel.html",
        {"quorum": staffordshire([SOCIAL_CARE, POLICE, replace(SCHOOL, expected=Expected.NO_REPLY)])},
    )
    assert "govuk-warning-text" in at_risk
    assert "The conference may not be quorate." in at_risk
    assert "Larkrise Primary School has not replied yet." in at_risk
    assert "the chair decides whether there is enough information to go ahead" in at_risk
    assert "The rule: Staffordshire and Stoke-on-Trent: at least 3 agencies" in at_risk
