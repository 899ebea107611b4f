"""Child protection plans (R-DE-5, R-PL-1 to R-PL-3, R-AF-3): read a plan, make one from a conference's
decision, change what it says (with the version read: 409 if someone changed it since), add an action.

Reads go through ``gateways.plan_for`` (logged, one row for the plan's child); making one through
``gateways.conference_for`` with ``MAKE_PLAN``. Changes go through ``cpconf.plans.services.plans``
(audited). As on the pages: whoever may see the child reads the plan; the authority's social workers, team
managers, coordinators and chairs make and change it. An authority's own system (a service account) reads
and records no plan: plans are people's work."""

# No "from __future__ import annotations" here: django-ninja reads the handlers' annotations at import.

import uuid
from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from cpconf.access import gateways
from cpconf.access.rules import MAKE_PLAN, MANAGE_PLAN
from cpconf.api.auth import acting_user
from cpconf.api.errors import refuse, service_fields
from cpconf.api.routers.conferences import MAX_VERSION
from cpconf.api.schemas import CHANGE_REFUSALS, RECORD_REFUSALS, Day, Ref, Text
from cpconf.conferences.models import Category
from cpconf.people.models import FamilyMember, Professional
from cpconf.plans.models import ActionStatus, ChildProtectionPlan, PlanAction, PlanStatus
from cpconf.plans.selectors import plans as selectors
from cpconf.plans.services import plans as services
from cpconf.plans.services.plans import VISIT_INTERVAL_MAX_DAYS, ActionInput

router = Router(tags=["Plans"])

NOT_FOUND = "There is no decision here, or you do not have access to it."


class ActionOut(Schema):
    id: uuid.UUID
    what: str
    owner_name: str
    due_on: date
    status: ActionStatus
    status_note: str
    version: int


class MemberOut(Schema):
    id: uuid.UUID
    name: str
    professional: Ref | None
    joined_on: date
    left_on: date | None


class NotificationOut(Schema):
    """Someone in health or education told that the plan started or ended (R-AF-3)."""

    name: str
    event: str = Field(description="'started' or 'ended'.")
    secure: bool = Field(
        description="Whether the email carried the details (a secure address) or a sign-in notice."
    )
    sent_at: datetime


class PlanOut(Schema):
    id: uuid.UUID
    child: Ref
    status: PlanStatus
    start_date: date
    categories: list[Category]
    lead_professional: Ref
    outcomes: str
    contingency: str
    childs_wishes: str
    parents_views: str
    family_preference_not_followed: str
    visit_interval_days: int | None
    unannounced_visits_required: bool
    first_core_group_due: date | None
    next_core_group_due: date | None
    next_visit_due: date | None
    next_review_due: date | None
    actions: list[ActionOut]
    core_group: list[MemberOut]
    notifications: list[NotificationOut]
    version: int = Field(description="Send it back as expected_version with a change.")


def plan_out(plan: ChildProtectionPlan) -> dict[str, Any]:
    page = selectors.plan_page(plan)
    return {
        "id": plan.public_id,
        "child": {"id": plan.child.public_id, "name": plan.child.full_name},
        "status": plan.status,
        "start_date": plan.start_date,
        "categories": list(plan.categories),
        "lead_professional": {
            "id": plan.lead_professional.public_id,
            "name": plan.lead_professional.full_name,
        },
        "outcomes": plan.outcomes,
        "contingency": plan.contingency,
        "childs_wishes": plan.childs_wishes,
        "parents_views": plan.parents_views,
        "family_preference_not_followed": plan.family_preference_not_followed,
        "visit_interval_days": plan.visit_interval_days,
        "unannounced_visits_required": plan.unannounced_visits_required,
        "first_core_group_due": plan.first_core_group_due,
        "next_core_group_due": plan.next_core_group_due,
        "next_visit_due": plan.next_visit_due,
        "next_review_due": plan.next_review_due,
        "actions": [_action_out(action) for action in page.actions],
        "core_group": [
            {
                "id": member.public_id,
                "name": member.name,
                "professional": None
                if member.professional is None
                else {"id": member.professional.public_id, "name": member.professional.full_name},
                "joined_on": member.joined_on,
                "left_on": member.left_on,
            }
            for member in [*page.core_group, *page.former_members]
        ],
        "notifications": [
            {"name": row.name, "event": row.event, "secure": row.secure, "sent_at": row.sent_at}
            for row in page.notifications
        ],
        "version": plan.version,
    }


