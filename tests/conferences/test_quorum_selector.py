"""``quorum_for``: the facts from the database (invitations and replies, reports, the enquiry's agencies)
in a fixed number of queries, and the answer from the pure rule (R-QU-1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from cpconf import clock
from cpconf.conferences.models import Conference, ConferenceStatus, ConferenceType, Reply
from cpconf.conferences.quorum import Expected, Outcome
from cpconf.conferences.selectors.quorum import NO_ENQUIRY_NOTE, agency_standings, quorum_for
from cpconf.people.models import Agency, AgencyType, Authority
from tests import factories

AssertNumQueries = Callable[..., object]
pytestmark = pytest.mark.django_db


def scheduled(authority: Authority, **kwargs: object) -> Conference:
    return factories.ConferenceFactory(
        authority=authority,
        status=ConferenceStatus.SCHEDULED,
        starts_at=clock.now() + timedelta(days=10),
        ends_at=clock.now() + timedelta(days=10, hours=2),
        **kwargs,
    )


def invite(conference: Conference, agency: Agency, reply: str = Reply.NONE) -> None:
    professional = factories.ProfessionalFactory(agency=agency)
    colleague = "Isolde Wren" if reply == Reply.SENDING_COLLEAGUE else ""
    factories.InvitationFactory(
        conference=conference, professional=professional, reply=reply, colleague_name=colleague
    )


def agency(authority: Authority, name: str, agency_type: str) -> Agency:
    return factories.AgencyFactory(authority=authority, name=name, agency_type=agency_type)


@pytest.fixture
def staffordshire() -> Authority:
    return factories.AuthorityFactory(
        name="Stafford Test Council", slug="stafford-test", policy_profile="staffordshire"
    )


def test_a_staffordshire_conference_counts_the_enquiry_agencies_that_will_attend(
    staffordshire: Authority,
) -> None:
    social_care = agency(staffordshire, "Stafford Children's Social Care", AgencyType.CHILDRENS_SOCIAL_CARE)
    police = agency(staffordshire, "Stafford Police", AgencyType.POLICE)
    school = agency(staffordshire, "Stafford Primary School", AgencyType.EDUCATION)
    housing = agency(staffordshire, "Stafford Housing", AgencyType.HOUSING)
    enquiry = factories.Section47EnquiryFactory(authority=staffordshire)
    enquiry.contributing_agencies.set([social_care, police, school])
    conference = scheduled(staffordshire, enquiry=enquiry)
    invite(conference, social_care, Reply.ATTENDING)
    invite(conference, police, Reply.SENDING_COLLEAGUE)
    invite(conference, school)  # no reply yet
    invite(conference, housing, Reply.ATTENDING)  # did not contribute to the enquiry
    result = quorum_for(conference)
    assert result.outcome is Outcome.AT_RISK
    assert result.reasons == (
        "Only 2 agencies that contributed to the enquiry have said they will attend: "
        "Staffordshire and Stoke-on-Trent needs 3.",
        "Stafford Primary School has not replied yet.",
    )
    # The school replies.
    conference.invitations.filter(agency=school).update(reply=Reply.ATTENDING)
    assert quorum_for(conference).outcome is Outcome.QUORATE


def test_an_enquiry_agency_never_invited_is_counted_as_not_invited(staffordshire: Authority) -> None:
    police = agency(staffordshire, "Stafford Police", AgencyType.POLICE)
    enquiry = factories.Section47EnquiryFactory(authority=staffordshire)
    enquiry.contributing_agencies.set([police])
    conference = scheduled(staffordshire, enquiry=enquiry)
    [standing] = agency_standings(conference)
    assert standing.expected is Expected.NOT_INVITED
    assert standing.contributed_to_enquiry


def test_several_invitations_from_one_agency_count_as_its_most_hopeful_reply(
    staffordshire: Authority,
) -> None:
    police = agency(staffordshire, "Stafford Police", AgencyType.POLICE)
    conference = scheduled(staffordshire)
    invite(conference, police, Reply.NOT_ATTENDING)
    invite(conference, police, Reply.ATTENDING)
    [standing] = agency_standings(conference)
    assert standing.expected is Expected.ATTENDING


def test_a_withdrawn_invitation_does_not_count(staffordshire: Authority) -> None:
    police = agency(staffordshire, "Stafford Police", AgencyType.POLICE)
    conference = scheduled(staffordshire)
    invite(conference, police, Reply.ATTENDING)
    conference.invitations.update(withdrawn_at=clock.now())
    assert agency_standings(conference) == []


def test_a_review_without_an_enquiry_counts_every_agency_and_says_so(staffordshire: Authority) -> None:
    conference = scheduled(staffordshire, conference_type=ConferenceType.REVIEW)
    for name, agency_type in (
        ("Stafford Children's Social Care", AgencyType.CHILDRENS_SOCIAL_CARE),
        ("Stafford Police", AgencyType.POLICE),
        ("Stafford Health Visiting", AgencyType.HEALTH),
    ):
        invite(conference, agency(staffordshire, name, agency_type), Reply.ATTENDING)
    result = quorum_for(conference)
    assert result.outcome is Outcome.QUORATE
    assert result.notes == (NO_ENQUIRY_NOTE,)
    assert result.reasons[0].startswith("3 agencies have said they will attend")


def test_medway_needs_social_care_police_and_health_and_notes_the_reports() -> None:
    medway = factories.AuthorityFactory(
        name="Medway Test Council", slug="medway-test", policy_profile="medway"
    )
    conference = scheduled(medway)
    invite(
        conference,
        agency(medway, "Medway Children's Social Care", AgencyType.CHILDRENS_SOCIAL_CARE),
        "attending",
    )
    police = agency(medway, "Medway Police", AgencyType.POLICE)
    invite(conference, police, Reply.NOT_ATTENDING)
    invite(conference, agency(medway, "Medway Community Health", AgencyType.HEALTH), "attending")
    factories.ReportFactory(conference=conference, agency=police, received_at=clock.now())
    result = quorum_for(conference)
    assert result.outcome is Outcome.NOT_QUORATE
    assert result.reasons[0] == "Police have said they cannot attend."
    assert result.notes == ("Medway Police cannot attend; its report has arrived.",)


def test_croydon_has_no_rule_so_the_national_floor_applies() -> None:
    croydon = factories.AuthorityFactory(
        name="Croydon Test Council", slug="croydon-test", policy_profile="croydon"
    )
    conference = scheduled(croydon)
    invite(conference, agency(croydon, "Croydon Police", AgencyType.POLICE), "attending")
    result = quorum_for(conference)
    assert result.outcome is Outcome.NOT_QUORATE
    assert "Nobody from health has been invited." in result.reasons


@pytest.mark.parametrize("agencies", [3, 30])
def test_quorum_for_takes_three_queries_however_many_agencies(
    staffordshire: Authority, agencies: int, django_assert_num_queries: AssertNumQueries
) -> None:
    enquiry = factories.Section47EnquiryFactory(authority=staffordshire)
    conference = scheduled(staffordshire, enquiry=enquiry)
    for number in range(agencies):
        invited = agency(staffordshire, f"Stafford Agency {number}", AgencyType.OTHER)
        invite(conference, invited, Reply.ATTENDING)
        enquiry.contributing_agencies.add(invited)
        factories.ReportFactory(conference=conference, agency=invited, received_at=clock.now())
    conference = Conference.objects.select_related("authority").get(pk=conference.pk)
    with django_assert_num_queries(3):
        result = quorum_for(conference)
    assert result.outcome is Outcome.QUORATE
