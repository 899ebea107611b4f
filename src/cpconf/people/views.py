"""Pages about children: the list of those a person may see, a child's record, and who has seen it.

Views stay thin: every child comes from an access gateway (``cpconf.access.gateways``), which decides
need-to-know (R-AF-5) and writes the access log; what a page shows comes from ``cpconf.access.selectors``.
The helpers here only turn values into the words the pages show.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cpconf import clock, timescales
from cpconf.access import gateways, selectors
from cpconf.clock import time_in_words
from cpconf.people.models import Child, User
from cpconf.plans.selectors.plans import child_in_need_plans_of_child, plans_of_child

CHILDREN_PER_PAGE = 25
ACCESS_ENTRIES_PER_PAGE = 50
# A list shows only the end of an NHS number: enough to tell two children of the same name apart, and
# no whole identifier on a screen that is shown or printed more widely than one child's record.
NHS_NUMBER_DIGITS_SHOWN = 3


def age_in_words(child: Child, today: date) -> str:
    """The age as a page shows it: "7", "5 months", "Under 1 month", or "Unborn"."""
    years = child.age_on(today)
    if years is None or child.date_of_birth is None:
        return "Unborn"
    if years >= 1:
        return str(years)
    months = timescales.whole_months_between(child.date_of_birth, today)
    if months < 1:
        return "Under 1 month"
    return "1 month" if months == 1 else f"{months} months"


def nhs_number_ending(nhs_number: str) -> str:
    return f"Ending {nhs_number[-NHS_NUMBER_DIGITS_SHOWN:]}" if nhs_number else "Not recorded"


def nhs_number_spaced(nhs_number: str) -> str:
    """An NHS number as people read it: 3, 3 and 4 digits."""
    if len(nhs_number) != 10:
        return nhs_number or "Not recorded"
    return f"{nhs_number[:3]} {nhs_number[3:6]} {nhs_number[6:]}"


# What each kind of read in the access log is, in words (cpconf.access.gateways names them). A read
# made through emergency access has the same words, marked as emergency access on the page.
WHAT_IN_WORDS = {
    gateways.CHILD_RECORD: "The child's record",
    gateways.ACCESS_HISTORY: "Who has seen this record",
    gateways.EMERGENCY_ACCESS: "Opened the record in an emergency",
    gateways.EMERGENCY_ACCESS_REVIEW: "Reviewing an emergency access to the record",
    # Conferences and enquiries about this child (issue 4).
    "conference": "A conference about this child",
    "conference-schedule": "Booking a conference about this child",
    "conference-cancel": "Cancelling a conference about this child",
    "conference-outcome": "Recording what happened at a conference",
    "conference-review-request": "Requesting a review conference",
    "conference-invitations": "A conference's invitations",
    "conference-exclusions": "A conference's exclusion requests",
    "conference-attendance": "A conference's attendance",
    "conference-reports": "A conference's reports",
    "report": "Downloaded an agency's report",
    "report-upload": "Uploading an agency's report",
    "report-shared": "Recording a report shared with the family",
    "report-withhold": "Asking to keep parts of a report from the family",
    "report-withhold-decision": "The chair's decision on keeping parts of a report from the family",
    "section-47-enquiry": "A Section 47 enquiry about this child",
    # Plans (issue 5).
    "plan": "The child's child protection plan",
    "plan-edit": "Changing the child's child protection plan",
    "plan-make": "Making a plan from a conference's decision",
    # Reads in the administration (cpconf.access.admin) of records about this child.
    "childrelationship": "A family relationship, in the administration",
    "allocation": "An allocation, in the administration",
    "access-log": "An access log entry, in the administration",
    "audit-history": "A change history entry, in the administration",
}


def access_ends_in_words(expires_at: datetime, now: datetime) -> str:
    """When an emergency access ends, in England's time: "2:32pm" if today, else "1:15am on 26 November 2026"."""
    local = timezone.localtime(expires_at)
    if local.date() == timezone.localtime(now).date():
        return clock.time_of_day_in_words(expires_at)
    return f"{clock.time_of_day_in_words(expires_at)} on {clock.date_in_words(local.date())}"


@dataclass(frozen=True)
class AccessRow:
    when: str
    who: str
    email: str
    what: str
    allowed: bool
    emergency: bool  # opened in an emergency, or read through that access (break glass)
    reason: str  # the reason given, for emergency access; "" otherwise


@dataclass(frozen=True)
class ChildRow:
    child: Child
    age: str
    nhs_number: str
    households: list[str]
    social_worker: str


def _page_range(page: Page[Any]) -> list[int | str]:
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))


def _user(request: HttpRequest) -> User:
    # login_required has turned away anyone signed out.
    return cast("User", request.user)


@login_required
def child_list(request: HttpRequest) -> HttpResponse:
    """The children the signed-in person may see (R-AF-5), searchable by name."""
    # A null character is never part of a name, and PostgreSQL refuses it outright: drop it.
    search = request.GET.get("q", "").replace("\x00", "").strip()[: selectors.SEARCH_MAX_LENGTH]
    children = gateways.children_for(_user(request), search=search, request=request)
    paginator = Paginator(children, CHILDREN_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    today = clock.today()
    rows = []
    for child in page.object_list:
        social_workers = getattr(child, "current_social_workers", [])
        rows.append(
            ChildRow(
                child=child,
                age=age_in_words(child, today),
                nhs_number=nhs_number_ending(child.nhs_number),
                households=[household.name for household in child.households.all()],
                social_worker=social_workers[0].professional.full_name if social_workers else "Not allocated",
            )
        )
    context = {"page": page, "page_range": _page_range(page), "rows": rows, "search": search}
    return render(request, "people/child_list.html", context)


@login_required
def child_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A child's record: details, households, family and the professionals allocated (R-CH-1)."""
    user = _user(request)
    access = gateways.child_access_for(user, public_id, request=request)
    child = access.child
    record = selectors.child_record_for(user, child)
    emergency = access.emergency_access
    context = {
        "record": record,
        "child": child,
        "age": age_in_words(child, clock.today()),
        "nhs_number": nhs_number_spaced(child.nhs_number),
        "emergency_access_ends": None
        if emergency is None
        else access_ends_in_words(emergency.expires_at, clock.now()),
        # Issue 5: the child's plans (whoever may see the child may see them, R-AF-5).
        "protection_plans": plans_of_child(child),
        "child_in_need_plans": child_in_need_plans_of_child(child),
    }
    return render(request, "people/child_detail.html", context)


@login_required
def child_access_history(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Who has seen (or tried to see) this child's record, newest first."""
    child, entries = gateways.child_access_history_for(_user(request), public_id, request=request)
    page = Paginator(entries, ACCESS_ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for entry in page.object_list:
        what = entry.what.removesuffix(gateways.EMERGENCY_SUFFIX)
        emergency = what != entry.what or what == gateways.EMERGENCY_ACCESS
        rows.append(
            AccessRow(
                when=time_in_words(entry.recorded_at),
                who=entry.actor_name or entry.actor_email or "Someone not signed in",
                email=entry.actor_email if entry.actor_name else "",
                what=WHAT_IN_WORDS.get(what, what),
                allowed=entry.allowed,
                emergency=emergency,
                reason=entry.reason if emergency else "",
            )
        )
    context = {"child": child, "page": page, "page_range": _page_range(page), "rows": rows}
    return render(request, "people/child_access_history.html", context)
