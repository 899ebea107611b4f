"""Reads for child protection plans: the plan page, the decisions a plan can be made from, the people who
may be chosen for a plan. The plan itself always comes from ``cpconf.access.gateways.plan_for`` (which
decides and logs the read); these take what the gateway gave and load the rest in a fixed number of
queries, whatever the size of the plan.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from cpconf import clock
from cpconf.conferences.models import Category, ChildDecision, Conference, Recommendation
from cpconf.people.models import Child, FamilyMember, Professional
from cpconf.plans.models import (
    ChildInNeedPlan,
    ChildProtectionPlan,
    CoreGroupMember,
    PlanAction,
    PlanNotification,
    PlanStatus,
)


@dataclass(frozen=True)
class PlanPage:
    """Everything the plan page shows."""

    plan: ChildProtectionPlan
    categories: list[str]
    actions: list[PlanAction]
    core_group: list[CoreGroupMember]
    former_members: list[CoreGroupMember]
    notifications: list[PlanNotification]
    overdue_actions: int


def category_words(values: list[str]) -> list[str]:
    return [Category(value).label for value in values if value in Category.values]


def plan_page(plan: ChildProtectionPlan) -> PlanPage:
    """The plan's actions, core group and notifications (three queries, whatever their number)."""
    actions = list(
        PlanAction.objects.filter(plan=plan).select_related(
            "owner_professional__agency", "owner_family_member"
        )
    )
    members = list(
        CoreGroupMember.objects.filter(plan=plan).select_related(
            "professional__agency", "family_member", "agency"
        )
    )
    today = clock.today()
    current = [member for member in members if member.left_on is None or member.left_on > today]
    former = [member for member in members if member not in current]
    notifications = list(PlanNotification.objects.filter(plan=plan).order_by("sent_at", "pk"))
    overdue = sum(
        1 for action in actions if action.status in {"not_started", "in_progress"} and action.due_on < today
    )
    return PlanPage(
        plan=plan,
        categories=category_words(list(plan.categories)),
        actions=actions,
        core_group=current,
        former_members=former,
        notifications=notifications,
        overdue_actions=overdue,
    )


def action_in(plan: ChildProtectionPlan, action_id: uuid.UUID) -> PlanAction | None:
    """One of the plan's actions by public identifier, or None (not another plan's)."""
    return PlanAction.objects.filter(plan=plan, public_id=action_id).first()


def member_in(plan: ChildProtectionPlan, member_id: uuid.UUID) -> CoreGroupMember | None:
    """One of the plan's core group members by public identifier, or None."""
    return CoreGroupMember.objects.filter(plan=plan, public_id=member_id).first()


def decision_in(conference: Conference, decision_id: uuid.UUID) -> ChildDecision | None:
    """One of the conference's decisions by public identifier, or None."""
    return (
        ChildDecision.objects.filter(conference=conference, public_id=decision_id)
        .select_related("child", "conference__authority")
        .first()
    )


def plan_decisions(conference: Conference) -> list[ChildDecision]:
    """The conference's decisions for a plan or a child in need plan, each with its plan if made (one query
    for the decisions and their plans; one for the child in need plans)."""
    return list(
        ChildDecision.objects.filter(
            conference=conference, outcome__in=[Recommendation.PLAN, Recommendation.CHILD_IN_NEED]
        )
        .select_related("child", "plan")
        .prefetch_related("child_in_need_plans")
        .order_by("child__date_of_birth", "pk")
    )


def lead_professional_choices(child: Child) -> QuerySet[Professional]:
    """Who may be named lead professional (R-PL-2): active qualified social workers of the child's authority."""
    return (
        Professional.objects.filter(
            agency__authority_id=child.authority_id, is_active=True, qualified_social_worker=True
        )
        .select_related("agency")
        .order_by("family_name", "given_name", "pk")
    )


def professional_choices(child: Child) -> QuerySet[Professional]:
    """Who may join the core group or own an action: active professionals of the child's authority."""
    return (
        Professional.objects.filter(agency__authority_id=child.authority_id, is_active=True)
        .select_related("agency")
        .order_by("family_name", "given_name", "pk")
    )


def family_choices(child: Child) -> QuerySet[FamilyMember]:
    """The child's family members (who may join the core group or own an action)."""
    return (
        FamilyMember.objects.filter(relationships__child=child)
        .order_by("family_name", "given_name", "pk")
        .distinct()
    )


def plans_of_child(child: Child) -> list[ChildProtectionPlan]:
    """The child's child protection plans, newest first (for the child's record; one query)."""
    return list(
        ChildProtectionPlan.objects.filter(child=child)
        .select_related("lead_professional")
        .order_by("-start_date", "-pk")
    )


def child_in_need_plans_of_child(child: Child) -> list[ChildInNeedPlan]:
    return list(
        ChildInNeedPlan.objects.filter(child=child)
        .select_related("lead_professional")
        .order_by("-start_date", "-pk")
    )


def is_active(plan: ChildProtectionPlan) -> bool:
    return plan.status == PlanStatus.ACTIVE


def due_in_words(day: date | None) -> str:
    return "" if day is None else clock.date_in_words(day)


__all__ = [
    "PlanPage",
    "action_in",
    "category_words",
    "child_in_need_plans_of_child",
    "decision_in",
    "family_choices",
    "lead_professional_choices",
    "member_in",
    "plan_decisions",
    "plan_page",
    "plans_of_child",
    "professional_choices",
]
