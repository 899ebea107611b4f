"""A conference's due date and the deadlines before it, from the statutory clock (DESIGN principle 1).

This module only asks ``cpconf.timescales`` and says in words what it asked: no date arithmetic here.
Each function takes the authority's calendar (``working_calendar_for``) so that its closure days count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from cpconf import timescales
from cpconf.clock import date_in_words
from cpconf.conferences.models import Conference, ConferenceType
from cpconf.people.models import Authority
from cpconf.timescales import Deadline
from cpconf.timescales.durations import local_date
from cpconf.timescales.policy import Policy
from cpconf.timescales.working_days import WorkingCalendar


@dataclass(frozen=True)
class DueDate:
    """When a conference is due, counted from what, and the rule in words (shown to the coordinator)."""

    due_date: date | None
    counted_from: date | None
    basis: str
    earliest_date: date | None = None


def policy_on(authority: Authority, day: date | datetime) -> Policy:
    """The authority's policy in force on ``day`` (R-NA-1)."""
    return timescales.load_policy(authority.policy_profile).in_force_on(local_date(day))


def _deadline(
    policy: Policy, event: str, name: str, at: date, calendar: WorkingCalendar, **kw: object
) -> date | None:
    deadlines = timescales.deadlines_for_event(policy, event, at, calendar, **kw)  # type: ignore[arg-type]
    found = deadlines.get(name)
    return None if found is None else local_date(found)


def _rule_words(policy: Policy, event: str, name: str) -> str:
    rule = policy.deadline_rule(event, name)
    return "" if rule is None else str(rule.duration)


def initial_due(
    authority: Authority,
    calendar: WorkingCalendar,
    *,
    strategy_discussion_on: date | None,
    enquiry_started_on: date,
) -> DueDate:
    """R-CT-1: counted from the strategy discussion that started the enquiry (Bolton: from the enquiry)."""
    start = strategy_discussion_on or enquiry_started_on
    policy = policy_on(authority, start)
    due = _deadline(
        policy,
        "strategy-discussion",
        "initial-conference",
        start,
        calendar,
        anchors={"section-47-enquiry": enquiry_started_on},
    )
    rule = policy.deadline_rule("strategy-discussion", "initial-conference")
    from_enquiry = strategy_discussion_on is None or (
        rule is not None and rule.counts_from == "section-47-enquiry"
    )
    counted_from = enquiry_started_on if from_enquiry else start
    what = "the start of the Section 47 enquiry" if from_enquiry else "the strategy discussion"
    if due is None:
        return DueDate(
            None, counted_from, "Your authority's policy sets no timescale for an initial conference."
        )
    return DueDate(
        due,
        counted_from,
        f"Within {_rule_words(policy, 'strategy-discussion', 'initial-conference')} of {what} "
        f"on {date_in_words(counted_from)} (R-CT-1).",
    )


def pre_birth_due(
    authority: Authority,
    calendar: WorkingCalendar,
    *,
    expected_delivery: date,
    decided_on: date,
    strategy_discussion_on: date | None,
    enquiry_started_on: date,
) -> DueDate:
    """R-CT-3: in the policy's window before the expected date of delivery, or, when that window has
    passed or the policy sets none, as an initial conference (R-CT-1)."""
    policy = policy_on(authority, decided_on)
    earliest = _deadline(
        policy, "expected-delivery", "pre-birth-conference-earliest", expected_delivery, calendar
    )
    latest = _deadline(
        policy, "expected-delivery", "pre-birth-conference-latest", expected_delivery, calendar
    )
    if latest is not None and latest >= decided_on:
        return DueDate(
            latest,
            expected_delivery,
            f"Between {date_in_words(earliest) if earliest else 'now'} and {date_in_words(latest)}: the policy's "
            f"window before the expected date of delivery, {date_in_words(expected_delivery)} (R-CT-3).",
            earliest_date=earliest,
        )
    initial = initial_due(
        authority,
        calendar,
        strategy_discussion_on=strategy_discussion_on,
        enquiry_started_on=enquiry_started_on,
    )
    if latest is None:
        return initial
    return DueDate(
        initial.due_date,
        initial.counted_from,
        f"The pre-birth window ended on {date_in_words(latest)}, so as soon as possible after it: "
        + initial.basis,
    )


def review_due(authority: Authority, calendar: WorkingCalendar, *, previous: Conference) -> DueDate:
    """R-CT-2: the first review within 3 months of an initial (or transfer-in) conference, then at most 6."""
    held_on = previous.held_on
    if held_on is None:
        raise ValueError("A review is counted from a conference that has been held.")
    first = previous.conference_type in {
        ConferenceType.INITIAL,
        ConferenceType.PRE_BIRTH,
        ConferenceType.RECONVENED,
        ConferenceType.TRANSFER_IN,  # R-CT-4: the review schedule restarts as after an initial conference
    }
    event, name = ("initial-conference", "first-review") if first else ("review-conference", "next-review")
    policy = policy_on(authority, held_on)
    due = _deadline(policy, event, name, held_on, calendar)
    words = "the first review" if first else "the next review"
    return DueDate(
        due,
        held_on,
        f"{words.capitalize()}: within {_rule_words(policy, event, name)} of the conference on "
        f"{date_in_words(held_on)} (R-CT-2).",
    )


def transfer_in_due(authority: Authority, calendar: WorkingCalendar, *, decided_on: date) -> DueDate:
    """R-CT-4: counted from the decision to hold a transfer-in conference, not from the move."""
    policy = policy_on(authority, decided_on)
    due = _deadline(policy, "transfer-in-decision", "transfer-in-conference", decided_on, calendar)
    if due is None:
        return DueDate(
            None, decided_on, "Your authority's policy sets no timescale for a transfer-in conference."
        )
    return DueDate(
        due,
        decided_on,
        f"Within {_rule_words(policy, 'transfer-in-decision', 'transfer-in-conference')} of the decision on "
        f"{date_in_words(decided_on)} to hold it (R-CT-4).",
    )


def reconvened_due(authority: Authority, calendar: WorkingCalendar, *, original_on: date) -> DueDate:
    """R-CT-6: counted from the date of the conference that could not go ahead."""
    policy = policy_on(authority, original_on)
    due = _deadline(policy, "inquorate-conference", "reconvened-conference", original_on, calendar)
    if due is None:
        return DueDate(
            None,
            original_on,
            "Your authority's policy sets no timescale for reconvening: arrange it as soon as possible (R-CT-6).",
        )
    return DueDate(
        due,
        original_on,
        f"Within {_rule_words(policy, 'inquorate-conference', 'reconvened-conference')} of the conference on "
        f"{date_in_words(original_on)} that could not go ahead (R-CT-6).",
    )


def before_conference(conference: Conference, calendar: WorkingCalendar) -> dict[str, Deadline]:
    """The deadlines before a scheduled conference (R-PR-5 reports, R-EX-2 exclusion requests, R-PR-1
    review invitations), under the policy in force on its day; empty if it has no date yet."""
    if conference.starts_at is None:
        return {}
    policy = policy_on(conference.authority, conference.starts_at)
    return timescales.deadlines_before_conference(
        policy, conference.clock_name, conference.starts_at, calendar
    )
