"""A plan's due dates from the statutory clock (DESIGN principle 1): the only glue between the plans app and
``cpconf.timescales``. No date arithmetic here either: every date comes from a policy rule or a timescales
``Duration``.

* the first core group: ``initial-conference.first-core-group``, counted from the initial conference's day
  (R-DE-5, R-PL-3);
* the next core group: ``core-group.next-core-group`` after a core group meeting (R-PL-3);
* the next visit: ``visit.next-visit`` after a visit (R-PL-4; Staffordshire sets 3 weeks). The conference
  may ask for more frequent visits (``visit_interval_days``): the earlier of the two applies. A policy with
  no rule and a plan with no interval give no date;
* the next review: ``cpconf.conferences.deadlines.review_due`` (R-CT-2), from the conference held.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cpconf import timescales
from cpconf.conferences import deadlines as conference_deadlines
from cpconf.conferences.models import Conference
from cpconf.people.models import Authority
from cpconf.people.selectors import working_calendar_for
from cpconf.timescales import Duration, Unit
from cpconf.timescales.durations import local_date
from cpconf.timescales.working_days import WorkingCalendar


@dataclass(frozen=True)
class PlanDueDates:
    """The dates a new plan starts with (stored on the plan)."""

    first_core_group_due: date | None
    next_review_due: date | None
    next_visit_due: date | None


def _event_deadline(
    authority: Authority, event: str, name: str, at: date, calendar: WorkingCalendar
) -> date | None:
    policy = conference_deadlines.policy_on(authority, at)
    found = timescales.deadlines_for_event(policy, event, at, calendar).get(name)
    return None if found is None else local_date(found)


def first_core_group_due(
    authority: Authority, conference_on: date, calendar: WorkingCalendar | None = None
) -> date | None:
    """R-DE-5, R-PL-3: the first core group, within the policy's time of the initial conference."""
    calendar = calendar or working_calendar_for(authority)
    return _event_deadline(authority, "initial-conference", "first-core-group", conference_on, calendar)


def next_core_group_due(
    authority: Authority, held_on: date, calendar: WorkingCalendar | None = None
) -> date | None:
    """R-PL-3: the next core group after one held on ``held_on``."""
    calendar = calendar or working_calendar_for(authority)
    return _event_deadline(authority, "core-group", "next-core-group", held_on, calendar)


def next_visit_due(
    authority: Authority,
    after: date,
    *,
    visit_interval_days: int | None = None,
    calendar: WorkingCalendar | None = None,
) -> date | None:
    """R-PL-4: the next visit after ``after`` (the last visit, or the plan's start): the policy's minimum,
    or the conference's own interval when it asked for more frequent visits; the earlier of the two."""
    calendar = calendar or working_calendar_for(authority)
    candidates: list[date] = []
    by_policy = _event_deadline(authority, "visit", "next-visit", after, calendar)
    if by_policy is not None:
        candidates.append(by_policy)
    if visit_interval_days:
        candidates.append(local_date(Duration(visit_interval_days, Unit.DAYS).after(after, calendar)))
    return min(candidates) if candidates else None


def next_review_due(conference: Conference, calendar: WorkingCalendar | None = None) -> date | None:
    """R-CT-2: the review after ``conference`` (held): the first within 3 months of an initial conference,
    then within 6 months."""
    if conference.held_on is None:
        return None
    calendar = calendar or working_calendar_for(conference.authority)
    return conference_deadlines.review_due(conference.authority, calendar, previous=conference).due_date


def plan_due_dates(
    conference: Conference, *, start_date: date, visit_interval_days: int | None
) -> PlanDueDates:
    """The dates a plan made at ``conference`` starts with (R-DE-5)."""
    authority = conference.authority
    calendar = working_calendar_for(authority)
    return PlanDueDates(
        # A plan made at a review (a child newly on a plan) needs a first core group too: counted the same way.
        first_core_group_due=first_core_group_due(authority, start_date, calendar),
        next_review_due=next_review_due(conference, calendar),
        next_visit_due=next_visit_due(
            authority, start_date, visit_interval_days=visit_interval_days, calendar=calendar
        ),
    )
