"""The follow-up of a child protection plan on the statutory clock: the next core group, the core group
record's circulation, the next visit and the 18th-birthday flag (R-PL-3, R-PL-4, R-PL-5).

Like ``cpconf.conferences.deadlines``, this module only asks ``cpconf.timescales``: there is no date
arithmetic here. Each function takes the authority's calendar (``working_calendar_for``).

Decisions:

* **No national visit interval.** DOMAIN.md gives "at least every 3 weeks" as Staffordshire's minimum
  (R-PL-4), not a national one, so national.toml sets none. The next visit is due at the earlier of the
  policy's minimum (if any) and the interval the conference set on the plan (``visit_interval_days``, if
  any), counted with a ``timescales.Duration`` in days. With neither, no visit is due ("no interval set")
  and the plan is never listed as having an overdue visit.
* **No national time for the core group record.** Only Staffordshire sets one (10 working days,
  R-PL-3); elsewhere the record has no due date and is never listed as late.
* **The 18th birthday.** A plan still open three months before the child's 18th birthday is flagged
  (R-PL-5: a review must be held before the 18th birthday to end it). The day is ``add_months`` of the
  date of birth; an unborn child has none.
"""

from __future__ import annotations

from datetime import date

from cpconf import timescales
from cpconf.conferences.deadlines import policy_on
from cpconf.people.models import Authority, Child
from cpconf.timescales import Duration, Unit, add_months
from cpconf.timescales.durations import local_date
from cpconf.timescales.working_days import WorkingCalendar

#: R-PL-5: the months from birth to the 18th birthday, and the flag this many months before it.
MONTHS_TO_EIGHTEEN = 18 * 12
ATTENTION_MONTHS_BEFORE_EIGHTEEN = 3


def _deadline(
    authority: Authority, event: str, name: str, at: date, calendar: WorkingCalendar
) -> date | None:
    policy = policy_on(authority, at)
    found = timescales.deadlines_for_event(policy, event, at, calendar).get(name)
    return None if found is None else local_date(found)


def next_core_group_due(authority: Authority, calendar: WorkingCalendar, *, held_on: date) -> date | None:
    """R-PL-3: the next core group after one held on ``held_on`` (6 weeks nationally)."""
    return _deadline(authority, "core-group", "next-core-group", held_on, calendar)


def core_group_record_due(authority: Authority, calendar: WorkingCalendar, *, held_on: date) -> date | None:
    """R-PL-3: the day the record of a core group held on ``held_on`` is to be circulated by
    (Staffordshire: 10 working days); None where the policy sets no time."""
    return _deadline(authority, "core-group", "core-group-record-circulated", held_on, calendar)


def next_visit_due(
    authority: Authority, calendar: WorkingCalendar, *, visited_on: date, interval_days: int | None
) -> date | None:
    """R-PL-4: the next visit after one on ``visited_on``: the earlier of the policy's minimum and the
    interval the conference set on the plan; None when neither is set (see the module docstring)."""
    candidates = []
    minimum = _deadline(authority, "visit", "next-visit", visited_on, calendar)
    if minimum is not None:
        candidates.append(minimum)
    if interval_days:
        candidates.append(local_date(Duration(interval_days, Unit.DAYS).after(visited_on, calendar)))
    return min(candidates) if candidates else None


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