def _action_out(action: PlanAction) -> dict[str, Any]:
    return {
        "id": action.public_id,
        "what": action.what,
        "owner_name": action.owner_name,
        "due_on": action.due_on,
        "status": action.status,
        "status_note": action.status_note,
        "version": action.version,
    }


def _reloaded(plan: ChildProtectionPlan) -> dict[str, Any]:
    fresh = ChildProtectionPlan.objects.select_related("child", "lead_professional").get(pk=plan.pk)
    return plan_out(fresh)


# People named by identifier: of the child's authority (a professional) or the child's family.


def _professional(child_authority_id: int, public_id: uuid.UUID | None, field: str) -> Professional | None:
    if public_id is None:
        return None
    found = (
        Professional.objects.select_related("agency")
        .filter(public_id=public_id, agency__authority_id=child_authority_id)
        .first()
    )
    if found is None:
        raise refuse(field, "There is no professional with this identifier in your authority.")
    return found


def _person(plan_child: Any, public_id: uuid.UUID | None, field: str) -> Professional | FamilyMember | None:
    """A professional of the child's authority, or a family member of the child, by identifier."""
    if public_id is None:
        return None
    professional = (
        Professional.objects.select_related("agency")
        .filter(public_id=public_id, agency__authority_id=plan_child.authority_id)
        .first()
    )
    if professional is not None:
        return professional
    family = FamilyMember.objects.filter(public_id=public_id, relationships__child=plan_child).first()
    if family is None:
        raise refuse(
            field,
            "There is nobody with this identifier among the child's family or your authority's professionals.",
        )
    return family


# Read


@router.get(
    "/plans/{uuid:plan_id}",
    response={200: PlanOut, **RECORD_REFUSALS},
    operation_id="plan_read",
    summary="Read a child protection plan",
)
def plan_read(request: HttpRequest, plan_id: uuid.UUID) -> dict[str, Any]:
    """What the plan says, its actions, core group, due dates and who in health and education was told
    (R-AF-3). For whoever may see the child."""
    plan = gateways.plan_for(acting_user(request), plan_id, request=request)
    return plan_out(plan)


# Make


class ActionIn(Schema):
    what: Text = Field(min_length=1)
    owner_id: uuid.UUID = Field(description="A professional of your authority, or one of the child's family.")
    due_on: Day


class PlanIn(Schema):
    lead_professional_id: uuid.UUID = Field(
        description="A qualified social worker of your authority (R-PL-2)."
    )
    member_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=50,
        description="The core group: professionals of your authority and the child's family (R-PL-3).",
    )
    outcomes: Text
    contingency: Text
    childs_wishes: Text = ""
    parents_views: Text = ""
    family_preference_not_followed: Text = ""
    visit_interval_days: int | None = Field(default=None, ge=1, le=VISIT_INTERVAL_MAX_DAYS)
    unannounced_visits_required: bool = False
    actions: list[ActionIn] = Field(min_length=1, max_length=50)


