"""The demo's enquiries and conferences: Northbridge families at different points before a conference.

Written through the services, like everything typed in, with dates counted from today so that the demo
always shows the same picture: an enquiry still open, an initial conference requested but not booked,
one booked in time with its chair and minute taker and its invitations sent, one booked after its due date (out of timescale,
with the reason), and a pre-birth conference requested in its window. The Ashcombe family is left
without any, for trying the whole journey from the strategy discussion. What follows a held conference
(the Merriweather family's) is in ``cpconf.plans.demo_data``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from cpconf import clock
from cpconf.conferences.models import Conference, VenueKind
from cpconf.conferences.services.invitations import invitations_add, invitations_send
from cpconf.conferences.services.scheduling import conference_schedule
from cpconf.enquiries.models import EnquiryOutcome, StrategyDiscussionOutcome
from cpconf.enquiries.services import enquiry_conclude, enquiry_start, strategy_discussion_record
from cpconf.people.models import Agency, Authority, FamilyMember, Household, Professional

VENUE = "Conference Room 2, Northbridge Civic Centre, Market Square, Northbridge NB1 1AA"
JOINING = "A private video link is emailed the day before. Join from somewhere no one can overhear."


def _working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_default_timezone())


def _conference_requested(
    authority: Authority, household: Household, agencies: list[Agency], *, days_ago: int, reason: str
) -> Conference:
    today = clock.today()
    held_on = today - timedelta(days=days_ago)
    discussion = strategy_discussion_record(
        authority=authority,
        household=household,
        held_on=held_on,
        agencies_present=agencies,
        outcome=StrategyDiscussionOutcome.SECTION_47,
        outcome_notes=reason,
        acting_user=None,
    )
    enquiry = enquiry_start(
        authority=authority,
        household=household,
        started_on=held_on,
        strategy_discussion=discussion,
        contributing_agencies=agencies,
        acting_user=None,
    )
    conference = enquiry_conclude(
        enquiry=enquiry,
        outcome=EnquiryOutcome.CONFERENCE_NEEDED,
        reason="The enquiry found the children at continuing risk of significant harm.",
        concluded_on=today,
        acting_user=None,
    )
    if conference is None:  # pragma: no cover - "conference needed" always requests one
        raise AssertionError("The enquiry requested no conference.")
    return conference


def demo_conferences_load(
    authority: Authority, professionals: dict[str, Professional], agencies: dict[str, Agency]
) -> None:
    """Create the demo's enquiries and conferences (called inside the demo's one transaction)."""
    today = clock.today()
    households = {household.name: household for household in Household.objects.filter(authority=authority)}
    core = [agencies["social_care"], agencies["police"], agencies["health_visiting"]]
    chair = professionals["Idris Fellowes"]
    minute_taker = professionals["Caspian Dunmore"]

    # The Amadi-Selwyn family: an enquiry still open.
    discussion = strategy_discussion_record(
        authority=authority,
        household=households["the Amadi-Selwyn household"],
        held_on=today - timedelta(days=2),
        agencies_present=[*core, agencies["secondary"]],
        outcome=StrategyDiscussionOutcome.SECTION_47,
        outcome_notes="Kelechi told his teacher he is afraid to go home.",
        acting_user=None,
    )
    enquiry_start(
        authority=authority,
        household=discussion.household,
        started_on=discussion.held_on,
        strategy_discussion=discussion,
        contributing_agencies=[*core, agencies["secondary"]],
        acting_user=None,
    )

    # The Draycott family: an initial conference requested, not booked yet.
    _conference_requested(
        authority,
        households["the Draycott household"],
        core,
        days_ago=6,
        reason="Police were called to the home twice in a week; Wren has bruising to her arm.",
    )

    # The Corvidescu family: booked in time, with its chair and minute taker.
    corvidescu = _conference_requested(
        authority,
        households["the Corvidescu household"],
        [*core, agencies["primary"]],
        days_ago=3,
        reason="Anca came to school hungry on most days this half term.",
    )
    day = _working_day(today + timedelta(days=8))
    corvidescu = conference_schedule(
        conference=corvidescu,
        starts_at=_at(day, 10),
        ends_at=_at(day, 12),
        venue_kind=VenueKind.BLENDED,
        venue_address=VENUE,
        joining_details=JOINING,
        chair=chair,
        minute_taker=minute_taker,
        acting_user=None,
    )

    # Its invitations, sent: they wait in the outbox for the worker (`make demo` writes them, with their
    # calendar files, to var/demo-email.log).
    coordinator = professionals["Ottoline Brackwater"].user
    invitations_add(
        conference=corvidescu,
        acting_user=coordinator,
        professionals=[
            professionals["Thaddeus Ormsby"],
            professionals["Sefton Harcastle"],
            professionals["Jocasta Penhallow"],
        ],
        family_members=FamilyMember.objects.filter(households=corvidescu.household).order_by("pk"),
    )
    invitations_send(conference=corvidescu, acting_user=coordinator)

    # The Sallowby family: booked after its due date, with the reason.
    sallowby = _conference_requested(
        authority,
        households["the Sallowby household"],
        core,
        days_ago=14,
        reason="Ottilie, aged 1, was taken to hospital with an unexplained injury.",
    )
    late = _working_day(max(today + timedelta(days=3), (sallowby.due_date or today) + timedelta(days=2)))
    conference_schedule(
        conference=sallowby,
        starts_at=_at(late, 14),
        ends_at=_at(late, 16),
        venue_kind=VenueKind.IN_PERSON,
        venue_address=VENUE,
        chair=professionals["Wilhelmina Tansley"],
        minute_taker=minute_taker,
        out_of_timescale_reason="The mother's solicitor cannot attend earlier, and the chair agreed to wait.",
        acting_user=None,
    )

    # The Roskilly family: a pre-birth conference, due in the window before the expected delivery date.
    _conference_requested(
        authority,
        households["the Roskilly household"],
        [agencies["social_care"], agencies["police"], agencies["midwifery"]],
        days_ago=1,
        reason="The mother's two older children were removed from her care in another authority.",
    )
