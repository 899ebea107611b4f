"""Scheduling, rescheduling, cancelling and closing conferences (R-CT-2, R-CT-4, R-CT-6, R-AF-4)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cpconf.access.models import AuditEntry
from cpconf.conferences.models import Conference, ConferenceStatus, ConferenceType, ScheduleChange
from cpconf.conferences.services.scheduling import (
    StaleEditError,
    conference_cancel,
    conference_mark_held,
    conference_mark_inquorate,
    conference_request_review,
    conference_request_transfer_in,
    conference_schedule,
)
from cpconf.people.models import AgencyType, Professional, Role
from tests import factories

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def _person(conference: Conference, *roles: str) -> Professional:
    agency = factories.AgencyFactory(
        authority=conference.authority, agency_type=AgencyType.CHILDRENS_SOCIAL_CARE
    )
    professional = factories.ProfessionalFactory(agency=agency)
    for role in roles:
        factories.ProfessionalRoleFactory(professional=professional, role=role)
    return professional


@pytest.fixture
def conference() -> Conference:
    authority = factories.AuthorityFactory(policy_profile="staffordshire")
    child = factories.ChildFactory(authority=authority)
    return factories.ConferenceFactory(authority=authority, children=[child], due_date=date(2026, 11, 23))


def _schedule(conference: Conference, **changes: object) -> Conference:
    values: dict[str, object] = {
        "starts_at": at(date(2026, 11, 20), 10),
        "ends_at": at(date(2026, 11, 20), 12),
        "venue_kind": "in_person",
        "venue_address": "Room 4, Northbridge Civic Centre",
        "acting_user": None,
    }
    values.update(changes)
    return conference_schedule(conference=conference, **values)  # type: ignore[arg-type]


def test_scheduling_books_the_conference_and_rescheduling_keeps_history_and_raises_the_sequence(
    conference: Conference,
) -> None:
    chair = _person(conference, Role.CHAIR)
    conference = _schedule(conference, chair=chair)
    assert conference.status == ConferenceStatus.SCHEDULED
    assert conference.schedule_sequence == 0
    assert not conference.out_of_timescale
    with pytest.raises(ValidationError, match="Give the reason the date, time or place is changing"):
        _schedule(
            conference, chair=chair, starts_at=at(date(2026, 11, 20), 13), ends_at=at(date(2026, 11, 20), 15)
        )
    conference = _schedule(
        conference,
        chair=chair,
        starts_at=at(date(2026, 11, 20), 13),
        ends_at=at(date(2026, 11, 20), 15),
        change_reason="The chair is in court in the morning.",
    )
    assert conference.schedule_sequence == 1  # R-AF-4: invitees get an update
    change = ScheduleChange.objects.get(conference=conference)
    assert change.reason == "The chair is in court in the morning."
    assert change.before["starts_at"] != change.after["starts_at"]
    # The same values again: nothing changes, nothing is re-sent.
    again = _schedule(
        conference, chair=chair, starts_at=at(date(2026, 11, 20), 13), ends_at=at(date(2026, 11, 20), 15)
    )
    assert again.schedule_sequence == 1
    assert ScheduleChange.objects.count() == 1


def test_a_date_past_the_due_date_needs_a_reason_and_is_out_of_timescale(conference: Conference) -> None:
    late = {"starts_at": at(date(2026, 11, 24), 10), "ends_at": at(date(2026, 11, 24), 12)}
    with pytest.raises(ValidationError, match="due by 23 November 2026"):
        _schedule(conference, **late)
    conference = _schedule(conference, out_of_timescale_reason="No chair free before then.", **late)
    assert conference.out_of_timescale


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_at": at(date(2026, 11, 20), 9)}, "end time must be after the start time"),
        ({"ends_at": at(date(2026, 11, 21), 11)}, "end on the day it starts"),
        (
            {"starts_at": at(date(2026, 11, 16), 8), "ends_at": at(date(2026, 11, 16), 9)},
            "must start in the future",
        ),
        ({"venue_address": ""}, "Enter the address"),
        ({"venue_kind": "online", "joining_details": ""}, "Enter how people join online"),
        ({"venue_kind": "by pigeon"}, "Select how people will attend"),
    ],
)
def test_bad_schedules_are_refused_with_a_clear_message_and_nothing_saved(
    conference: Conference, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        _schedule(conference, **changes)
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.REQUESTED
    assert conference.starts_at is None
    assert not AuditEntry.objects.filter(object_type="conferences.conference").exists()


def test_a_conference_cannot_be_before_its_enquiry_started(conference: Conference) -> None:
    conference.enquiry = factories.Section47EnquiryFactory(
        authority=conference.authority, started_on=date(2026, 11, 25)
    )
    conference.save()
    with pytest.raises(ValidationError, match="before the Section 47 enquiry started, on 25 November 2026"):
        _schedule(conference)


def test_the_chair_must_be_a_chair_of_this_authority_and_clashes_are_warned(conference: Conference) -> None:
    social_worker = _person(conference, Role.SOCIAL_WORKER)
    with pytest.raises(ValidationError, match="is not recorded as a conference chair"):
        _schedule(conference, chair=social_worker)
    outsider = factories.ProfessionalFactory()
    factories.ProfessionalRoleFactory(professional=outsider, role=Role.CHAIR)
    with pytest.raises(ValidationError, match="who works for this authority"):
        _schedule(conference, chair=outsider)
    chair = _person(conference, Role.CHAIR)
    other = factories.ConferenceFactory(
        authority=conference.authority, children=[factories.ChildFactory(authority=conference.authority)]
    )
    _schedule(other, chair=chair, starts_at=at(date(2026, 11, 20), 11), ends_at=at(date(2026, 11, 20), 13))
    with pytest.raises(
        ValidationError, match=rf"{chair.full_name} is already chairing conference {other.reference}"
    ):
        _schedule(conference, chair=chair)
    assert _schedule(conference, chair=chair, accept_clashes=True).status == ConferenceStatus.SCHEDULED


def test_a_stale_form_is_refused_and_says_who_changed_it(conference: Conference) -> None:
    user = factories.UserFactory(first_name="Perpetua", last_name="Oakhurst")
    version = conference.version
    _schedule(conference, acting_user=user)
    with pytest.raises(
        StaleEditError,
        match="Perpetua Oakhurst changed this conference on 16 November 2026 at 9:00am, after you opened",
    ):
        conference_cancel(
            conference=conference, reason="Duplicate.", expected_version=version, acting_user=None
        )
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.SCHEDULED


def test_cancelling_needs_a_reason_and_is_final(conference: Conference) -> None:
    _schedule(conference)
    with pytest.raises(ValidationError, match="Give the reason the conference is cancelled"):
        conference_cancel(conference=conference, reason=" ", acting_user=None)
    conference = conference_cancel(
        conference=conference, reason="The family moved to Scotland.", acting_user=None
    )
    assert conference.status == ConferenceStatus.CANCELLED
    assert conference.schedule_sequence == 1
    with pytest.raises(ValidationError, match="cannot be rescheduled"):
        _schedule(conference)


def test_an_inquorate_initial_conference_is_reconvened_within_7_working_days(
    conference: Conference, frozen: time_machine.Traveller
) -> None:
    _schedule(conference)
    with pytest.raises(ValidationError, match="after it starts"):
        conference_mark_inquorate(conference=conference, reason="Police and health absent.", acting_user=None)
    frozen.move_to(at(date(2026, 11, 20), 10, 30))
    reconvened = conference_mark_inquorate(
        conference=conference, reason="Police and health absent; not enough information.", acting_user=None
    )
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.INQUORATE
    assert reconvened.conference_type == ConferenceType.RECONVENED
    assert reconvened.previous == conference
    # R-CT-6 (Staffordshire): within 7 working days of Friday 20 November 2026.
    assert reconvened.due_date == date(2026, 12, 1)
    assert list(reconvened.children.all()) == list(conference.children.all())


def test_reviews_follow_a_held_conference_at_3_then_6_months(
    conference: Conference, frozen: time_machine.Traveller
) -> None:
    with pytest.raises(ValidationError, match="after the conference before it has been held"):
        conference_request_review(previous=conference, acting_user=None)
    _schedule(conference)
    frozen.move_to(at(date(2026, 11, 20), 12, 30))
    conference_mark_held(conference=conference, acting_user=None)
    first = conference_request_review(previous=conference, acting_user=None)
    assert first.conference_type == ConferenceType.REVIEW
    assert first.due_date == date(2027, 2, 20)  # R-CT-2: 3 months
    with pytest.raises(ValidationError, match="already been requested"):
        conference_request_review(previous=conference, acting_user=None)
    _schedule(first, starts_at=at(date(2027, 2, 10), 10), ends_at=at(date(2027, 2, 10), 12))
    frozen.move_to(at(date(2027, 2, 10), 12, 30))
    conference_mark_held(conference=first, acting_user=None)
    second = conference_request_review(previous=first, dual_process=True, acting_user=None)
    assert second.conference_type == ConferenceType.DUAL_PROCESS
    assert second.due_date == date(2027, 8, 10)  # then 6 months


def test_a_transfer_in_is_due_15_working_days_from_the_decision() -> None:
    authority = factories.AuthorityFactory(policy_profile="staffordshire")
    child = factories.ChildFactory(authority=authority)
    household = factories.HouseholdFactory(authority=authority, children=[child])
    conference = conference_request_transfer_in(
        authority=authority,
        household=household,
        children=[child],
        decided_on=date(2026, 11, 16),
        acting_user=None,
    )
    assert conference.conference_type == ConferenceType.TRANSFER_IN
    assert conference.due_date == date(2026, 12, 7)
    stranger = factories.ChildFactory(authority=authority, given_name="Peregrine")
    with pytest.raises(ValidationError, match=r"Peregrine .* is not a child of this household"):
        conference_request_transfer_in(
            authority=authority,
            household=household,
            children=[stranger],
            decided_on=date(2026, 11, 16),
            acting_user=None,
        )
