"""Core group meetings (R-PL-3): recording a meeting, with its attendance, decisions, the plan's actions'
progress and the next date, and recording later that its record was circulated.

Who may do this is decided before these are called (the views and the API ask
``cpconf.plans.selectors.followup.plan_for_followup`` with ``RECORD_CORE_GROUP``). Each function runs in
one transaction, locks the rows it changes, checks everything before it writes (nothing is half-saved),
raises ``ValidationError`` keyed by the form's field names, and writes the audit history.

Decisions:

* **Due dates.** The plan's ``next_core_group_due`` moves to the clock's next date from the latest meeting
  (``cpconf.plans.deadlines.next_core_group_due``: 6 weeks). The record is due by the policy's
  ``core-group-record-circulated`` deadline (Staffordshire: 10 working days); where the policy sets none
  it has no due date. A meeting keeps the due date it was held against (``due_on``), so one held after it
  stays flagged.
* **The next meeting's date** must be after the meeting and no later than the clock's next due date
  ("at least every 6 weeks"). It is optional: not every core group sets it on the day.
* **The chair.** The team manager chairs the first meeting (R-PL-3). Another chair is recorded, not
  refused (a team manager may be off sick), and the pages warn (``first_meeting_chair_warning``).
* **The plan's version is not raised** by a meeting: the due dates are the clock's, not anyone's edit of
  the plan, and raising it would make every open plan form stale. The plan's row is still locked, so two
  meetings recorded at once are recorded one after the other. The actions' versions are checked and raised.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from cpconf import clock as today_clock
from cpconf.access.log import audit_snapshot
from cpconf.clock import date_in_words
from cpconf.people.models import User
from cpconf.people.selectors import working_calendar_for
from cpconf.plans import deadlines
from cpconf.plans.models import (
    ActionStatus,
    ChildProtectionPlan,
    CoreGroupMeeting,
    CoreGroupMember,
    PlanAction,
    PlanStatus,
)
from cpconf.plans.services.followup_common import check_version, field_errors, save_audited

CHAIR_MAX_LENGTH = 200  # CoreGroupMeeting.chaired_by
TEXT_MAX_LENGTH = 10000
NOTE_MAX_LENGTH = 2000

FIRST_MEETING_CHAIR_WARNING = (
    "The team manager should chair the first core group meeting (R-PL-3). This meeting was recorded as "
    "chaired by someone else."
)


@dataclass(frozen=True)
class ActionUpdate:
    """A change to one of the plan's actions at the meeting: its new status and a note, made from a form
    that showed ``expected_version``."""

    action_id: uuid.UUID
    status: str
    note: str = ""
    expected_version: int | None = None


def members_on(plan: ChildProtectionPlan, day: date) -> list[CoreGroupMember]:
    """The core group's members on ``day``: joined by then, and not left before it."""
    return [
        member
        for member in plan.core_group.all()
        if member.joined_on <= day and (member.left_on is None or member.left_on >= day)
    ]


def first_meeting_chair_warning(meeting: CoreGroupMeeting, *, is_first: bool) -> str:
    """R-PL-3: a warning when the first meeting was not chaired by the team manager, else ""."""
    return FIRST_MEETING_CHAIR_WARNING if is_first and not meeting.chaired_by_team_manager else ""


def held_late(meeting: CoreGroupMeeting) -> bool:
    """Held after the date it was due (R-PL-3)."""
    return meeting.due_on is not None and meeting.held_on > meeting.due_on


def _locked_plan(plan: ChildProtectionPlan) -> ChildProtectionPlan:
    return (
        ChildProtectionPlan.objects.select_for_update(of=("self",))
        .select_related("authority", "child")
        .get(pk=plan.pk)
    )


ENDED_MESSAGE = "This child protection plan has ended, so nothing more can be recorded for it."


def check_open(plan: ChildProtectionPlan, field: str) -> None:
    """Refuse to record anything more for an ended plan."""
    if plan.status == PlanStatus.ENDED:
        field_errors({field: [ENDED_MESSAGE]})


