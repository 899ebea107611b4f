"""The follow-up of child protection plans (issue 5, items 3 to 5): recording a core group meeting
(R-PL-3), a visit (R-PL-4), what a review decided for a plan (R-PL-5 to R-PL-7), and the overdue lists.

As on the pages (docs/plans-followup.md): a plan is seen by whoever may see its child, so an authority's
own system, which sees no child's record, gets 404 for a plan; recording is for social care staff (403 for
anyone else who sees the child); a review's outcome is its chair's; the lists are social care staff's.
Writes go through ``cpconf.plans.services`` (audited); a stale ``expected_version`` is 409."""

# No "from __future__ import annotations" here: django-ninja reads the handlers' annotations at import.

import uuid
from datetime import date
from enum import StrEnum
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cpconf import clock
from cpconf.access import gateways
from cpconf.access.rules import RECORD_CORE_GROUP, RECORD_REVIEW_OUTCOME, RECORD_VISIT
from cpconf.api.auth import acting_user
from cpconf.api.errors import refuse, service_fields
from cpconf.api.pagination import Page, Shaped
from cpconf.api.routers.conferences import MAX_VERSION
from cpconf.api.schemas import CHANGE_REFUSALS, RECORD_REFUSALS, REFUSALS, Day, Ref, ShortText, Text
from cpconf.conferences.models import Category
from cpconf.plans.models import (
    ActionStatus,
    ChildProtectionPlan,
    CoreGroupMeeting,
    EndingReason,
    PlanReview,
    ReviewOutcome,
    Visit,
)
from cpconf.plans.selectors import followup as selectors
from cpconf.plans.selectors import overdue
from cpconf.plans.services import core_groups, reviews, visits

router = Router(tags=["Plans: follow-up"])

CORE_GROUPS = "plan-core-groups"
VISITS = "plan-visits"
REVIEWS = "conference-review-outcomes"
PLAN_NOT_FOUND = "There is no child protection plan here, or you do not have access to it."


def _plan(request: HttpRequest, plan_id: uuid.UUID, permission: str, what: str) -> ChildProtectionPlan:
    return selectors.plan_for_followup(
        acting_user(request), plan_id, permission=permission, what=what, request=request
    )


# Core group meetings (R-PL-3)


class AttendanceIn(Schema):
    member_id: uuid.UUID = Field(description="A member of the plan's core group.")
    attended: bool


class ActionUpdateIn(Schema):
    action_id: uuid.UUID = Field(description="One of the plan's actions.")
    status: ActionStatus
    note: Text = ""
    expected_version: int = Field(
        ge=1, le=MAX_VERSION, description="The action's version you read (409 if changed)."
    )


class CoreGroupMeetingIn(Schema):
    held_on: Day = Field(description="Today or earlier, and not before the plan started.")
    chaired_by: ShortText
    chaired_by_team_manager: bool = Field(description="The team manager chairs the first meeting (R-PL-3).")
    attendance: list[AttendanceIn] = Field(
        max_length=200, description="Whether each member of the core group attended: every member, once."
    )
    decisions: Text
    next_meeting_on: Day | None = Field(None, description="After this meeting, within the policy's interval.")
    action_updates: list[ActionUpdateIn] = Field([], max_length=200)


class CoreGroupMeetingOut(Schema):
    id: uuid.UUID
    held_on: date
    chaired_by: str
    chaired_by_team_manager: bool
    due_on: date | None = Field(description="The date the meeting was due by.")
    held_late: bool = Field(description="Held after its due date.")
    next_meeting_on: date | None
    record_due: date | None = Field(
        description="The record is to be circulated by this day (null: no time set)."
    )
    record_circulated_on: date | None
    plan_next_core_group_due: date | None
    warning: str = Field(
        description="R-PL-3: set when the first meeting was not chaired by the team manager."
    )
    version: int


def meeting_out(meeting: CoreGroupMeeting, plan: ChildProtectionPlan, warning: str = "") -> dict[str, Any]:
    return {
        "id": meeting.public_id,
        "held_on": meeting.held_on,
        "chaired_by": meeting.chaired_by,
        "chaired_by_team_manager": meeting.chaired_by_team_manager,
        "due_on": meeting.due_on,
        "held_late": core_groups.held_late(meeting),
        "next_meeting_on": meeting.next_meeting_on,
        "record_due": meeting.record_due,
        "record_circulated_on": meeting.record_circulated_on,
        "plan_next_core_group_due": plan.next_core_group_due,
        "warning": warning,
        "version": meeting.version,
    }


