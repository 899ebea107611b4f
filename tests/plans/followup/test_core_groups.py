"""Core group meetings (R-PL-3): the record, the due dates from the clock, late meetings, the team
manager chairing the first, actions' progress and optimistic locking."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cpconf.access.log import audit_history_for
from cpconf.people.selectors import working_calendar_for
from cpconf.plans.deadlines import core_group_record_due, next_core_group_due
from cpconf.plans.models import ActionStatus, CoreGroupMeeting, PlanAction, PlanStatus
from cpconf.plans.services.core_groups import (
    FIRST_MEETING_CHAIR_WARNING,
    ActionUpdate,
    core_group_meeting_record,
    core_group_record_circulated,
    first_meeting_chair_warning,
    held_late,
)
from cpconf.plans.services.followup_common import StaleEditError
from tests.plans.followup.conftest import Family, add_action, add_member, make_family

pytestmark = pytest.mark.django_db


def _record(family: Family, **overrides: object) -> CoreGroupMeeting:
    members = list(family.plan.core_group.all())
    values: dict[str, object] = {
        "plan": family.plan,
        "held_on": date(2026, 12, 14),
        "chaired_by": "Berenice Stowell",
        "chaired_by_team_manager": True,
        "attendance": {member.public_id: True for member in members},
        "decisions": "The school will report attendance weekly.",
        "next_meeting_on": None,
        "acting_user": family.team_manager.user,
    }
    values.update(overrides)
    return core_group_meeting_record(**values)  # type: ignore[arg-type]


def test_the_clock_gives_six_weeks_and_ten_working_days_in_staffordshire(family: Family) -> None:
    calendar = working_calendar_for(family.authority)
    # R-PL-3: 6 weeks to the next core group; the record within 10 working days (Staffordshire).
    assert next_core_group_due(family.authority, date(2026, 12, 14), calendar) == date(2027, 1, 25)
    # 10 working days from Monday 14 December 2026 skip Christmas Day and Boxing Day (Monday 28th).
    assert core_group_record_due(family.authority, date(2026, 12, 14), calendar) == date(2026, 12, 30)


def test_national_policy_sets_no_time_for_the_record() -> None:
    national = make_family("national")
    calendar = working_calendar_for(national.authority)
    assert core_group_record_due(national.authority, date(2026, 12, 14), calendar) is None
    meeting = _record(national)
    assert meeting.record_due is None


def test_recording_a_meeting_moves_the_next_due_date_and_sets_the_record_due(family: Family) -> None:
    nurse = add_member(family.plan, "Tamsin Goldhawk")
    teacher = add_member(family.plan, "Rhoswen Talbot")
    meeting = _record(family, attendance={nurse.public_id: True, teacher.public_id: False})
    family.plan.refresh_from_db()
    assert family.plan.next_core_group_due == date(2027, 1, 25)
    assert meeting.record_due == date(2026, 12, 30)
    assert meeting.due_on == date(2026, 12, 15)  # the first core group's due date (R-DE-5)
    assert not held_late(meeting)
    assert meeting.attendance == [
        {"member": str(nurse.public_id), "name": "Tamsin Goldhawk", "attended": True},
        {"member": str(teacher.public_id), "name": "Rhoswen Talbot", "attended": False},
    ]
    assert audit_history_for(meeting).count() == 1
    assert family.plan.version == 1  # the clock's dates are not an edit of the plan


def test_a_meeting_after_its_due_date_is_flagged(family: Family) -> None:
    meeting = _record(family, held_on=date(2026, 12, 18))
    assert held_late(meeting)


def test_first_meeting_not_chaired_by_the_team_manager_is_recorded_with_a_warning(family: Family) -> None:
    meeting = _record(family, chaired_by="Lucan Marwood", chaired_by_team_manager=False)
    assert first_meeting_chair_warning(meeting, is_first=True) == FIRST_MEETING_CHAIR_WARNING
    assert first_meeting_chair_warning(meeting, is_first=False) == ""


def test_actions_are_updated_in_the_same_transaction(family: Family) -> None:
    action = add_action(family.plan, "Register Elspeth with a dentist")
    _record(
        family,
        action_updates=[
            ActionUpdate(action.public_id, ActionStatus.DONE, "Seen on 10 December", expected_version=1)
        ],
    )
    action.refresh_from_db()
    assert (action.status, action.status_note, action.version) == (
        ActionStatus.DONE,
        "Seen on 10 December",
        2,
    )


def test_a_stale_action_refuses_the_whole_meeting(family: Family) -> None:
    action = add_action(family.plan, "Register Elspeth with a dentist")
    PlanAction.objects.filter(pk=action.pk).update(version=2)
    with pytest.raises(StaleEditError):
        _record(
            family, action_updates=[ActionUpdate(action.public_id, ActionStatus.DONE, expected_version=1)]
        )
    # Nothing half-saved: no meeting, no due date moved, the action untouched.
    assert not CoreGroupMeeting.objects.exists()
    family.plan.refresh_from_db()
    assert family.plan.next_core_group_due is None
    action.refresh_from_db()
    assert action.status == ActionStatus.NOT_STARTED


def test_another_plans_action_is_refused(family: Family) -> None:
    other = make_family()
    action = add_action(other.plan, "Not this plan's")
    with pytest.raises(ValidationError) as caught:
        _record(family, action_updates=[ActionUpdate(action.public_id, ActionStatus.DONE)])
    assert "actions" in caught.value.message_dict
    assert not CoreGroupMeeting.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"held_on": None}, "held_on", "Enter the date of the meeting"),
        ({"held_on": date(2027, 3, 16)}, "held_on", "The date of the meeting must be today or in the past"),
        ({"held_on": date(2026, 11, 30)}, "held_on", "on or after the plan started"),
        ({"chaired_by": "  "}, "chaired_by", "Enter the name of the person who chaired the meeting"),
        ({"chaired_by": "x" * 201}, "chaired_by", "200 characters or fewer"),
        ({"decisions": ""}, "decisions", "Enter what the core group decided"),
        ({"next_meeting_on": date(2026, 12, 14)}, "next_meeting_on", "after this one"),
        ({"next_meeting_on": date(2027, 1, 26)}, "next_meeting_on", "must be by 25 January 2027"),
        ({"action_updates": [ActionUpdate(__import__("uuid").uuid4(), "done")]}, "actions", "Choose actions"),
    ],
)
def test_bad_input_is_refused_field_by_field(
    family: Family, overrides: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _record(family, **overrides)
    assert any(message in text for text in caught.value.message_dict[field])
    assert not CoreGroupMeeting.objects.exists()


def test_every_member_must_be_answered_for(family: Family) -> None:
    add_member(family.plan, "Tamsin Goldhawk")
    with pytest.raises(ValidationError) as caught:
        _record(family, attendance={})
    assert caught.value.message_dict["attendance"] == [
        "Say for every member of the core group whether they attended"
    ]
    with pytest.raises(ValidationError):
        _record(family, attendance={__import__("uuid").uuid4(): True})


def test_nothing_is_recorded_for_an_ended_plan(family: Family) -> None:
    type(family.plan).objects.filter(pk=family.plan.pk).update(status=PlanStatus.ENDED, ending_reason="died")
    with pytest.raises(ValidationError) as caught:
        _record(family)
    assert "has ended" in caught.value.message_dict["held_on"][0]


def test_an_earlier_meeting_recorded_late_does_not_move_the_due_date_back(family: Family) -> None:
    _record(family, held_on=date(2027, 1, 20))
    _record(family, held_on=date(2026, 12, 14))
    family.plan.refresh_from_db()
    assert family.plan.next_core_group_due == date(2027, 3, 3)


def test_record_circulated_later_with_optimistic_locking(family: Family) -> None:
    meeting = _record(family)
    with pytest.raises(ValidationError) as caught:
        core_group_record_circulated(
            meeting=meeting, circulated_on=date(2026, 12, 13), expected_version=1, acting_user=None
        )
    assert "before the meeting" in caught.value.message_dict["circulated_on"][0]
    with pytest.raises(ValidationError):
        core_group_record_circulated(
            meeting=meeting, circulated_on=None, expected_version=1, acting_user=None
        )
    with pytest.raises(ValidationError):
        core_group_record_circulated(
            meeting=meeting, circulated_on=date(2027, 3, 16), expected_version=1, acting_user=None
        )
    core_group_record_circulated(
        meeting=meeting,
        circulated_on=date(2026, 12, 21),
        expected_version=1,
        acting_user=family.team_manager.user,
    )
    meeting.refresh_from_db()
    assert (meeting.record_circulated_on, meeting.version) == (date(2026, 12, 21), 2)
    with pytest.raises(StaleEditError) as stale:
        core_group_record_circulated(
            meeting=meeting, circulated_on=date(2026, 12, 22), expected_version=1, acting_user=None
        )
    assert "after you opened this page" in stale.value.messages[0]
