"""The overdue lists (R-PL-3, R-PL-4, R-PL-5): core groups overdue, visits overdue, core group records not
circulated in time, and plans still open three months before the child's 18th birthday.

Each is one query on an indexed due date (``plan_core_group_due``, ``plan_visit_due``,
``core_group_record_due``), scoped to the children the person may see (``visible_children_filter``), with
what the page shows loaded alongside, so that a page costs the same whatever the number of plans. A plan
counts while it is open: active, or its ending waiting for approval (R-PL-6). The list is logged once
(``plan-list``): it names no child in the log.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from cpconf.access.log import access_record
from cpconf.access.rules import SEE_FOLLOWUP_LISTS, may, visible_children_filter
from cpconf.people.models import Child, User
from cpconf.plans import deadlines
from cpconf.plans.models import ChildProtectionPlan, CoreGroupMeeting, PlanStatus

PLAN_LIST = "plan-list"
OPEN_PLAN_STATUSES = (PlanStatus.ACTIVE, PlanStatus.ENDING_AWAITS_APPROVAL)


def check_lists_allowed(user: User | AnonymousUser, *, request: HttpRequest | None = None) -> None:
    """Let ``user`` see the overdue lists, or refuse (logged, 403); one log row either way."""
    if not may(user, SEE_FOLLOWUP_LISTS):
        with transaction.atomic(durable=True):
            access_record(user=user, what=PLAN_LIST, reason="Not allowed.", allowed=False, request=request)
        raise PermissionDenied("The overdue lists are for children's social care staff.")
    access_record(user=user, what=PLAN_LIST, allowed=True, request=request)


def _visible_open_plans(user: User | AnonymousUser) -> QuerySet[ChildProtectionPlan]:
    return ChildProtectionPlan.objects.filter(
        status__in=OPEN_PLAN_STATUSES, child__in=Child.objects.filter(visible_children_filter(user))
    ).select_related("child", "lead_professional")


def overdue_core_groups(user: User | AnonymousUser, today: date) -> QuerySet[ChildProtectionPlan]:
    """Open plans whose next core group was due before today (or, with none held yet, the first)."""
    return (
        _visible_open_plans(user)
        .filter(
            Q(next_core_group_due__lt=today)
            | Q(next_core_group_due__isnull=True, first_core_group_due__lt=today)
        )
        .order_by("next_core_group_due", "first_core_group_due", "pk")
    )


def overdue_visits(user: User | AnonymousUser, today: date) -> QuerySet[ChildProtectionPlan]:
    """Open plans whose next visit was due before today (a plan with no interval set has none due)."""
    return _visible_open_plans(user).filter(next_visit_due__lt=today).order_by("next_visit_due", "pk")


def late_core_group_records(user: User | AnonymousUser, today: date) -> QuerySet[CoreGroupMeeting]:
    """Core group records not circulated and past their due date (R-PL-3)."""
    return (
        CoreGroupMeeting.objects.filter(
            record_circulated_on__isnull=True,
            record_due__lt=today,
            plan__child__in=Child.objects.filter(visible_children_filter(user)),
        )
        .select_related("plan__child")
        .order_by("record_due", "pk")
    )


def nearing_eighteen(user: User | AnonymousUser, today: date) -> QuerySet[ChildProtectionPlan]:
    """Open plans of children whose 18th birthday is three months away or less (R-PL-5)."""
    return (
        _visible_open_plans(user)
        .filter(child__date_of_birth__lte=deadlines.born_on_or_before_for_attention(today))
        .order_by("child__date_of_birth", "pk")
    )