@router.post(
    "/plans/{uuid:plan_id}/core-group-meetings",
    response={201: CoreGroupMeetingOut, **CHANGE_REFUSALS},
    operation_id="core_group_meeting_record",
    summary="Record a core group meeting",
)
def core_group_meeting_record(
    request: HttpRequest, plan_id: uuid.UUID, payload: CoreGroupMeetingIn
) -> Status[dict[str, Any]]:
    """A core group meeting (R-PL-3): attendance, decisions, the actions' progress (each with its version)
    and the next date. The plan's next core group then falls due by the policy's interval from it."""
    plan = _plan(request, plan_id, RECORD_CORE_GROUP, CORE_GROUPS)
    is_first = not plan.core_group_meetings.exists()
    attendance: dict[uuid.UUID, bool] = {}
    for row in payload.attendance:
        if row.member_id in attendance:
            raise refuse("attendance", "Name each member of the core group once")
        attendance[row.member_id] = row.attended
    with service_fields():
        meeting = core_groups.core_group_meeting_record(
            plan=plan,
            held_on=payload.held_on,
            chaired_by=payload.chaired_by,
            chaired_by_team_manager=payload.chaired_by_team_manager,
            attendance=attendance,
            decisions=payload.decisions,
            next_meeting_on=payload.next_meeting_on,
            action_updates=[
                core_groups.ActionUpdate(
                    update.action_id, update.status, update.note, update.expected_version
                )
                for update in payload.action_updates
            ],
            acting_user=acting_user(request),
        )
    plan.refresh_from_db(fields=["next_core_group_due"])
    warning = core_groups.first_meeting_chair_warning(meeting, is_first=is_first)
    return Status(201, meeting_out(meeting, plan, warning))


# Visits (R-PL-4)


class VisitIn(Schema):
    visited_on: Day = Field(description="Today or earlier: a visit in the future is refused.")
    visited_by_id: uuid.UUID = Field(description="A professional of the child's authority's social care.")
    seen_alone: bool
    seen_with_family: bool
    unannounced: bool = False
    notes: Text = ""


class VisitOut(Schema):
    id: uuid.UUID
    visited_on: date
    visited_by: Ref
    seen_alone: bool
    seen_with_family: bool
    unannounced: bool
    plan_next_visit_due: date | None = Field(description="Null when no visit interval is set.")
    unannounced_visits_required: bool


@router.post(
    "/plans/{uuid:plan_id}/visits",
    response={201: VisitOut, **RECORD_REFUSALS},
    operation_id="visit_record",
    summary="Record a visit to the child",
)
def visit_record(request: HttpRequest, plan_id: uuid.UUID, payload: VisitIn) -> Status[dict[str, Any]]:
    """A statutory visit (R-PL-4). The plan's next visit then falls due by the policy's minimum or the
    interval the conference set, whichever is sooner."""
    plan = _plan(request, plan_id, RECORD_VISIT, VISITS)
    visitor = selectors.visitors_for(plan).filter(public_id=payload.visited_by_id).first()
    if visitor is None:
        raise refuse("visited_by_id", "Select someone who works for this child's authority")
    with service_fields(visited_by="visited_by_id"):
        visit: Visit = visits.visit_record(
            plan=plan,
            visited_on=payload.visited_on,
            visited_by=visitor,
            seen_alone=payload.seen_alone,
            seen_with_family=payload.seen_with_family,
            unannounced=payload.unannounced,
            notes=payload.notes,
            acting_user=acting_user(request),
        )
    plan.refresh_from_db(fields=["next_visit_due"])
    return Status(
        201,
        {
            "id": visit.public_id,
            "visited_on": visit.visited_on,
            "visited_by": {"id": visitor.public_id, "name": visitor.full_name},
            "seen_alone": visit.seen_alone,
            "seen_with_family": visit.seen_with_family,
            "unannounced": visit.unannounced,
            "plan_next_visit_due": plan.next_visit_due,
            "unannounced_visits_required": plan.unannounced_visits_required,
        },
    )


# Review outcomes (R-PL-5 to R-PL-7)


class ReviewOutcomeIn(Schema):
    outcome: ReviewOutcome
    categories: list[Category] = Field([], max_length=4, description="For 'change_category': the new ones.")
    ending_reason: EndingReason | None = Field(None, description="Required to end the plan (R-PL-5).")
    ending_details: Text = ""
    dissent: Text = Field("", description="Views that disagreed (R-PL-5).")
    child_left_household: bool = Field(
        False, description="The chair checked that the child no longer lives in the household (R-PL-6)."
    )
    step_down: bool = Field(
        False, description="Start a child in need plan when the ending takes effect (R-PL-7)."
    )
    step_down_needs: Text = ""
    step_down_family_consent_on: Day | None = None
    expected_version: int = Field(
        ge=1, le=MAX_VERSION, description="The plan's version you read (409 if changed)."
    )


class PlanReviewOut(Schema):
    id: uuid.UUID
    plan_id: uuid.UUID
    outcome: ReviewOutcome
    first_review: bool
    categories: list[str]
    next_review_due: date | None
    ending_reason: str
    awaits_approval_by: str = Field(
        description="Set when the ending waits for a senior manager's approval (R-PL-6)."
    )
    plan_status: str
    incomplete_actions: list[str] = Field(description="What the plan's actions not done were (R-PL-5).")


