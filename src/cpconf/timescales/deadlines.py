"""Deadlines by event: what falls due after an event, or before a conference, under a policy.

This is the function the `cpconf due` command and the product call. It picks the version of the
policy in force on the day of the event (R-NA-1), counts every deadline the policy sets for that event
on the working-day calendar, and leaves out the deadlines the policy does not set.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from cpconf.timescales.durations import Deadline, local_date
from cpconf.timescales.errors import UnknownEventError
from cpconf.timescales.events import BEFORE_DEADLINES, EVENT_DEADLINES
from cpconf.timescales.policy import DeadlineRule, Policy, PolicyProfile
from cpconf.timescales.working_days import WorkingCalendar


def deadlines_for_event(
    policy: Policy | PolicyProfile,
    event: str,
    at: date | datetime,
    calendar: WorkingCalendar | None = None,
    *,
    anchors: Mapping[str, date | datetime] | None = None,
) -> dict[str, Deadline]:
    """Return, in a stable order, each deadline name that follows `event` at `at` and its date.

    `policy` is a loaded profile (the version in force on the event's day is used, R-NA-1) or a policy
    already resolved for a day. `calendar` is the authority's own working-day calendar; the closure days
    listed in the profile are always added to it. A deadline in hours is an aware datetime in
    Europe/London; every other deadline is a date.

    `anchors` gives the date of anything a rule counts from other than the event itself. Bolton counts
    the initial conference from the Section 47 enquiry (``counts_from = "section-47-enquiry"``, R-CT-1):
    pass ``anchors={"section-47-enquiry": ...}``; without it the enquiry is taken to start on the day of
    the strategy discussion, which is when a strategy discussion starts one.
    """
    if event not in EVENT_DEADLINES:
        raise UnknownEventError(f"unknown event {event!r}; known events: {', '.join(EVENT_DEADLINES)}")
    resolved, working_days = _resolve(policy, at, calendar)
    anchors = anchors or {}
    return {
        rule.name: rule.apply(_start(rule, at, anchors), working_days)
        for rule in resolved.deadline_rules(event)
    }


def deadlines_before_conference(
    policy: Policy | PolicyProfile,
    conference: str,
    at: date | datetime,
    calendar: WorkingCalendar | None = None,
) -> dict[str, Deadline]:
    """Return, in a stable order, each deadline before the `conference` held at `at` and its date.

    `conference` is "initial-conference" or "review-conference". The arguments are as for
    `deadlines_for_event`; the policy in force on the day of the conference applies.
    """
    if conference not in BEFORE_DEADLINES:
        raise UnknownEventError(
            f"unknown conference {conference!r}; known conferences: {', '.join(BEFORE_DEADLINES)}"
        )
    resolved, working_days = _resolve(policy, at, calendar)
    return {rule.name: rule.apply(at, working_days) for rule in resolved.before_rules(conference)}


def _resolve(
    policy: Policy | PolicyProfile, at: date | datetime, calendar: WorkingCalendar | None
) -> tuple[Policy, WorkingCalendar]:
    # R-NA-1: the version in force on the day of the event that starts the clock.
    resolved = policy.in_force_on(local_date(at)) if isinstance(policy, PolicyProfile) else policy
    working_days = (
        resolved.calendar() if calendar is None else calendar.with_closure_days(resolved.closure_days)
    )
    return resolved, working_days


def _start(
    rule: DeadlineRule, at: date | datetime, anchors: Mapping[str, date | datetime]
) -> date | datetime:
    if rule.counts_from == rule.event:
        return at
    return anchors.get(rule.counts_from, at)
