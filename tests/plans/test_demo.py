"""The demo's outcome of a conference: the Merriweather family after their initial conference."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from cpconf import clock
from cpconf.access.models import AuditEntry
from cpconf.conferences.models import (
    AgencyView,
    Attendance,
    Category,
    Conference,
    ConferenceStatus,
    ConferenceType,
    Recommendation,
)
from cpconf.minutes.models import Circulation, Document, MinutesStatus
from cpconf.people import demo_data
from cpconf.people.models import Professional
from cpconf.plans.models import ChildInNeedPlan, ChildInNeedStatus, ChildProtectionPlan, PlanStatus
from cpconf.plans.selectors.overdue import overdue_visits
from cpconf.plans.services.core_groups import held_late

pytestmark = pytest.mark.django_db


def _merriweather_conference() -> Conference:
    return Conference.objects.get(
        household__name="the Merriweather household", conference_type=ConferenceType.INITIAL
    )


def test_the_merriweathers_initial_conference_was_held_about_3_weeks_ago_with_two_decisions() -> None:
    assert demo_data.demo_load()
    conference = _merriweather_conference()
    today = clock.today()
    assert conference.status == ConferenceStatus.HELD and conference.starts_at is not None
    held_on = conference.starts_at.date()
    assert today - timedelta(days=28) <= held_on <= today - timedelta(days=21)
    assert not conference.out_of_timescale
    # Four professionals and the father, all there; every present agency gave a view on each child (R-DE-2).
    assert Attendance.objects.filter(invitation__conference=conference).count() == 5
    assert AgencyView.objects.filter(conference=conference).count() == 8
    decisions = {d.child.given_name: d for d in conference.decisions.select_related("child")}
    assert decisions["Saskia"].outcome == Recommendation.PLAN
    assert decisions["Saskia"].categories == [Category.NEGLECT]
    assert decisions["Felix"].outcome == Recommendation.CHILD_IN_NEED
    assert decisions["Felix"].family_consents is True


def test_saskia_has_an_active_plan_with_a_core_group_met_and_a_visit_now_overdue() -> None:
    demo_data.demo_load()
    today = clock.today()
    plan = ChildProtectionPlan.objects.get(child__given_name="Saskia", child__family_name="Merriweather")
    assert plan.status == PlanStatus.ACTIVE
    # R-PL-2: the lead professional is a qualified social worker.
    assert plan.lead_professional.qualified_social_worker
    assert plan.actions.count() == 3
    meeting = plan.core_group_meetings.get()
    assert today - timedelta(days=13) <= meeting.held_on <= today - timedelta(days=10)
    assert not held_late(meeting)  # R-PL-3
    assert plan.visits.count() == 1
    # R-PL-4: Staffordshire's policy, a visit at least every 3 weeks, makes the next one overdue today.
    assert plan.next_visit_due is not None and plan.next_visit_due < today
    social_worker = Professional.objects.get(given_name="Thaddeus", family_name="Ormsby")
    assert plan in overdue_visits(social_worker.user, today)  # type: ignore[arg-type]
    # R-CT-2: the plan requested the first review.
    assert Conference.objects.filter(
        household__name="the Merriweather household", conference_type=ConferenceType.REVIEW
    ).exists()
    felix = ChildInNeedPlan.objects.get(child__given_name="Felix", child__family_name="Merriweather")
    assert felix.status == ChildInNeedStatus.OPEN


def test_the_minutes_are_approved_and_circulated_and_the_father_reads_all_but_one_section() -> None:
    demo_data.demo_load()
    minutes = _merriweather_conference().minutes
    assert minutes.status == MinutesStatus.APPROVED
    sections = {section.key: section for section in minutes.sections.prefetch_related("family_audience")}
    assert all(section.text for section in sections.values())
    # R-EX-5: nobody from the family reads the information shared without them.
    assert not sections["information-without-family"].family_audience.all()
    readers = {
        invitation.family_member.given_name  # type: ignore[union-attr]
        for key, section in sections.items()
        if key != "information-without-family"
        for invitation in section.family_audience.all()
    }
    assert readers == {"Augustin"}
    circulated = set(Circulation.objects.filter(minutes=minutes).values_list("document", flat=True))
    assert circulated == {Document.DECISIONS, Document.MINUTES}
    assert Circulation.objects.filter(minutes=minutes, document=Document.MINUTES).count() == 5


def test_loading_the_demo_twice_changes_nothing() -> None:
    assert demo_data.demo_load()
    counts = (
        ChildProtectionPlan.objects.count(),
        ChildInNeedPlan.objects.count(),
        Circulation.objects.count(),
        Conference.objects.count(),
        AuditEntry.objects.count(),
    )
    assert demo_data.demo_load() is False
    assert counts == (
        ChildProtectionPlan.objects.count(),
        ChildInNeedPlan.objects.count(),
        Circulation.objects.count(),
        Conference.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("weekday", range(7))
def test_the_picture_is_the_same_whatever_the_day_of_the_week(weekday: int) -> None:
    """Dates are counted from today and moved off weekends: the conference held in time about 3 weeks ago,
    the first core group in time (R-PL-3), and the next visit overdue (R-PL-4), on any day."""
    monday = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(monday + timedelta(days=weekday), tick=False):
        assert demo_data.demo_load()
        today = clock.today()
        conference = _merriweather_conference()
        assert conference.starts_at is not None and conference.starts_at.weekday() < 5
        assert not conference.out_of_timescale
        plan = ChildProtectionPlan.objects.get(child__given_name="Saskia", child__family_name="Merriweather")
        assert not held_late(plan.core_group_meetings.get())
        assert plan.next_visit_due is not None and plan.next_visit_due < today