@router.post(
    "/conferences/{uuid:conference_id}/decisions/{uuid:decision_id}/plan",
    response={201: PlanOut, **RECORD_REFUSALS},
    operation_id="plan_make",
    summary="Make the child protection plan a conference decided on",
)
def plan_make(
    request: HttpRequest, conference_id: uuid.UUID, decision_id: uuid.UUID, payload: PlanIn
) -> Status[dict[str, Any]]:
    """From the conference's decision for one child (a plan: R-DE-5), with its lead professional (a
    qualified social worker, R-PL-2), core group, what needs to change, the contingency plan and actions
    (each with what, who and by when). The first review is requested with it, and health and education
    are told (R-AF-3). 422 if the decision is not a plan, a plan was already made, or the child already
    has one."""
    user = acting_user(request)
    conference = gateways.conference_for(
        user, conference_id, what="plan-make", permission=MAKE_PLAN, request=request
    )
    decision = selectors.decision_in(conference, decision_id)
    if decision is None:
        raise Http404(NOT_FOUND)
    child = decision.child
    lead = _professional(child.authority_id, payload.lead_professional_id, "lead_professional_id")
    members = [_person(child, member_id, "member_ids") for member_id in payload.member_ids]
    actions = [
        ActionInput(what=action.what, owner=_person(child, action.owner_id, "actions"), due_on=action.due_on)
        for action in payload.actions
    ]
    with service_fields(lead_professional="lead_professional_id", members="member_ids"):
        plan = services.plan_make(
            decision=decision,
            lead_professional=lead,
            members=[member for member in members if member is not None],
            outcomes=payload.outcomes,
            contingency=payload.contingency,
            actions=actions,
            childs_wishes=payload.childs_wishes,
            parents_views=payload.parents_views,
            family_preference_not_followed=payload.family_preference_not_followed,
            visit_interval_days=payload.visit_interval_days,
            unannounced_visits_required=payload.unannounced_visits_required,
            acting_user=user,
        )
    return Status(201, _reloaded(plan))


# Change


class PlanChangeIn(Schema):
    """Only the fields sent change."""

    expected_version: int = Field(
        ge=1,
        le=MAX_VERSION,
        description="The plan's version you read. If it has changed since, nothing is saved (409).",
    )
    lead_professional_id: uuid.UUID | None = None
    outcomes: Text | None = None
    contingency: Text | None = None
    childs_wishes: Text | None = None
    parents_views: Text | None = None
    family_preference_not_followed: Text | None = None
    visit_interval_days: int | None = Field(default=None, ge=1, le=VISIT_INTERVAL_MAX_DAYS)
    unannounced_visits_required: bool | None = None


@router.post(
    "/plans/{uuid:plan_id}",
    response={200: PlanOut, **CHANGE_REFUSALS},
    operation_id="plan_update",
    summary="Change what a child protection plan says",
)
def plan_update(request: HttpRequest, plan_id: uuid.UUID, payload: PlanChangeIn) -> dict[str, Any]:
    """Change the lead professional (a qualified social worker, R-PL-2), what needs to change, the
    contingency plan, the child's wishes, the parents' views, and visits. 409 if the plan changed since
    ``expected_version``, naming who changed it, when and what."""
    user = acting_user(request)
    plan = gateways.plan_for(user, plan_id, permission=MANAGE_PLAN, what="plan-edit", request=request)
    sent = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {
        field: value for field, value in sent.items() if field in services.EDITABLE_FIELDS
    }
    if "lead_professional_id" in sent:
        changes["lead_professional"] = _professional(
            plan.child.authority_id, payload.lead_professional_id, "lead_professional_id"
        )
    for field in (
        "outcomes",
        "contingency",
        "childs_wishes",
        "parents_views",
        "family_preference_not_followed",
    ):
        if field in changes and changes[field] is None:
            changes[field] = ""
    if "unannounced_visits_required" in changes and changes["unannounced_visits_required"] is None:
        changes["unannounced_visits_required"] = False
    with service_fields(lead_professional="lead_professional_id"):
        plan = services.plan_update(
            plan=plan, expected_version=payload.expected_version, acting_user=user, **changes
        )
    return _reloaded(plan)


@router.post(
    "/plans/{uuid:plan_id}/actions",
    response={201: ActionOut, **RECORD_REFUSALS},
    operation_id="plan_action_add",
    summary="Add an action to a child protection plan",
)
def plan_action_add(request: HttpRequest, plan_id: uuid.UUID, payload: ActionIn) -> Status[dict[str, Any]]:
    """What will be done, who will do it and by when (R-DE-5). 422 for a plan that has ended."""
    user = acting_user(request)
    plan = gateways.plan_for(user, plan_id, permission=MANAGE_PLAN, what="plan-edit", request=request)
    owner = _person(plan.child, payload.owner_id, "owner_id")
    with service_fields():
        action = services.action_add(
            plan=plan,
            action=ActionInput(what=payload.what, owner=owner, due_on=payload.due_on),
            acting_user=user,
        )
    return Status(201, _action_out(action))
