"""What the follow-up pages share: the signed-in user and the plan's heading."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.http import HttpRequest

from cpconf.clock import date_in_words
from cpconf.people.models import User
from cpconf.plans import deadlines
from cpconf.plans.models import ChildProtectionPlan


def user_of(request: HttpRequest) -> User:
    return cast("User", request.user)  # login_required has turned away anyone signed out


@dataclass(frozen=True)
class PlanHeading:
    """The plan a page is about, in words: the child, since when, and the 18th-birthday flag (R-PL-5)."""

    child: str
    started: str
    status: str
    eighteen_flag: str


def plan_heading(plan: ChildProtectionPlan) -> PlanHeading:
    attention = deadlines.eighteen_attention_on(plan.child)
    birthday = deadlines.eighteenth_birthday(plan.child)
    flag = ""
    if plan.status != "ended" and attention is not None and birthday is not None:
        from cpconf import clock as today_clock

        if attention <= today_clock.today():
            flag = (
                f"{plan.child.full_name} is 18 on {date_in_words(birthday)}. A review must be held before then "
                "to end the plan."
            )
    return PlanHeading(
        child=plan.child.full_name,
        started=date_in_words(plan.start_date),
        status=plan.get_status_display(),
        eighteen_flag=flag,
    )
