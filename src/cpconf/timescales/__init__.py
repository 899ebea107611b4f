"""Statutory timescales for child protection conferences: pure Python, no Django.

This package owns every piece of date arithmetic in cpconf (docs/design.md, principle 1): the England
working-day calendar (`working_days`), durations such as "15 wd" or "3 months" (`durations`), the dated
policy profiles in ``policies/*.toml`` (`policy`), the deadlines that follow from an event
(`deadlines`, names in `events`) and the ``cpconf due`` / ``cpconf policies`` commands (`command`).

Typical use::

    from cpconf.timescales import load_policy, deadlines_for_event

    policy = load_policy("staffordshire")
    deadlines_for_event(policy, "initial-conference", date(2026, 12, 1))
    # {"first-review": date(2027, 3, 1), "first-core-group": date(2026, 12, 15), ...}
"""

from __future__ import annotations

from cpconf.timescales.ages import age_in_years, whole_months_between
from cpconf.timescales.deadlines import deadlines_before_conference, deadlines_for_event
from cpconf.timescales.durations import LONDON, Deadline, Duration, Unit, add_months, parse_duration
from cpconf.timescales.errors import (
    DurationError,
    PolicyError,
    PolicyNotInForceError,
    TimescalesError,
    UnknownEventError,
    UnknownPolicyError,
)
from cpconf.timescales.events import BEFORE_DEADLINES, EVENT_DEADLINES
from cpconf.timescales.policy import (
    POLICY_DIR,
    AdvocacyOffer,
    Agency,
    CategoriesMode,
    ChildInvitation,
    DeadlineRule,
    DecisionRule,
    NeglectEndingRule,
    PlanEndingReview,
    Policy,
    PolicyProfile,
    QuorumRule,
    Source,
    load_policy,
    load_policy_file,
    policy_names,
)
from cpconf.timescales.working_days import WorkingCalendar, bank_holidays_in

__all__ = [
    "BEFORE_DEADLINES",
    "EVENT_DEADLINES",
    "LONDON",
    "POLICY_DIR",
    "AdvocacyOffer",
    "Agency",
    "CategoriesMode",
    "ChildInvitation",
    "Deadline",
    "DeadlineRule",
    "DecisionRule",
    "Duration",
    "DurationError",
    "NeglectEndingRule",
    "PlanEndingReview",
    "Policy",
    "PolicyError",
    "PolicyNotInForceError",
    "PolicyProfile",
    "QuorumRule",
    "Source",
    "TimescalesError",
    "Unit",
    "UnknownEventError",
    "UnknownPolicyError",
    "WorkingCalendar",
    "add_months",
    "age_in_years",
    "bank_holidays_in",
    "deadlines_before_conference",
    "deadlines_for_event",
    "load_policy",
    "load_policy_file",
    "parse_duration",
    "policy_names",
    "whole_months_between",
]
