"""The demo's enquiries and conferences: one of each state a coordinator meets before the day."""

from __future__ import annotations

import pytest

from cpconf.conferences.models import Conference, ConferenceStatus, ConferenceType
from cpconf.enquiries.models import EnquiryOutcome, Section47Enquiry
from cpconf.notifications.models import OutboxMessage
from cpconf.people import demo_data

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_conference_at_each_stage_and_leaves_the_ashcombes_to_try() -> None:
    demo_data.demo_load()
    conferences = {c.household.name: c for c in Conference.objects.select_related("household") if c.household}
    assert conferences["the Draycott household"].status == ConferenceStatus.REQUESTED
    booked = conferences["the Corvidescu household"]
    assert booked.status == ConferenceStatus.SCHEDULED and not booked.out_of_timescale
    assert booked.chair is not None and booked.minute_taker is not None
    # Three professionals and both parents invited; the professionals emailed (the demo's parents have no
    # email address: the page says to invite them another way), and each agency owes a report.
    assert booked.invitations.count() == 5
    assert booked.invitations.filter(sent_at__isnull=False).count() == 3
    assert OutboxMessage.objects.filter(attachments__filename__endswith=".ics").count() == 3
    assert booked.reports.count() == 3
    late = conferences["the Sallowby household"]
    assert late.status == ConferenceStatus.SCHEDULED and late.out_of_timescale
    assert late.out_of_timescale_reason
    pre_birth = conferences["the Roskilly household"]
    assert pre_birth.conference_type == ConferenceType.PRE_BIRTH and pre_birth.earliest_date is not None
    assert (
        Section47Enquiry.objects.get(household__name="the Amadi-Selwyn household").outcome
        == EnquiryOutcome.OPEN
    )
    assert "the Ashcombe household" not in conferences
    # The Merriweathers' held initial conference and the review their plan requested: see tests/plans/test_demo.py.
    assert "6 Section 47 enquiries and 6 conferences" in demo_data.demo_summary()
