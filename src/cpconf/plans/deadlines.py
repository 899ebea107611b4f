"""A plan's due dates from the statutory clock (DESIGN principle 1): the only glue between the plans app and
``cpconf.timescales``. No date arithmetic here either: every date comes from a policy rule or a timescales
``Duration``.

* the first core group: ``initial-conference.first-core-group``, counted from the initial conference's day
  (R-DE-5, R-PL-3);
* the next core group: ``core-group.next-core-group`` after a core group meeting (R-PL-3);
* the next visit: ``visit.next-visit`` after a visit (R-PL-4; Staffordshire sets 3 weeks). The conference
  may ask for more frequent visits (``visit_interval_days``): the earlier of the two applies. A policy with
  no rule and a plan with no interval give no date;
* the next review: ``cpconf.conferences.deadlines.review_due`` (R-CT-2), from the conference held;
* the core group record's circulation: ``core-group.core-group-record-circulated`` (R-PL-3; only
  Staffordshire sets one, 10 working days: elsewhere a record has no due date and is never late);
* the 18th birthday and the flag three months before it (R-PL-5: a review must be held before the 18th
  birthday to end a plan), by ``add_months`` from the date of birth; an unborn child has none.

DOMAIN.md gives "at least every 3 weeks" as Staffordshire's minimum for visits (R-PL-4), not a national
one, so national.toml sets none: with neither a policy rule nor the conference's interval, no visit is due
and the plan is never listed as having an overdue visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cpconf import timescales
from cpconf.conferences import deadlines as conference_deadlines
from cpconf.conferences.models import Conference
from cpconf.people.models import Authority, Child
from cpconf.people.selectors import working_calendar_for
from cpconf.timescales import Duration, Unit, add_months
from cpconf.timescales.durations import local_date
from cpconf.timescales.working_days import WorkingCalendar

#: R-PL-5: the months from birth to the 18th birthday, and the flag this many months before it.
MONTHS_TO_EIGHTEEN = 18 * 12
ATTENTION_MONTHS_BEFORE_EIGHTEEN = 3


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


def core_group_record_due(
    authority: Authority, held_on: date, calendar: WorkingCalendar | None = None
) -> date | None:
    """R-PL-3: the day the record of a core group held on ``held_on`` is to be circulated by
    (Staffordshire: 10 working days); None where the policy sets no time."""
    calendar = calendar or working_calendar_for(authority)
    return _event_deadline(authority, "core-group", "core-group-record-circulated", held_on, calendar)


def eighteenth_birthday(child: Child) -> date | None:
    """The child's 18th birthday; None for an unborn child."""
    if child.date_of_birth is None:
        return None
    return add_months(child.date_of_birth, MONTHS_TO_EIGHTEEN)


def eighteen_attention_on(child: Child) -> date | None:
    """R-PL-5: the day from which an open plan is flagged: three months before the 18th birthday."""
    if child.date_of_birth is None:
        return None
    return add_months(child.date_of_birth, MONTHS_TO_EIGHTEEN - ATTENTION_MONTHS_BEFORE_EIGHTEEN)


def born_on_or_before_for_attention(today: date) -> date:
    """The latest date of birth whose attention day (``eighteen_attention_on``) is on or before ``today``,
    so that the list is one indexed filter (``date_of_birth <= this``). ``add_months`` clamps to a month's
    last day, so a few later dates of birth may also qualify: they are tried one day at a time."""
    months = MONTHS_TO_EIGHTEEN - ATTENTION_MONTHS_BEFORE_EIGHTEEN
    latest = add_months(today, -months)
    one_day = Duration(1, Unit.DAYS)
    calendar = WorkingCalendar()
    for _ in range(4):  # month ends differ by at most three days
        following = local_date(one_day.after(latest, calendar))
        if add_months(following, months) > today:
            break
        latest = following
    return latest
