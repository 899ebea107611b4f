"""The conference page, and booking, cancelling and closing a conference. Thin: the gateway decides who
may see or act (and logs the read), the services validate and write."""

from __future__ import annotations

import uuid
from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cpconf.access import gateways
from cpconf.access.rules import CHAIR_CONFERENCE, MAKE_PLAN, MANAGE_CONFERENCE, MANAGE_ENQUIRIES, may
from cpconf.conferences.forms.scheduling import OutcomeForm, ReasonForm, ScheduleForm, TransferInForm
from cpconf.conferences.models import Conference, ConferenceStatus
from cpconf.conferences.selectors import scheduling as selectors
from cpconf.conferences.selectors.quorum import quorum_for
from cpconf.conferences.services import scheduling as services
from cpconf.enquiries import selectors as enquiry_selectors
from cpconf.people.models import User
from cpconf.plans.selectors.plans import plan_decisions
from cpconf.web.forms import add_service_errors


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


@login_required
def detail(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    conference = gateways.conference_for(user, conference_id, request=request)
    summary = selectors.conference_summary(conference)
    context = {
        "summary": summary,
        "conference": conference,
        # R-QU-1: as replies and reports arrive, whether it will be quorate, while it is still to happen.
        "quorum": quorum_for(conference) if conference.is_open else None,
        "may_manage": may(user, MANAGE_CONFERENCE, conference),
        "may_chair": may(user, CHAIR_CONFERENCE, conference),
        "has_started": conference.starts_at is not None and conference.starts_at <= timezone.now(),
        # Issue 5: the children whose decision is a plan or a child in need plan, with the plan if made.
        "plan_decisions": plan_decisions(conference) if conference.status == ConferenceStatus.HELD else [],
        "may_make_plan": may(user, MAKE_PLAN, conference),
    }
    return render(request, "conferences/detail.html", context)


def _schedule_initial(conference: Conference) -> dict[str, object]:
    initial: dict[str, object] = {
        "version": conference.version,
        "venue_kind": conference.venue_kind,
        "venue_address": conference.venue_address,
        "joining_details": conference.joining_details,
        "chair": conference.chair.public_id if conference.chair else None,
        "minute_taker": conference.minute_taker.public_id if conference.minute_taker else None,
        "out_of_timescale_reason": conference.out_of_timescale_reason,
    }
    if conference.starts_at and conference.ends_at:
        starts, ends = timezone.localtime(conference.starts_at), timezone.localtime(conference.ends_at)
        initial.update(day=starts.date(), start=f"{starts:%H:%M}", end=f"{ends:%H:%M}")
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what="conference-schedule", permission=MANAGE_CONFERENCE, request=request
    )
    form = ScheduleForm(
        request.POST if request.method == "POST" else None,
        initial=_schedule_initial(conference),
        chairs=selectors.chairs_for(conference.authority),
        minute_takers=selectors.minute_takers_for(conference.authority),
    )
    clashes: list[str] = []
    if request.method == "POST" and form.is_valid():
        times = form.times()
        if times is not None:
            data = form.cleaned_data
            try:
                services.conference_schedule(
                    conference=conference,
                    starts_at=times[0],
                    ends_at=times[1],
                    venue_kind=data["venue_kind"],
                    venue_address=data["venue_address"],
                    joining_details=data["joining_details"],
                    chair=data["chair"],
                    minute_taker=data["minute_taker"],
                    out_of_timescale_reason=data["out_of_timescale_reason"],
                    change_reason=data["change_reason"],
                    accept_clashes=data["accept_clashes"],
                    expected_version=data["version"],
                    acting_user=user,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict") and "accept_clashes" in error.error_dict:
                    clashes = error.message_dict["accept_clashes"]
                add_service_errors(form, error, {"starts_at": "day", "ends_at": "end"})
            else:
                return redirect("conferences:detail", conference_id=conference.public_id)
    return render(
        request,
        "conferences/schedule.html",
        {
            "form": form,
            "conference": conference,
            "clashes": clashes,
            "show_clash_check": bool(clashes) or bool(form["accept_clashes"].value()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what="conference-cancel", permission=MANAGE_CONFERENCE, request=request
    )
    form = ReasonForm(
        request.POST if request.method == "POST" else None, initial={"version": conference.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.conference_cancel(
                conference=conference,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                acting_user=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("conferences:detail", conference_id=conference.public_id)
    return render(request, "conferences/cancel.html", {"form": form, "conference": conference})


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """Record whether the conference went ahead. Adjourning it as not quorate is the chair's (R-QU-2)."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what="conference-outcome", permission=MANAGE_CONFERENCE, request=request
    )
    form = OutcomeForm(
        request.POST if request.method == "POST" else None, initial={"version": conference.version}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["outcome"] == "held":
                services.conference_mark_held(
                    conference=conference, expected_version=data["version"], acting_user=user
                )
            else:
                if not may(user, CHAIR_CONFERENCE, conference):
                    raise PermissionDenied("Only the conference's chair can adjourn it as not quorate.")
                reconvened = services.conference_mark_inquorate(
                    conference=conference,
                    reason=data["reason"],
                    expected_version=data["version"],
                    acting_user=user,
                )
                return redirect("conferences:detail", conference_id=reconvened.public_id)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("conferences:detail", conference_id=conference.public_id)
    return render(request, "conferences/outcome.html", {"form": form, "conference": conference})


@require_POST
@login_required
def request_review(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what="conference-review-request", permission=MANAGE_CONFERENCE, request=request
    )
    try:
        review = services.conference_request_review(
            previous=conference, dual_process=request.POST.get("dual_process") == "yes", acting_user=user
        )
    except ValidationError as error:
        summary = selectors.conference_summary(conference)
        context = {
            "summary": summary,
            "conference": conference,
            "may_manage": True,
            "may_chair": may(user, CHAIR_CONFERENCE, conference),
            "has_started": True,
            "action_errors": error.messages,
        }
        return render(request, "conferences/detail.html", context, status=400)
    return redirect("conferences:detail", conference_id=review.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def transfer_in_new(request: HttpRequest) -> HttpResponse:
    """Request a transfer-in conference for children moving here on another authority's plan (R-CT-4)."""
    user = _user(request)
    if not may(user, MANAGE_ENQUIRIES):
        raise PermissionDenied("Only children's social care staff request conferences.")
    authority = enquiry_selectors.authority_for(user, what="conference-transfer-in", request=request)
    form = TransferInForm(
        request.POST if request.method == "POST" else None,
        households=enquiry_selectors.households_for(authority),
    )
    if request.method == "POST" and form.is_valid():
        household = form.cleaned_data["household"]
        try:
            conference = services.conference_request_transfer_in(
                authority=authority,
                household=household,
                children=enquiry_selectors.children_of(household),
                decided_on=form.cleaned_data["decided_on"],
                acting_user=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("conferences:detail", conference_id=conference.public_id)
    return render(request, "conferences/transfer_in.html", {"form": form})


urlpatterns = [
    path("conferences/transfer-in/new/", transfer_in_new, name="transfer-in-new"),
    path("conferences/<uuid:conference_id>/", detail, name="detail"),
    path("conferences/<uuid:conference_id>/schedule/", schedule, name="schedule"),
    path("conferences/<uuid:conference_id>/cancel/", cancel, name="cancel"),
    path("conferences/<uuid:conference_id>/outcome/", outcome, name="outcome"),
    path("conferences/<uuid:conference_id>/review/", request_review, name="request-review"),
]
