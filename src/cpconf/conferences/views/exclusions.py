"""Exclusion pages (R-EX-1 to R-EX-3): the list of requests for a conference, asking for one, the chair's
decision, and recording that the person was told.

Thin: each page gets its conference from ``cpconf.access.gateways.conference_for`` with the permission it
needs (which decides, logs the read and refuses with 404 or 403), reads through
``cpconf.conferences.selectors.exclusions`` and writes through ``cpconf.conferences.services.exclusions``.

Who may do what:

* see the requests: anyone who may see the conference (``VIEW_CONFERENCE``);
* ask for an exclusion: social care staff, or a professional invited to the conference
  (``REQUEST_EXCLUSION``); social care staff may also record a request an invited professional made by
  phone;
* decide: the conference's chair (``CHAIR_CONFERENCE``);
* record that the person was told: whoever arranges the conference (``MANAGE_CONFERENCE``), since the
  social worker or the coordinator often tells them, not the chair.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from cpconf import clock
from cpconf.access import gateways
from cpconf.access.rules import (
    CHAIR_CONFERENCE,
    MANAGE_CONFERENCE,
    REQUEST_EXCLUSION,
    VIEW_CONFERENCE,
    is_social_care_staff,
    may,
)
from cpconf.clock import date_in_words, time_in_words
from cpconf.conferences.forms.exclusions import (
    ExclusionDecisionForm,
    ExclusionRequestForm,
    ExclusionToldForm,
)
from cpconf.conferences.models import ChairDecision, Conference, Exclusion
from cpconf.conferences.selectors import exclusions as selectors
from cpconf.conferences.services import exclusions as services
from cpconf.people.models import User
from cpconf.people.selectors import professional_for_user

# What the access log records each page as reading.
EXCLUSIONS = "conference-exclusions"


@dataclass(frozen=True)
class ConferenceHeading:
    """What every conference page says about the conference at the top."""

    title: str
    when: str
    children: list[str]


def conference_heading(conference: Conference) -> ConferenceHeading:
    when = (
        time_in_words(conference.starts_at)
        if conference.starts_at
        else f"Not booked yet{f', due by {date_in_words(conference.due_date)}' if conference.due_date else ''}"
    )
    children = [child.full_name for child in conference.children.order_by("pk")]
    return ConferenceHeading(
        title=f"{conference.get_conference_type_display()} {conference.reference}",
        when=when,
        children=children,
    )


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)  # login_required has turned away anyone signed out


def _exclusion_or_404(conference: Conference, exclusion_id: uuid.UUID) -> Exclusion:
    exclusion = selectors.exclusion_in(conference, exclusion_id)
    if exclusion is None:
        raise Http404("There is no exclusion request here, or you do not have access to it.")
    return exclusion


def _notice_in_words(deadline: date | datetime | None) -> str:
    if deadline is None:
        return ""
    if isinstance(deadline, datetime):
        return time_in_words(deadline)
    return date_in_words(deadline)


@login_required
def exclusion_list(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """Every request to exclude someone from this conference, with its status and the chair's decision."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=EXCLUSIONS, permission=VIEW_CONFERENCE, request=request
    )
    context = {
        "conference": conference,
        "heading": conference_heading(conference),
        "rows": selectors.exclusion_rows(conference),
        "may_request": may(user, REQUEST_EXCLUSION, conference) and conference.is_open,
        "may_decide": may(user, CHAIR_CONFERENCE, conference),
        "may_record_told": may(user, MANAGE_CONFERENCE, conference),
        "notice_by": _notice_in_words(services.exclusion_notice_deadline(conference)),
        "pending": ChairDecision.PENDING,
        "agreed": ChairDecision.AGREED,
    }
    return render(request, "conferences/exclusions/list.html", context)


