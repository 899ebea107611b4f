"""Child protection plan pages (R-DE-5, R-DE-6, R-PL-1 to R-PL-3, R-AF-3): making the plan from the
conference's decision, the plan itself, changing it, its actions and its core group, and starting a child
in need plan.

Thin: each page gets the plan from ``cpconf.access.gateways.plan_for`` (or the conference from
``conference_for``) with the permission it needs, which decides, logs the read and refuses with 404 or
403; it reads through ``cpconf.plans.selectors.plans`` and writes through ``cpconf.plans.services``.

Who may do what: see a plan, whoever may see the child (``VIEW_PLAN``); make one or change it, the
authority's social workers, team managers, coordinators and chairs (``MAKE_PLAN``, ``MANAGE_PLAN``).
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from cpconf import clock
from cpconf.access import gateways
from cpconf.access.rules import MAKE_PLAN, MANAGE_PLAN, may
from cpconf.conferences.models import ChildDecision, Conference, InviteeRole
from cpconf.people.models import Allocation, Child, Professional, User
from cpconf.people.selectors import allocation_current_on
from cpconf.plans.forms.plans import (
    ActionForm,
    ActionStatusForm,
    ChildInNeedForm,
    MemberForm,
    Person,
    PlanForm,
)
from cpconf.plans.models import ChildProtectionPlan, CoreGroupMember, PlanStatus
from cpconf.plans.selectors import plans as selectors
from cpconf.plans.services import child_in_need as cin_services
from cpconf.plans.services import plans as services
from cpconf.web.forms import add_service_errors

# What the access log records each page as reading.
PLAN_MAKE = "plan-make"
PLAN_EDIT = "plan-edit"


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)  # login_required has turned away anyone signed out


def _decision_or_404(conference: Conference, decision_id: uuid.UUID) -> ChildDecision:
    decision = selectors.decision_in(conference, decision_id)
    if decision is None:
        raise Http404("There is no decision here, or you do not have access to it.")
    return decision


def _suggested_members(conference: Conference, child: Child) -> list[Person]:
    """The core group's likely members: the professionals working with the child now, those invited to the
    conference, and the child's family (three queries)."""
    today = clock.today()
    allocated = [
        allocation.professional
        for allocation in Allocation.objects.filter(
            allocation_current_on(today), child=child, professional__is_active=True
        )
        .select_related("professional__agency")
        .order_by("professional__family_name", "pk")
    ]
    invited = [
        invitation.professional
        for invitation in conference.invitations.filter(
            role=InviteeRole.PROFESSIONAL, withdrawn_at__isnull=True, professional__is_active=True
        )
        .select_related("professional__agency")
        .order_by("pk")
        if invitation.professional is not None
    ]
    people: list[Person] = []
    seen: set[int] = set()
    for professional in [*allocated, *invited]:
        if professional.pk not in seen and professional.agency.authority_id == child.authority_id:
            seen.add(professional.pk)
            people.append(professional)
    people.extend(selectors.family_choices(child))
    return people


def _owners(child: Child) -> list[Person]:
    return [*selectors.professional_choices(child), *selectors.family_choices(child)]