@transaction.atomic
def core_group_meeting_record(
    *,
    plan: ChildProtectionPlan,
    held_on: date | None,
    chaired_by: str,
    chaired_by_team_manager: bool,
    attendance: Mapping[uuid.UUID, bool],
    decisions: str,
    next_meeting_on: date | None,
    action_updates: Sequence[ActionUpdate] = (),
    acting_user: User | None,
) -> CoreGroupMeeting:
    """Record a core group meeting for ``plan`` (R-PL-3) and move its next due date (see the module)."""
    plan = _locked_plan(plan)
    check_open(plan, "held_on")
    errors: dict[str, list[str]] = {}
    today = today_clock.today()
    calendar = working_calendar_for(plan.authority)
    if held_on is None:
        errors["held_on"] = ["Enter the date of the meeting"]
    elif held_on > today:
        errors["held_on"] = ["The date of the meeting must be today or in the past"]
    elif held_on < plan.start_date:
        errors["held_on"] = [
            f"The date of the meeting must be on or after the plan started, {date_in_words(plan.start_date)}"
        ]
    chaired_by = chaired_by.strip()
    if not chaired_by:
        errors["chaired_by"] = ["Enter the name of the person who chaired the meeting"]
    elif len(chaired_by) > CHAIR_MAX_LENGTH:
        errors["chaired_by"] = [f"The chair's name must be {CHAIR_MAX_LENGTH} characters or fewer"]
    decisions = decisions.strip()
    if not decisions:
        errors["decisions"] = ["Enter what the core group decided"]
    elif len(decisions) > TEXT_MAX_LENGTH:
        errors["decisions"] = [f"The decisions must be {TEXT_MAX_LENGTH} characters or fewer"]

    attendance_rows: list[dict[str, object]] = []
    next_due: date | None = None
    if "held_on" not in errors and held_on is not None:
        members = members_on(plan, held_on)
        known = {member.public_id for member in members}
        if set(attendance) - known:
            errors["attendance"] = ["Choose members of this child's core group"]
        elif known - set(attendance):
            errors["attendance"] = ["Say for every member of the core group whether they attended"]
        else:
            attendance_rows = [
                {"member": str(m.public_id), "name": m.name, "attended": bool(attendance[m.public_id])}
                for m in members
            ]
        next_due = deadlines.next_core_group_due(plan.authority, held_on, calendar)
        if next_meeting_on is not None:
            if next_meeting_on <= held_on:
                errors["next_meeting_on"] = ["The next meeting must be after this one"]
            elif next_due is not None and next_meeting_on > next_due:
                errors["next_meeting_on"] = [
                    f"The next meeting must be by {date_in_words(next_due)}: the core group meets at least "
                    "every 6 weeks (R-PL-3)"
                ]

    # The actions: each must be this plan's, with a status from the list, from an up-to-date form.
    updates = list(action_updates)
    actions: dict[uuid.UUID, PlanAction] = {}
    if updates:
        actions = {
            action.public_id: action
            for action in PlanAction.objects.select_for_update()
            .filter(plan=plan, public_id__in=[update.action_id for update in updates])
            .order_by("pk")
        }
    for update in updates:
        action = actions.get(update.action_id)
        if action is None:
            errors.setdefault("actions", []).append("Choose actions of this child's plan")
            continue
        if update.status not in ActionStatus.values:
            errors.setdefault("actions", []).append(f"Choose a status from the list for: {action.what[:60]}")
        if len(update.note) > NOTE_MAX_LENGTH:
            errors.setdefault("actions", []).append(
                f"The note on an action must be {NOTE_MAX_LENGTH} characters or fewer"
            )
    field_errors(errors)
    if held_on is None:  # checked above
        raise RuntimeError("unreachable: checked above")
    for update in updates:
        check_version(actions[update.action_id], update.expected_version, "an action of this plan")

    previous_meetings = list(plan.core_group_meetings.values_list("held_on", flat=True))
    is_latest = all(held_on >= earlier for earlier in previous_meetings)
    due_on = plan.next_core_group_due or plan.first_core_group_due
    meeting = CoreGroupMeeting(
        plan=plan,
        held_on=held_on,
        chaired_by=chaired_by,
        chaired_by_team_manager=chaired_by_team_manager,
        attendance=attendance_rows,
        decisions=decisions,
        next_meeting_on=next_meeting_on,
        due_on=due_on if is_latest else None,
        record_due=deadlines.core_group_record_due(plan.authority, held_on, calendar),
        recorded_by=acting_user,
        recorded_at=today_clock.now(),
    )
    save_audited(meeting, None, acting_user, bump=False)
    for update in updates:
        action = actions[update.action_id]
        before = audit_snapshot(action)
        action.status = update.status
        action.status_note = update.note.strip()
        save_audited(action, before, acting_user, reason=f"Core group meeting on {date_in_words(held_on)}")
    if is_latest:
        before = audit_snapshot(plan)
        plan.next_core_group_due = next_due
        save_audited(plan, before, acting_user, reason="Core group meeting recorded (R-PL-3)", bump=False)
    return meeting


@transaction.atomic
def core_group_record_circulated(
    *,
    meeting: CoreGroupMeeting,
    circulated_on: date | None,
    expected_version: int | None,
    acting_user: User | None,
) -> CoreGroupMeeting:
    """Record the day the meeting's record was circulated (R-PL-3)."""
    meeting = CoreGroupMeeting.objects.select_for_update().get(pk=meeting.pk)
    errors: dict[str, list[str]] = {}
    if circulated_on is None:
        errors["circulated_on"] = ["Enter the date the record was circulated"]
    elif circulated_on > today_clock.today():
        errors["circulated_on"] = ["The date the record was circulated must be today or in the past"]
    elif circulated_on < meeting.held_on:
        errors["circulated_on"] = ["The record cannot be circulated before the meeting was held"]
    field_errors(errors)
    check_version(meeting, expected_version, "this core group meeting")
    before = audit_snapshot(meeting)
    meeting.record_circulated_on = circulated_on
    return save_audited(meeting, before, acting_user, reason="Core group record circulated (R-PL-3)")
