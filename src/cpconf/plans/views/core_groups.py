"""Core group meetings (R-PL-3): a plan's meetings, recording one, and recording that its record was
circulated. Thin: the plan comes from ``plan_for_followup``; writes go through
``cpconf.plans.services.core_groups``."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from cpconf.access.rules import RECORD_CORE_GROUP, VIEW_CHILD, may
from cpconf.plans.forms.followup import CoreGroupMeetingForm, RecordCirculatedForm, as_bool
from cpconf.plans.models import PlanStatus
from cpconf.plans.selectors import followup as selectors
from cpconf.plans.services import core_groups as services
from cpconf.plans.views.followup_common import plan_heading, user_of
from cpconf.web.forms import add_service_errors

CORE_GROUPS = "plan-core-groups"


@login_required
def core_groups(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    """The plan's core group: its members and its meetings, latest first."""
    user = user_of(request)
    plan = selectors.plan_for_followup(
        user, plan_id, permission=VIEW_CHILD, what=CORE_GROUPS, request=request
    )
    meetings = selectors.core_group_meetings(plan)
    context = {
        "plan": plan,
        "heading": plan_heading(plan),
        "members": selectors.core_group_members(plan),
        "rows": [{"meeting": meeting, "late": services.held_late(meeting)} for meeting in meetings],
        "may_record": plan.status != PlanStatus.ENDED and may(user, RECORD_CORE_GROUP, plan.child),
    }
    return render(request, "plans/core_group_list.html", context)


@login_required
def core_group_new(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    """Record a core group meeting."""
    user = user_of(request)
    plan = selectors.plan_for_followup(
        user, plan_id, permission=RECORD_CORE_GROUP, what=CORE_GROUPS, request=request
    )
    members = [m for m in selectors.core_group_members(plan) if m.left_on is None]
    actions = selectors.plan_actions(plan)
    is_first = not plan.core_group_meetings.exists()
    form = CoreGroupMeetingForm(
        request.POST if request.method == "POST" else None, members=members, actions=actions
    )
    if request.method == "POST" and plan.status != PlanStatus.ENDED and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.core_group_meeting_record(
                plan=plan,
                held_on=data["held_on"],
                chaired_by=data["chaired_by"],
                chaired_by_team_manager=bool(as_bool(data["chaired_by_team_manager"])),
                attendance=form.attendance(),
                decisions=data["decisions"],
                next_meeting_on=data.get("next_meeting_on"),
                action_updates=form.action_updates(),
                acting_user=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "You recorded the core group meeting.")
            warning = services.first_meeting_chair_warning(meeting, is_first=is_first)
            if warning:
                messages.warning(request, warning)
            return redirect("followup:core-groups", plan_id=plan.public_id)
    context = {
        "plan": plan,
        "heading": plan_heading(plan),
        "form": form,
        "is_first": is_first,
        "closed": services.ENDED_MESSAGE if plan.status == PlanStatus.ENDED else "",
    }
    return render(request, "plans/core_group_form.html", context)


@login_required
def core_group_circulated(request: HttpRequest, plan_id: uuid.UUID, meeting_id: uuid.UUID) -> HttpResponse:
    """Record the day a meeting's record was circulated."""
    user = user_of(request)
    plan = selectors.plan_for_followup(
        user, plan_id, permission=RECORD_CORE_GROUP, what=CORE_GROUPS, request=request
    )
    meeting = selectors.meeting_for(plan, meeting_id)
    if meeting is None:
        raise Http404("There is no core group meeting here, or you do not have access to it.")
    form = RecordCirculatedForm(
        request.POST if request.method == "POST" else None,
        initial={"version": meeting.version, "circulated_on": meeting.record_circulated_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.core_group_record_circulated(
                meeting=meeting,
                circulated_on=form.cleaned_data["circulated_on"],
                expected_version=form.expected_version(),
                acting_user=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "You recorded when the core group record was circulated.")
            return redirect("followup:core-groups", plan_id=plan.public_id)
    context = {"plan": plan, "heading": plan_heading(plan), "meeting": meeting, "form": form}
    return render(request, "plans/core_group_circulated.html", context)


urlpatterns: list[URLPattern] = [
    path("<uuid:plan_id>/core-groups/", core_groups, name="core-groups"),
    path("<uuid:plan_id>/core-groups/new/", core_group_new, name="core-group-new"),
    path(
        "<uuid:plan_id>/core-groups/<uuid:meeting_id>/circulated/",
        core_group_circulated,
        name="core-group-circulated",
    ),
]
