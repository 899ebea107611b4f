"""Attendance on the day (R-PR-3, R-EX-1): a summary of everyone invited, and a page per invitee to
record how they attended and for which parts of the agenda.

A page per invitee, rather than one form for the whole table, keeps each question a GOV.UK radios or
checkboxes group with its own legend and error messages, which works with the keyboard and a screen reader
without a grid of unlabelled controls.

Thin: the conference comes from ``cpconf.access.gateways.conference_for`` (``VIEW_CONFERENCE`` to see the
summary, ``MANAGE_CONFERENCE`` to record), reads come from ``cpconf.conferences.selectors.attendance`` and
writes go through ``cpconf.conferences.services.attendance``.
"""

from __future__ import annotations

import uuid
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from cpconf import clock
from cpconf.access import gateways
from cpconf.access.rules import MANAGE_CONFERENCE, VIEW_CONFERENCE, may
from cpconf.conferences.agenda import titles
from cpconf.conferences.forms.attendance import AttendanceForm
from cpconf.conferences.selectors import attendance as selectors
from cpconf.conferences.selectors.exclusions import excluded_sections_for
from cpconf.conferences.services import attendance as services
from cpconf.conferences.views.exclusions import conference_heading
from cpconf.people.models import User

# What the access log records each page as reading.
ATTENDANCE = "conference-attendance"


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)  # login_required has turned away anyone signed out


@login_required
def attendance_summary(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """Everyone invited, how they attended and for which parts of the conference."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=ATTENDANCE, permission=VIEW_CONFERENCE, request=request
    )
    closed = services.recording_closed(conference, clock.now())
    context = {
        "conference": conference,
        "heading": conference_heading(conference),
        "rows": selectors.attendance_rows(conference),
        "closed": closed,
        "may_record": not closed and may(user, MANAGE_CONFERENCE, conference),
    }
    return render(request, "conferences/attendance/summary.html", context)


@login_required
def attendance_record(
    request: HttpRequest, conference_id: uuid.UUID, invitation_id: uuid.UUID
) -> HttpResponse:
    """Record how one invitee attended, for which parts of the agenda, and who came in their place."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=ATTENDANCE, permission=MANAGE_CONFERENCE, request=request
    )
    invitation = selectors.invitation_for_attendance(conference, invitation_id)
    if invitation is None:
        raise Http404("There is no invitation here, or you do not have access to it.")
    invitation.conference = conference  # the one the gateway loaded (with its authority)
    closed = services.recording_closed(conference, clock.now())
    excluded = excluded_sections_for(conference).get(invitation.public_id, [])
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, invitation=invitation, excluded=excluded
    )
    if request.method == "POST" and not closed and form.is_valid():
        data = form.cleaned_data
        try:
            services.attendance_record(
                invitation=invitation,
                mode=data["mode"],
                sections=data["sections"],
                attended_by=data.get("attended_by", ""),
                acting_user=user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"You recorded {invitation.name}'s attendance.")
            return redirect("conferences:attendance", conference_id=conference.public_id)
    context = {
        "conference": conference,
        "heading": conference_heading(conference),
        "invitation": invitation,
        "invited_as": selectors.invited_as(invitation),
        "excluded_from": titles(excluded),
        "closed": closed,
        "form": form,
    }
    return render(request, "conferences/attendance/record.html", context)


urlpatterns: list[URLPattern] = [
    path("conferences/<uuid:conference_id>/attendance/", attendance_summary, name="attendance"),
    path(
        "conferences/<uuid:conference_id>/attendance/<uuid:invitation_id>/",
        attendance_record,
        name="attendance-record",
    ),
]
