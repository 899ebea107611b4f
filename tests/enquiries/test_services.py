"""Strategy discussions and Section 47 enquiries, to the initial conference request (R-CT-1, R-CT-3, R-CH-1)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cpconf.access.models import AuditEntry
from cpconf.conferences.models import Conference, ConferenceStatus, ConferenceType
from cpconf.enquiries.models import EnquiryChild, EnquiryOutcome, Section47Enquiry, StrategyDiscussionOutcome
from cpconf.enquiries.services import enquiry_conclude, enquiry_start, strategy_discussion_record
from cpconf.people.models import AgencyType, Authority, Child, Household
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen_today() -> object:
    with time_machine.travel(date(2026, 11, 20), tick=False) as traveller:
        yield traveller


def _household(policy: str = "staffordshire") -> tuple[Authority, Household, list[Child]]:
    authority = factories.AuthorityFactory(policy_profile=policy)
    children = [
        factories.ChildFactory(authority=authority, given_name="Briony", date_of_birth=date(2016, 5, 4)),
        factories.ChildFactory(authority=authority, given_name="Caspian", date_of_birth=date(2021, 9, 30)),
    ]
    household = factories.HouseholdFactory(authority=authority, children=children)
    return authority, household, children


def _discussion(authority: Authority, household: Household, held_on: date = date(2026, 11, 2)) -> object:
    police = factories.AgencyFactory(authority=authority, agency_type=AgencyType.POLICE)
    return strategy_discussion_record(
        authority=authority,
        household=household,
        held_on=held_on,
        agencies_present=[police],
        outcome=StrategyDiscussionOutcome.SECTION_47,
        acting_user=None,
    )


def test_conference_needed_requests_an_initial_conference_for_every_child_due_in_15_working_days() -> None:
    authority, household, children = _household()
    discussion = _discussion(authority, household)
    enquiry = enquiry_start(
        authority=authority,
        household=household,
        started_on=date(2026, 11, 3),
        strategy_discussion=discussion,  # type: ignore[arg-type]
        acting_user=None,
    )
    conference = enquiry_conclude(
        enquiry=enquiry,
        outcome=EnquiryOutcome.CONFERENCE_NEEDED,
        reason="Bruising seen by the school nurse; the explanation does not fit.",
        concluded_on=date(2026, 11, 18),
        acting_user=None,
    )
    assert conference is not None
    # R-CT-1: 15 working days after the strategy discussion on Monday 2 November 2026.
    assert conference.due_date == date(2026, 11, 23)
    assert conference.counted_from == date(2026, 11, 2)
    assert "15 wd of the strategy discussion on 2 November 2026 (R-CT-1)" in conference.due_date_basis
    assert conference.conference_type == ConferenceType.INITIAL
    assert conference.status == ConferenceStatus.REQUESTED
    # R-CH-1: every child of the household.
    assert list(conference.children.order_by("pk")) == children
    assert AuditEntry.objects.filter(object_type="conferences.conference", action="create").count() == 1


def test_bolton_counts_the_initial_conference_from_the_enquiry() -> None:
    authority, household, _ = _household("bolton")
    discussion = _discussion(authority, household, held_on=date(2026, 11, 2))
    enquiry = enquiry_start(
        authority=authority,
        household=household,
        started_on=date(2026, 11, 5),
        strategy_discussion=discussion,  # type: ignore[arg-type]
        acting_user=None,
    )
    conference = enquiry_conclude(
        enquiry=enquiry,
        outcome="conference_needed",
        reason="Risk remains.",
        concluded_on=TODAY,
        acting_user=None,
    )
    assert conference is not None
    assert conference.counted_from == date(2026, 11, 5)
    assert conference.due_date == date(2026, 11, 26)  # 15 working days after Thursday 5 November
    assert "Section 47 enquiry" in conference.due_date_basis


def test_a_child_left_out_needs_a_reason_and_is_not_at_the_conference() -> None:
    authority, household, (briony, caspian) = _household()
    with pytest.raises(ValidationError, match="Give the reason Caspian"):
        enquiry_start(
            authority=authority,
            household=household,
            started_on=TODAY,
            left_out={caspian: " "},
            acting_user=None,
        )
    enquiry = enquiry_start(
        authority=authority,
        household=household,
        started_on=TODAY,
        left_out={caspian: "Lives with his father in another household most of the week."},
        acting_user=None,
    )
    assert EnquiryChild.objects.get(enquiry=enquiry, child=caspian).included is False
    conference = enquiry_conclude(
        enquiry=enquiry,
        outcome="conference_needed",
        reason="Risk remains.",
        concluded_on=TODAY,
        acting_user=None,
    )
    assert conference is not None
    assert list(conference.children.all()) == [briony]


def test_a_child_outside_the_household_is_refused_and_nothing_is_saved() -> None:
    authority, household, _ = _household()
    stranger = factories.ChildFactory(authority=authority, given_name="Ottoline")
    with pytest.raises(ValidationError, match=r"Ottoline .* is not a child of this household"):
        enquiry_start(
            authority=authority,
            household=household,
            started_on=TODAY,
            left_out={stranger: "x"},
            acting_user=None,
        )
    assert not Section47Enquiry.objects.exists()


def test_an_enquiry_cannot_start_before_its_strategy_discussion_or_in_the_future() -> None:
    authority, household, _ = _household()
    discussion = _discussion(authority, household, held_on=date(2026, 11, 10))
    with pytest.raises(
        ValidationError, match="cannot start before the strategy discussion on 10 November 2026"
    ):
        enquiry_start(
            authority=authority,
            household=household,
            started_on=date(2026, 11, 9),
            strategy_discussion=discussion,  # type: ignore[arg-type]
            acting_user=None,
        )
    with pytest.raises(ValidationError, match="today or in the past"):
        enquiry_start(
            authority=authority, household=household, started_on=date(2026, 11, 21), acting_user=None
        )


def test_no_conference_needs_a_reason_and_requests_nothing_and_an_outcome_is_final() -> None:
    authority, household, _ = _household()
    enquiry = enquiry_start(authority=authority, household=household, started_on=TODAY, acting_user=None)
    with pytest.raises(ValidationError, match="Give the reason"):
        enquiry_conclude(
            enquiry=enquiry, outcome="no_conference", reason="", concluded_on=TODAY, acting_user=None
        )
    assert (
        enquiry_conclude(
            enquiry=enquiry,
            outcome="no_conference",
            reason="Concerns not substantiated; family support offered.",
            concluded_on=TODAY,
            acting_user=None,
        )
        is None
    )
    assert not Conference.objects.exists()
    with pytest.raises(ValidationError, match="cannot be concluded twice"):
        enquiry_conclude(
            enquiry=enquiry,
            outcome="conference_needed",
            reason="Changed mind.",
            concluded_on=TODAY,
            acting_user=None,
        )
    assert not Conference.objects.exists()


def test_an_enquiry_about_an_unborn_baby_requests_a_pre_birth_conference_in_the_staffordshire_window() -> (
    None
):
    authority = factories.AuthorityFactory(policy_profile="staffordshire")
    baby = factories.ChildFactory(
        authority=authority, given_name="", date_of_birth=None, expected_delivery_date=date(2027, 3, 19)
    )
    household = factories.HouseholdFactory(authority=authority, children=[baby])
    enquiry = enquiry_start(authority=authority, household=household, started_on=TODAY, acting_user=None)
    conference = enquiry_conclude(
        enquiry=enquiry,
        outcome="conference_needed",
        reason="Risk to the baby.",
        concluded_on=TODAY,
        acting_user=None,
    )
    assert conference is not None
    assert conference.conference_type == ConferenceType.PRE_BIRTH
    # R-CT-3: between 30 and 32 weeks' gestation, 10 and 8 weeks before delivery expected on 19 March 2027.
    assert conference.earliest_date == date(2027, 1, 8)
    assert conference.due_date == date(2027, 1, 22)
    assert "R-CT-3" in conference.due_date_basis


def test_another_authoritys_household_is_refused() -> None:
    authority, _, _ = _household()
    _, other_household, _ = _household()
    with pytest.raises(ValidationError, match="another authority"):
        enquiry_start(authority=authority, household=other_household, started_on=TODAY, acting_user=None)
