"""Opening a child's record in an emergency (break glass; docs/access.md). Thin: the gateway decides who
may use the page, the service searches, decides and writes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cpconf import clock
from cpconf.access import deadlines, gateways, selectors, services
from cpconf.access.forms import BreakGlassReviewForm, EmergencyAccessForm
from cpconf.access.log import audit_history_for
from cpconf.access.models import AccessEntry, BreakGlassGrant, BreakGlassReview, ReviewOutcome
from cpconf.access.rules import actor_for
from cpconf.people.models import Authority, User
from cpconf.people.selectors import working_calendar_for
from cpconf.timescales.working_days import WorkingCalendar

# What the page says when the search opens nothing: about this authority only, naming no child.
NO_MATCH_MESSAGE = (
    "No child in {authority} matches these details. Check them and try again, or contact children's "
    "social care"
)
SEVERAL_MATCH_MESSAGE = (
    "More than one child in {authority} matches these details. Search by the child's NHS number instead"
)


def _locked(
    request: HttpRequest, *, authority: str, locked_until: datetime, status: int, searched: str = ""
) -> HttpResponse:
    """The page that says the person may not search again yet, and until when (no form); ``searched`` is
    what the search just made found, when one was."""
    context = {
        "authority": authority,
        "locked_until": clock.time_of_day_in_words(locked_until),
        "searched": searched,
        "failures": services.FAILED_SEARCH_LIMIT,
        "minutes": int(services.FAILED_SEARCH_WINDOW.total_seconds() // 60),
    }
    return render(request, "access/emergency_access_locked.html", context, status=status)


@login_required
def emergency_access(request: HttpRequest) -> HttpResponse:
    """Find one child of the person's authority and open their record for a few hours, with a reason."""
    user = cast("User", request.user)  # login_required has turned away anyone signed out
    gateways.emergency_access_page_for(user, request=request)
    professional = actor_for(user).professional
    authority = professional.agency.authority.name if professional is not None else ""
    # Too many searches that found nobody: no search, for a while (logged, and the managers told once).
    locked_until = services.emergency_search_locked_until(user)
    if locked_until is not None:
        refused = request.method == "POST"
        if refused:
            services.break_glass_refuse_too_many(user=user, locked_until=locked_until, request=request)
        return _locked(
            request, authority=authority, locked_until=locked_until, status=429 if refused else 200
        )
    form = EmergencyAccessForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.break_glass_open(
                user=user,
                reason=data["reason"],
                nhs_number=data["nhs_number"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if result.child is not None:
                return redirect("people:child-detail", public_id=result.child.public_id)
            if result.locked_until is not None:
                # This search was the last allowed for now (or another at the same time was).
                searched = {
                    services.EmergencyOutcome.NO_MATCH: f"No child in {authority} matches the details you gave",
                    services.EmergencyOutcome.SEVERAL_MATCH: f"More than one child in {authority} matches "
                    "the details you gave",
                }.get(result.outcome, "")
                return _locked(
                    request,
                    authority=authority,
                    locked_until=result.locked_until,
                    status=200 if searched else 429,
                    searched=searched,
                )
            message = (
                NO_MATCH_MESSAGE
                if result.outcome is services.EmergencyOutcome.NO_MATCH
                else SEVERAL_MATCH_MESSAGE
            )
            form.add_error(None, message.format(authority=authority))
    context = {"form": form, "authority": authority, "hours": settings.CPCONF_BREAK_GLASS_HOURS}
    return render(request, "access/emergency_access.html", context)


# Break glass review (issue 3): the authority's safeguarding managers review each emergency access.

GRANTS_PER_PAGE = 20


@dataclass(frozen=True)
class ReadRow:
    when: str
    what: str


@dataclass(frozen=True)
class GrantRow:
    """One emergency access as the review list and the review page show it."""

    public_id: uuid.UUID
    who: str
    who_email: str
    child: str
    child_public_id: uuid.UUID
    opened: str
    until: str
    reason: str
    found_by: str
    reads: list[ReadRow]
    reviewed: bool
    outcome: str  # "" until reviewed
    justified: bool
    overdue: bool
    due: str
    note: str
    follow_up: str
    reviewed_by: str
    reviewed_at: str


def _what_in_words(entry: AccessEntry) -> str:
    from cpconf.people.views import WHAT_IN_WORDS

    what = entry.what.removesuffix(gateways.EMERGENCY_SUFFIX)
    return WHAT_IN_WORDS.get(what, what)


def _grant_row(
    grant: BreakGlassGrant, reads: list[AccessEntry], calendar: WorkingCalendar, today: date
) -> GrantRow:
    review: BreakGlassReview | None = getattr(grant, "review", None)
    reviewed = review is not None
    return GrantRow(
        public_id=grant.public_id,
        who=grant.user.get_full_name() or grant.user.email,
        who_email=grant.user.email,
        child=grant.child.full_name,
        child_public_id=grant.child.public_id,
        opened=clock.time_in_words(grant.started_at),
        until=clock.time_in_words(grant.expires_at),
        reason=grant.reason,
        found_by=grant.get_found_by_display(),
        reads=[
            ReadRow(when=clock.time_in_words(read.recorded_at), what=_what_in_words(read)) for read in reads
        ],
        reviewed=reviewed,
        outcome=review.get_outcome_display() if review is not None else "",
        justified=review is not None and review.outcome == ReviewOutcome.JUSTIFIED,
        overdue=deadlines.review_overdue(grant, calendar, today, reviewed=reviewed),
        due=clock.date_in_words(deadlines.review_due(grant, calendar)),
        note=review.note if review is not None else "",
        follow_up=review.follow_up if review is not None else "",
        reviewed_by=(review.reviewed_by.get_full_name() or review.reviewed_by.email)
        if review is not None
        else "",
        reviewed_at=clock.time_in_words(review.reviewed_at) if review is not None else "",
    )


@login_required
def emergency_access_reviews(request: HttpRequest) -> HttpResponse:
    """The emergency accesses to the authority's children, for its safeguarding managers to review: those
    not reviewed first, newest first, with what each person read while it lasted."""
    user = cast("User", request.user)
    authority_id = gateways.break_glass_reviews_for(user, request=request)
    show = request.GET.get("show", "")
    if show not in selectors.REVIEW_FILTERS:
        show = ""
    grants = selectors.break_glass_grants_for_review(authority_id=authority_id, show=show)
    page = Paginator(grants, GRANTS_PER_PAGE).get_page(request.GET.get("page"))
    page_grants = list(page.object_list)
    reads = selectors.reads_during(page_grants)
    calendar = working_calendar_for(Authority(pk=authority_id))
    today = clock.today()
    rows = [_grant_row(grant, reads[grant.pk], calendar, today) for grant in page_grants]
    context = {
        "page": page,
        "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
        "rows": rows,
        "show": show,
        "filters": [
            {"value": value, "label": label, "current": value == show}
            for value, label in selectors.REVIEW_FILTERS.items()
        ],
        "within_days": deadlines.REVIEW_WITHIN_WORKING_DAYS,
    }
    return render(request, "access/emergency_access_reviews.html", context)


@login_required
def emergency_access_review(request: HttpRequest, grant_id: uuid.UUID) -> HttpResponse:
    """One emergency access, what was read through it, and the safeguarding manager's review of it."""
    user = cast("User", request.user)
    grant = gateways.break_glass_grant_for_review(user, grant_id, request=request)
    review: BreakGlassReview | None = getattr(grant, "review", None)
    version = 0 if review is None else review.version
    initial: dict[str, object] = {"version": version}
    if review is not None:
        initial |= {"outcome": review.outcome, "note": review.note, "follow_up": review.follow_up}
    form = BreakGlassReviewForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.break_glass_review_record(
                grant=grant,
                user=user,
                outcome=data["outcome"],
                note=data["note"],
                follow_up=data["follow_up"],
                expected_version=data["version"],
            )
        except ValidationError as error:
            # A stale review is about the whole form; the service's own checks are keyed by field.
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Your review of {grant.user.get_full_name()}'s emergency access was saved."
            )
            return redirect("access:emergency-access-reviews")
    reads = selectors.reads_during([grant])[grant.pk]
    row = _grant_row(grant, reads, working_calendar_for(grant.child.authority), clock.today())
    history = [
        {
            "when": clock.time_in_words(entry.recorded_at),
            "who": entry.actor_display(),
            "action": entry.get_action_display(),
            "outcome": _outcome_words((entry.after or {}).get("outcome", "")),
        }
        for entry in (audit_history_for(review) if review is not None else [])
    ]
    context = {"row": row, "form": form, "history": history}
    return render(request, "access/emergency_access_review.html", context)


def _outcome_words(value: str) -> str:
    return dict(ReviewOutcome.choices).get(value, "")
