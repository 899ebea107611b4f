"""Reviews and endings (R-PL-5 to R-PL-7): at a held review conference, what it decided for each child's
plan; an ending outside a review; and a senior manager's approval of an ending (Medway, R-PL-6).

Thin: the conference comes from ``cpconf.access.gateways.conference_for`` (``VIEW_CONFERENCE`` to see the
plans, ``RECORD_REVIEW_OUTCOME``, the chair's, to record), the plan from ``plan_for_followup``; writes go
through ``cpconf.plans.services.reviews``.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from cpconf.access import gateways
from cpconf.access.rules import (
    END_PLAN_OUTSIDE_REVIEW,
    RECORD_ENDING_APPROVAL,
    RECORD_REVIEW_OUTCOME,
    VIEW_CONFERENCE,
    may,
)
from cpconf.conferences.deadlines import policy_on
from cpconf.conferences.views.exclusions import conference_heading
from cpconf.plans.forms.followup import EndingApprovalForm, EndOutsideReviewForm, ReviewOutcomeForm, as_bool
from cpconf.plans.models import PlanStatus
from cpconf.plans.selectors import followup as selectors
from cpconf.plans.services import reviews as services
from cpconf.plans.views.followup_common import plan_heading, user_of
from cpconf.web.forms import add_service_errors

REVIEW_OUTCOMES = "conference-review-outcomes"
PLAN_ENDING = "plan-ending"


@login_required
def review_outcomes(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """The plans of the conference's children, and what the review decided for each."""
    user = user_of(request)
    conference = gateways.conference_for(
        user, conference_id, what=REVIEW_OUTCOMES, permission=VIEW_CONFERENCE, request=request
    )
    closed = services.review_closed(conference)
    context = {
        "conference": conference,
        "heading": conference_heading(conference),
        "closed": closed,
        "plans": selectors.plans_at_conference(conference.pk),
        "may_record": not closed and may(user, RECORD_REVIEW_OUTCOME, conference),
    }
    return render(request, "plans/review_list.html", context)


@login_required
def review_outcome(request: HttpRequest, conference_id: uuid.UUID, plan_id: uuid.UUID) -> HttpResponse:
    """Record what the review decided for one child's plan."""
    user = user_of(request)
    conference = gateways.conference_for(
        user, conference_id, what=REVIEW_OUTCOMES, permission=RECORD_REVIEW_OUTCOME, request=request
    )
    plan = next((p for p in selectors.plans_at_conference(conference.pk) if p.public_id == plan_id), None)
    if plan is None:
        raise Http404("There is no child protection plan here, or you do not have access to it.")
    closed = services.review_closed(conference)
    if not closed and plan.status != PlanStatus.ACTIVE:
        closed = (
            "This plan's ending is waiting for approval."
            if plan.status == PlanStatus.ENDING_AWAITS_APPROVAL
            else "This child protection plan has ended."
        )
    form = ReviewOutcomeForm(
        request.POST if request.method == "POST" else None, initial={"version": plan.version}
    )
    if request.method == "POST" and not closed and form.is_valid():
        data = form.cleaned_data
        try:
            services.review_outcome_record(
                conference=conference,
                plan=plan,
                outcome=data["outcome"],
                categories=data.get("categories") or [],
                ending_reason=data.get("ending_reason") or "",
                ending_details=data.get("ending_details", ""),
                dissent=data.get("dissent", ""),
                child_left_household=bool(data.get("child_left_household")),
                step_down=bool(as_bool(data.get("step_down"))),
                step_down_needs=data.get("step_down_needs", ""),
                step_down_family_consent_on=data.get("step_down_family_consent_on"),
                expected_version=form.expected_version(),
                acting_user=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"You recorded the decision for {plan.child.full_name}'s plan.")
            return redirect("followup:review-outcomes", conference_id=conference.public_id)
    held_on = conference.held_on or conference.due_date
    policy = policy_on(conference.authority, held_on) if held_on else None
    context = {
        "conference": conference,
        "heading": conference_heading(conference),
        "plan": plan,
        "plan_heading": plan_heading(plan),
        "form": form,
        "closed": closed,
        "first_review": services.is_first_review(plan),
        "neglect_rule": policy.ending_under_neglect_at_first_review if policy else None,
        "approval_rule": policy.ending_plan_at_review if policy else None,
        "incomplete": services.incomplete_actions(plan),
    }
    return render(request, "plans/review_form.html", context)


@login_required
def plan_end(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    """End a plan outside a review: transfer out, the 18th birthday, death, leaving the UK (R-PL-5)."""
    user = user_of(request)
    plan = selectors.plan_for_followup(
        user, plan_id, permission=END_PLAN_OUTSIDE_REVIEW, what=PLAN_ENDING, request=request
    )
    closed = (
        ""
        if plan.status == PlanStatus.ACTIVE
        else f"This plan cannot be ended here: {plan.get_status_display().lower()}."
    )
    form = EndOutsideReviewForm(
        request.POST if request.method == "POST" else None, initial={"version": plan.version}
    )
    if request.method == "POST" and not closed and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_end_outside_review(
                plan=plan,
                ending_reason=data["ending_reason"],
                ended_on=data["ended_on"],
                ending_details=data.get("ending_details", ""),
                dissent=data.get("dissent", ""),
                step_down=bool(as_bool(data.get("step_down"))),
                step_down_needs=data.get("step_down_needs", ""),
                step_down_family_consent_on=data.get("step_down_family_consent_on"),
                expected_version=form.expected_version(),
                acting_user=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"You ended {plan.child.full_name}'s child protection plan.")
            return redirect("followup:core-groups", plan_id=plan.public_id)
    context = {
        "plan": plan,
        "heading": plan_heading(plan),
        "form": form,
        "closed": closed,
        "incomplete": services.incomplete_actions(plan),
    }
    return render(request, "plans/review_end_outside.html", context)


@login_required
def ending_approval(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    """R-PL-6 (Medway): record the senior manager's approval; the ending then takes effect."""
    user = user_of(request)
    plan = selectors.plan_for_followup(
        user, plan_id, permission=RECORD_ENDING_APPROVAL, what=PLAN_ENDING, request=request
    )
    closed = (
        ""
        if plan.status == PlanStatus.ENDING_AWAITS_APPROVAL
        else "This plan's ending is not waiting for approval."
    )
    form = EndingApprovalForm(
        request.POST if request.method == "POST" else None, initial={"version": plan.version}
    )
    if request.method == "POST" and not closed and form.is_valid():
        try:
            services.ending_approval_record(
                plan=plan,
                approved_by=form.cleaned_data["approved_by"],
                approved_on=form.cleaned_data["approved_on"],
                expected_version=form.expected_version(),
                acting_user=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"You recorded the approval: {plan.child.full_name}'s plan has ended.")
            return redirect("followup:core-groups", plan_id=plan.public_id)
    reviews = selectors.plan_reviews(plan)
    context = {
        "plan": plan,
        "heading": plan_heading(plan),
        "form": form,
        "closed": closed,
        "review": next((review for review in reviews if review.awaits_approval_by), None),
    }
    return render(request, "plans/review_approval.html", context)


urlpatterns: list[URLPattern] = [
    path("reviews/<uuid:conference_id>/", review_outcomes, name="review-outcomes"),
    path("reviews/<uuid:conference_id>/<uuid:plan_id>/", review_outcome, name="review-outcome"),
    path("<uuid:plan_id>/end/", plan_end, name="plan-end"),
    path("<uuid:plan_id>/ending-approval/", ending_approval, name="ending-approval"),
]
