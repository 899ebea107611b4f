"""Visits (R-PL-4): a plan's visits, and recording one. Thin: the plan comes from ``plan_for_followup``;
the write goes through ``cpconf.plans.services.visits``."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from cpconf.access.rules import RECORD_VISIT, VIEW_CHILD, may
from cpconf.plans.forms.followup import VisitForm, as_bool
from cpconf.plans.models import PlanStatus
from cpconf.plans.selectors import followup as selectors
from cpconf.plans.services import visits as services
from cpconf.plans.services.core_groups import ENDED_MESSAGE
from cpconf.plans.views.followup_common import plan_heading, user_of
from cpconf.web.forms import add_service_errors

VISITS = "plan-visits"


@login_required
def visit_list(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    plan = selectors.plan_for_followup(user, plan_id, permission=VIEW_CHILD, what=VISITS, request=request)
    context = {
        "plan": plan,
        "heading": plan_heading(plan),
        "visits": selectors.visits(plan),
        "unannounced_count": selectors.unannounced_count(plan),
        "may_record": plan.status != PlanStatus.ENDED and may(user, RECORD_VISIT, plan.child),
    }
    return render(request, "plans/visit_list.html", context)


@login_required
def visit_new(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    plan = selectors.plan_for_followup(user, plan_id, permission=RECORD_VISIT, what=VISITS, request=request)
    form = VisitForm(
        request.POST if request.method == "POST" else None, visitors=list(selectors.visitors_for(plan))
    )
    if request.method == "POST" and plan.status != PlanStatus.ENDED and form.is_valid():
        data = form.cleaned_data
        try:
            services.visit_record(
                plan=plan,
                visited_on=data["visited_on"],
                visited_by=form.visitor(),
                seen_alone=as_bool(data["seen_alone"]),
                seen_with_family=as_bool(data["seen_with_family"]),
                unannounced=bool(as_bool(data["unannounced"])),
                notes=data.get("notes", ""),
                acting_user=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "You recorded the visit.")
            return redirect("followup:visits", plan_id=plan.public_id)
    context = {
        "plan": plan,
        "heading": plan_heading(plan),
        "form": form,
        "closed": ENDED_MESSAGE if plan.status == PlanStatus.ENDED else "",
    }
    return render(request, "plans/visit_form.html", context)


urlpatterns: list[URLPattern] = [
    path("<uuid:plan_id>/visits/", visit_list, name="visits"),
    path("<uuid:plan_id>/visits/new/", visit_new, name="visit-new"),
]