def review_out(review: PlanReview, plan: ChildProtectionPlan) -> dict[str, Any]:
    return {
        "id": review.public_id,
        "plan_id": plan.public_id,
        "outcome": review.outcome,
        "first_review": review.first_review,
        "categories": review.categories_after,
        "next_review_due": review.next_review_due,
        "ending_reason": review.ending_reason,
        "awaits_approval_by": review.awaits_approval_by,
        "plan_status": plan.status,
        "incomplete_actions": [row["what"] for row in review.incomplete_actions],
    }


@router.post(
    "/conferences/{uuid:conference_id}/plans/{uuid:plan_id}/review-outcome",
    response={201: PlanReviewOut, **CHANGE_REFUSALS},
    operation_id="review_outcome_record",
    summary="Record what a review conference decided for a child's plan",
)
def review_outcome_record(
    request: HttpRequest, conference_id: uuid.UUID, plan_id: uuid.UUID, payload: ReviewOutcomeIn
) -> Status[dict[str, Any]]:
    """For a held review conference, by its chair: continue the plan (the next review falls due by the
    clock), change its category, or end it with a reason (R-PL-5). Refused (422): an ending without a
    reason; under Staffordshire's policy, a plan under neglect at its first review unless the child left
    the household (R-PL-6). Under Medway's, the ending waits for the Assistant Director's approval."""
    user = acting_user(request)
    conference = gateways.conference_for(
        user, conference_id, what=REVIEWS, permission=RECORD_REVIEW_OUTCOME, request=request
    )
    plan = next((p for p in selectors.plans_at_conference(conference.pk) if p.public_id == plan_id), None)
    if plan is None:
        raise Http404(PLAN_NOT_FOUND)
    with service_fields():
        review = reviews.review_outcome_record(
            conference=conference,
            plan=plan,
            outcome=payload.outcome,
            categories=[category.value for category in payload.categories],
            ending_reason=payload.ending_reason.value if payload.ending_reason else "",
            ending_details=payload.ending_details,
            dissent=payload.dissent,
            child_left_household=payload.child_left_household,
            step_down=payload.step_down,
            step_down_needs=payload.step_down_needs,
            step_down_family_consent_on=payload.step_down_family_consent_on,
            expected_version=payload.expected_version,
            acting_user=user,
        )
    plan.refresh_from_db(fields=["status"])
    return Status(201, review_out(review, plan))


# The overdue lists


class OverdueList(StrEnum):
    CORE_GROUPS = "core-groups"
    VISITS = "visits"
    RECORDS = "records"
    NEARLY_18 = "nearly-18"


class OverdueFilters(Schema):
    list: OverdueList = Field(
        OverdueList.CORE_GROUPS,
        description="'core-groups' and 'visits' overdue; core group 'records' not circulated in time; "
        "plans of young people 'nearly-18' (within three months of the 18th birthday).",
    )


class OverdueOut(Schema):
    plan_id: uuid.UUID
    child: Ref
    due_on: date | None = Field(description="The date it was due (for 'nearly-18', the 18th birthday).")
    meeting_id: uuid.UUID | None = Field(description="For 'records': the meeting whose record is late.")


_SELECTORS = {
    OverdueList.CORE_GROUPS: overdue.overdue_core_groups,
    OverdueList.VISITS: overdue.overdue_visits,
    OverdueList.RECORDS: overdue.late_core_group_records,
    OverdueList.NEARLY_18: overdue.nearing_eighteen,
}


def _overdue_out(kind: OverdueList, row: Any) -> dict[str, Any]:
    from cpconf.plans import deadlines as plan_deadlines

    if kind == OverdueList.RECORDS:
        plan = row.plan
        return {
            "plan_id": plan.public_id,
            "child": {"id": plan.child.public_id, "name": plan.child.full_name},
            "due_on": row.record_due,
            "meeting_id": row.public_id,
        }
    due = {
        OverdueList.CORE_GROUPS: row.next_core_group_due or row.first_core_group_due,
        OverdueList.VISITS: row.next_visit_due,
        OverdueList.NEARLY_18: plan_deadlines.eighteenth_birthday(row.child),
    }[kind]
    return {
        "plan_id": row.public_id,
        "child": {"id": row.child.public_id, "name": row.child.full_name},
        "due_on": due,
        "meeting_id": None,
    }


@router.get(
    "/plans/overdue",
    response={200: list[OverdueOut], **REFUSALS},
    operation_id="plans_overdue",
    summary="List what is overdue on the plans you can see",
)
@paginate(Page)
def plans_overdue(request: HttpRequest, filters: Query[OverdueFilters]) -> Shaped[Any]:
    """For children's social care staff: the plans of the children they may see whose core group or visit
    is overdue, core group records not circulated in time, or plans of young people nearly 18; the longest
    overdue first."""
    user = acting_user(request)
    overdue.check_lists_allowed(user, request=request)
    kind = filters.list
    return Shaped(_SELECTORS[kind](user, clock.today()), lambda row: _overdue_out(kind, row))