@login_required
def plan_make(request: HttpRequest, conference_id: uuid.UUID, decision_id: uuid.UUID) -> HttpResponse:
    """Make the child protection plan the conference decided on (R-DE-5, R-PL-1, R-PL-2)."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=PLAN_MAKE, permission=MAKE_PLAN, request=request
    )
    decision = _decision_or_404(conference, decision_id)
    child = decision.child
    closed = services.why_no_plan(decision)
    existing = ChildProtectionPlan.objects.filter(decision=decision).first()
    form = PlanForm(
        request.POST if request.method == "POST" and not closed else None,
        leads=list(selectors.lead_professional_choices(child)),
        members=_suggested_members(conference, child),
        owners=_owners(child),
        making=True,
    )
    if request.method == "POST" and not closed and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_make(
                decision=decision,
                lead_professional=data["lead_professional"],
                members=data["members"],
                outcomes=data["outcomes"],
                contingency=data["contingency"],
                actions=form.actions(),
                childs_wishes=data["childs_wishes"],
                parents_views=data["parents_views"],
                family_preference_not_followed=data["family_preference_not_followed"],
                visit_interval_days=data["visit_interval_days"],
                unannounced_visits_required=data["unannounced_visits_required"],
                acting_user=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The child protection plan for {child.full_name} has been made.")
            return redirect("plans:detail", plan_id=plan.public_id)
    context: dict[str, Any] = {
        "conference": conference,
        "decision": decision,
        "child": child,
        "categories": selectors.category_words(list(decision.categories)),
        "form": form,
        "closed": closed,
        "existing": existing,
        "action_rows": [
            (form[f"action_{n}_what"], form[f"action_{n}_owner"], form[f"action_{n}_due_on"])
            for n in range(1, 4)
        ]
        if not closed
        else [],
    }
    return render(request, "plans/make.html", context)


@login_required
def plan_detail(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    """The plan: what it says, its actions, its core group, its due dates and who was told (R-AF-3)."""
    user = _user(request)
    plan = gateways.plan_for(user, plan_id, request=request)
    page = selectors.plan_page(plan)
    context = {
        "plan": plan,
        "page": page,
        "may_manage": plan.status == PlanStatus.ACTIVE and may(user, MANAGE_PLAN, plan),
        "conference": plan.decision.conference,
    }
    return render(request, "plans/detail.html", context)


@login_required
def plan_edit(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    """Change what the plan says; refused if someone else changed it since the page was opened."""
    user = _user(request)
    plan = gateways.plan_for(user, plan_id, permission=MANAGE_PLAN, what=PLAN_EDIT, request=request)
    initial = {field: getattr(plan, field) for field in services.EDITABLE_FIELDS}
    initial["lead_professional"] = str(plan.lead_professional.public_id)
    initial["version"] = plan.version
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        leads=list(selectors.lead_professional_choices(plan.child)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_update(
                plan=plan,
                expected_version=data["version"],
                acting_user=user,
                **{field: data[field] for field in services.EDITABLE_FIELDS},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The plan has been changed.")
            return redirect("plans:detail", plan_id=plan.public_id)
    return render(request, "plans/edit.html", {"plan": plan, "form": form})


@login_required
def action_add(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    """Add an action: what, who and by when (R-DE-5)."""
    user = _user(request)
    plan = gateways.plan_for(user, plan_id, permission=MANAGE_PLAN, request=request)
    form = ActionForm(request.POST if request.method == "POST" else None, owners=_owners(plan.child))
    closed = plan.status != PlanStatus.ACTIVE
    if request.method == "POST" and not closed and form.is_valid():
        try:
            services.action_add(plan=plan, action=form.action(), acting_user=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The action has been added to the plan.")
            return redirect("plans:detail", plan_id=plan.public_id)
    return render(request, "plans/action_add.html", {"plan": plan, "form": form, "closed": closed})


@login_required
def action_status(request: HttpRequest, plan_id: uuid.UUID, action_id: uuid.UUID) -> HttpResponse:
    """Record how an action is going; refused if someone else changed it since the page was opened."""
    user = _user(request)
    plan = gateways.plan_for(user, plan_id, permission=MANAGE_PLAN, request=request)
    action = selectors.action_in(plan, action_id)
    if action is None:
        raise Http404("There is no action here, or you do not have access to it.")
    form = ActionStatusForm(
        request.POST if request.method == "POST" else None,
        initial={"status": action.status, "status_note": action.status_note, "version": action.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_update_status(
                action=action,
                status=data["status"],
                note=data["status_note"],
                expected_version=data["version"],
                acting_user=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The action's progress has been recorded.")
            return redirect("plans:detail", plan_id=plan.public_id)
    return render(request, "plans/action_status.html", {"plan": plan, "action": action, "form": form})


@login_required
def member_add(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    """Add someone to the core group (R-PL-3)."""
    user = _user(request)
    plan = gateways.plan_for(user, plan_id, permission=MANAGE_PLAN, request=request)
    current: set[tuple[str, int | None]] = set()
    for member in plan.core_group.filter(left_on__isnull=True):
        current.add(
            ("p", member.professional_id) if member.professional_id else ("f", member.family_member_id)
        )
    people = [
        person
        for person in _owners(plan.child)
        if (("p" if isinstance(person, Professional) else "f"), person.pk) not in current
    ]
    form = MemberForm(request.POST if request.method == "POST" else None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_add(plan=plan, member=form.cleaned_data["member"], acting_user=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{member.name} has joined the core group.")
            return redirect("plans:detail", plan_id=plan.public_id)
    return render(request, "plans/member_add.html", {"plan": plan, "form": form})


@login_required
def member_leave(request: HttpRequest, plan_id: uuid.UUID, member_id: uuid.UUID) -> HttpResponse:
    """Record that someone left the core group today (asks to confirm first)."""
    user = _user(request)
    plan = gateways.plan_for(user, plan_id, permission=MANAGE_PLAN, request=request)
    member: CoreGroupMember | None = selectors.member_in(plan, member_id)
    if member is None:
        raise Http404("There is no core group member here, or you do not have access to it.")
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.member_leave(member=member, acting_user=user)
        except ValidationError as error:
            errors = list(error.messages)
        else:
            messages.success(request, f"{member.name} has left the core group.")
            return redirect("plans:detail", plan_id=plan.public_id)
    return render(
        request,
        "plans/member_leave.html",
        {"plan": plan, "member": member, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
def child_in_need_start(
    request: HttpRequest, conference_id: uuid.UUID, decision_id: uuid.UUID
) -> HttpResponse:
    """Start the child in need plan the conference decided on, with the family's consent (R-DE-6)."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=PLAN_MAKE, permission=MAKE_PLAN, request=request
    )
    decision = _decision_or_404(conference, decision_id)
    closed = cin_services.why_no_child_in_need_plan(decision)
    leads = list(selectors.professional_choices(decision.child))
    form = ChildInNeedForm(request.POST if request.method == "POST" and not closed else None, leads=leads)
    if request.method == "POST" and not closed and form.is_valid():
        data = form.cleaned_data
        try:
            cin_services.child_in_need_start(
                decision=decision,
                family_consent_on=data["family_consent_on"],
                lead_professional=data["lead_professional"],
                needs=data["needs"],
                acting_user=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"The child in need plan for {decision.child.full_name} has been started."
            )
            return redirect("conferences:detail", conference_id=conference.public_id)
    context = {
        "conference": conference,
        "decision": decision,
        "child": decision.child,
        "form": form,
        "closed": closed,
    }
    return render(request, "plans/child_in_need_start.html", context)


urlpatterns: list[URLPattern] = [
    path(
        "conferences/<uuid:conference_id>/decisions/<uuid:decision_id>/plan/",
        plan_make,
        name="make",
    ),
    path(
        "conferences/<uuid:conference_id>/decisions/<uuid:decision_id>/child-in-need-plan/",
        child_in_need_start,
        name="child-in-need-start",
    ),
    path("plans/<uuid:plan_id>/", plan_detail, name="detail"),
    path("plans/<uuid:plan_id>/edit/", plan_edit, name="edit"),
    path("plans/<uuid:plan_id>/actions/new/", action_add, name="action-add"),
    path("plans/<uuid:plan_id>/actions/<uuid:action_id>/", action_status, name="action-status"),
    path("plans/<uuid:plan_id>/core-group/new/", member_add, name="member-add"),
    path("plans/<uuid:plan_id>/core-group/<uuid:member_id>/leave/", member_leave, name="member-leave"),
]