@login_required
def exclusion_request(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """Ask the chair to exclude someone from part or all of the conference (R-EX-1, R-EX-2)."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=EXCLUSIONS, permission=REQUEST_EXCLUSION, request=request
    )
    me = professional_for_user(user)
    if me is None:  # pragma: no cover - REQUEST_EXCLUSION needs an active professional record
        raise PermissionDenied("Only a professional with an active record can ask for an exclusion.")
    closed = services.closed_to_requests(conference)
    deadline = services.exclusion_notice_deadline(conference)
    invitations = list(selectors.excludable_invitations(conference))
    professionals = (
        [invitation.professional for invitation in selectors.invited_professionals(conference)]
        if is_social_care_staff(user)
        else []
    )
    form = ExclusionRequestForm(
        request.POST if request.method == "POST" else None,
        invitations=invitations,
        me=me,
        professionals=[professional for professional in professionals if professional is not None],
    )
    if request.method == "POST" and not closed and invitations and form.is_valid():
        data = form.cleaned_data
        try:
            exclusion = services.exclusion_request(
                conference=conference,
                invitation=data["invitation"],
                grounds=data["grounds"],
                details=data["details"],
                sections=data["sections"],
                requested_by=form.requester,
                acting_user=user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            late = (
                " It was made after the notice period, so the chair will see it as late."
                if (exclusion.requested_late)
                else ""
            )
            messages.success(
                request, f"Your request to exclude {exclusion.invitation.name} was sent to the chair.{late}"
            )
            return redirect("conferences:exclusions", conference_id=conference.public_id)
    context: dict[str, Any] = {
        "conference": conference,
        "heading": conference_heading(conference),
        "form": form,
        "closed": closed,
        "has_invitees": bool(invitations),
        "notice_by": _notice_in_words(deadline),
        "late_now": services.is_late(deadline, clock.now()),
    }
    return render(request, "conferences/exclusions/request.html", context)


def _request_summary(exclusion: Exclusion) -> dict[str, Any]:
    """What the chair (and whoever records the telling) reads about the request."""
    return {
        "person": selectors.invitee_in_words(exclusion.invitation),
        "requested_by": f"{exclusion.requested_by.full_name}, {exclusion.requested_by.agency.name}",
        "requested_at": time_in_words(exclusion.requested_at),
        "late": exclusion.requested_late,
        "grounds": selectors.ground_titles(list(exclusion.grounds)),
        "details": exclusion.details,
        "sections": selectors.sections_in_words(list(exclusion.sections)),
    }


@login_required
def exclusion_decide(request: HttpRequest, conference_id: uuid.UUID, exclusion_id: uuid.UUID) -> HttpResponse:
    """The chair agrees or refuses a request, with reasons (R-EX-1)."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=EXCLUSIONS, permission=CHAIR_CONFERENCE, request=request
    )
    exclusion = _exclusion_or_404(conference, exclusion_id)
    decided = exclusion.decision != ChairDecision.PENDING
    form = ExclusionDecisionForm(
        request.POST if request.method == "POST" else None, requested_sections=list(exclusion.sections)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exclusion = services.exclusion_decide(
                exclusion=exclusion,
                decision=data["decision"],
                reason=data["reason"],
                sections=data["sections"],
                acting_user=user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if exclusion.decision == ChairDecision.AGREED:
                messages.success(
                    request,
                    f"You agreed to exclude {exclusion.invitation.name}. Record when they are told, and how "
                    "their views will reach the conference.",
                )
                if may(user, MANAGE_CONFERENCE, conference):
                    return redirect(
                        "conferences:exclusion-told",
                        conference_id=conference.public_id,
                        exclusion_id=exclusion.public_id,
                    )
            else:
                messages.success(request, f"You refused the request to exclude {exclusion.invitation.name}.")
            return redirect("conferences:exclusions", conference_id=conference.public_id)
    context = {
        "conference": conference,
        "heading": conference_heading(conference),
        "exclusion": exclusion,
        "request_summary": _request_summary(exclusion),
        "decided": decided,
        "decision_words": services.decision_in_words(exclusion) if decided else "",
        "form": form,
    }
    return render(request, "conferences/exclusions/decide.html", context)


@login_required
def exclusion_told(request: HttpRequest, conference_id: uuid.UUID, exclusion_id: uuid.UUID) -> HttpResponse:
    """Record when and how the person was told of an agreed exclusion, and how their views will reach the
    conference (R-EX-3)."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=EXCLUSIONS, permission=MANAGE_CONFERENCE, request=request
    )
    exclusion = _exclusion_or_404(conference, exclusion_id)
    initial = {}
    if exclusion.told_on is not None:
        initial = {
            "told_on": exclusion.told_on,
            "told_how": exclusion.told_how,
            "views_route": exclusion.views_route,
            "views_details": exclusion.views_details,
        }
    form = ExclusionToldForm(request.POST if request.method == "POST" else None, initial=initial)
    agreed = exclusion.decision == ChairDecision.AGREED
    if request.method == "POST" and agreed and form.is_valid():
        data = form.cleaned_data
        try:
            exclusion = services.exclusion_record_told(
                exclusion=exclusion,
                told_on=data["told_on"],
                told_how=data["told_how"],
                views_route=data["views_route"],
                views_details=data["views_details"],
                acting_user=user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"You recorded that {exclusion.invitation.name} was told.")
            return redirect("conferences:exclusions", conference_id=conference.public_id)
    context = {
        "conference": conference,
        "heading": conference_heading(conference),
        "exclusion": exclusion,
        "request_summary": _request_summary(exclusion),
        "agreed": agreed,
        "decided": exclusion.decision != ChairDecision.PENDING,
        "form": form,
    }
    return render(request, "conferences/exclusions/told.html", context)


urlpatterns: list[URLPattern] = [
    path("conferences/<uuid:conference_id>/exclusions/", exclusion_list, name="exclusions"),
    path("conferences/<uuid:conference_id>/exclusions/new/", exclusion_request, name="exclusion-request"),
    path(
        "conferences/<uuid:conference_id>/exclusions/<uuid:exclusion_id>/decide/",
        exclusion_decide,
        name="exclusion-decide",
    ),
    path(
        "conferences/<uuid:conference_id>/exclusions/<uuid:exclusion_id>/told/",
        exclusion_told,
        name="exclusion-told",
    ),
]
