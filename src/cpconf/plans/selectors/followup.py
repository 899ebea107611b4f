"""Reads for the plans' follow-up pages (core groups, visits, reviews), scoped by the person asking.

``plan_for_followup`` is the gateway these pages use to obtain a plan: a plan is seen by whoever may see
its child (R-AF-5). Like ``cpconf.access.gateways.child_for`` it writes one access-log row, allowed or
refused, and answers ``Http404`` alike for a plan that does not exist and one the person may not see;
``PermissionDenied`` for one they may see but may not act on as asked. (The plans' own gateway,
``plan_for``, is to replace it when the two are joined.)
"""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest

from cpconf.access.log import access_record
from cpconf.access.rules import VIEW_CHILD, may
from cpconf.people.models import Professional, User
from cpconf.plans.models import (
    ChildProtectionPlan,
    CoreGroupMeeting,
    CoreGroupMember,
    PlanAction,
    PlanReview,
    Visit,
)

PLAN_NOT_FOUND_MESSAGE = "There is no child protection plan here, or you do not have access to it."
PLAN_FOLLOWUP = "plan-followup"


def _refuse(
    user: User | AnonymousUser, what: str, reason: str, request: HttpRequest | None, **kw: object
) -> None:
    # Committed before the caller raises, as cpconf.access.gateways does (durable: never nested).
    with transaction.atomic(durable=True):
        access_record(user=user, what=what, reason=reason, allowed=False, request=request, **kw)  # type: ignore[arg-type]


def plan_for_followup(
    user: User | AnonymousUser,
    public_id: uuid.UUID,
    *,
    permission: str = VIEW_CHILD,
    what: str = PLAN_FOLLOWUP,
    request: HttpRequest | None = None,
) -> ChildProtectionPlan:
    """The plan with this public identifier, if ``user`` may see its child and, when ``permission`` is
    another, may also do that for the child; logged either way."""
    plan = (
        ChildProtectionPlan.objects.select_related(
            "authority", "child", "lead_professional", "decision__conference"
        )
        .filter(public_id=public_id)
        .first()
    )
    if plan is None:
        _refuse(user, what, "No plan has this identifier.", request, object_id=public_id)
        raise Http404(PLAN_NOT_FOUND_MESSAGE)
    if not may(user, VIEW_CHILD, plan.child):
        _refuse(
            user, what, "Not allowed: may not see this child.", request, child=plan.child, object_id=public_id
        )
        raise Http404(PLAN_NOT_FOUND_MESSAGE)
    if permission != VIEW_CHILD and not may(user, permission, plan.child):
        _refuse(user, what, f"Not allowed: {permission}.", request, child=plan.child, object_id=public_id)
        raise PermissionDenied("Your roles do not include doing this for this child's plan.")
    access_record(user=user, what=what, child=plan.child, object_id=public_id, allowed=True, request=request)
    return plan


def core_group_meetings(plan: ChildProtectionPlan) -> list[CoreGroupMeeting]:
    """The plan's core group meetings, latest first (one query)."""
    return list(plan.core_group_meetings.select_related("recorded_by").order_by("-held_on", "-pk"))


def core_group_members(plan: ChildProtectionPlan) -> list[CoreGroupMember]:
    return list(plan.core_group.select_related("agency").order_by("left_on", "name", "pk"))


def plan_actions(plan: ChildProtectionPlan) -> list[PlanAction]:
    return list(plan.actions.order_by("due_on", "pk"))


def meeting_for(plan: ChildProtectionPlan, public_id: uuid.UUID) -> CoreGroupMeeting | None:
    return plan.core_group_meetings.filter(public_id=public_id).first()


def visits(plan: ChildProtectionPlan) -> list[Visit]:
    """The plan's visits, latest first, with who visited (one query)."""
    return list(plan.visits.select_related("visited_by").order_by("-visited_on", "-pk"))


def unannounced_count(plan: ChildProtectionPlan) -> int:
    return plan.visits.filter(unannounced=True).count()


def visitors_for(plan: ChildProtectionPlan) -> QuerySet[Professional]:
    """Who may be recorded as visiting: the active professionals of the plan's authority's social care."""
    from cpconf.people.models import AgencyType

    return (
        Professional.objects.filter(
            is_active=True,
            agency__authority_id=plan.authority_id,
            agency__agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
        )
        .select_related("agency")
        .order_by("family_name", "given_name", "pk")
    )


def plan_reviews(plan: ChildProtectionPlan) -> list[PlanReview]:
    return list(plan.reviews.select_related("conference").order_by("-recorded_at", "-pk"))


def plans_at_conference(conference_id: int) -> list[ChildProtectionPlan]:
    """Every plan of the conference's children (open or ended), with what this conference recorded for
    each, for the review page (two queries)."""
    return list(
        ChildProtectionPlan.objects.filter(child__conference_children__conference_id=conference_id)
        .select_related("child")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=PlanReview.objects.filter(conference_id=conference_id),
                to_attr="reviews_here",
            )
        )
        .order_by("child__date_of_birth", "start_date", "pk")
    )
