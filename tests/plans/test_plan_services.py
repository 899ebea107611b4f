"""Making and changing a child protection plan (R-DE-5, R-PL-1, R-PL-2, R-PL-3), telling health and
education (R-AF-3), and what bad input leaves behind (nothing)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cpconf.access.models import AuditEntry
from cpconf.conferences.models import Conference, ConferenceType, Recommendation
from cpconf.conferences.services.scheduling import StaleEditError
from cpconf.notifications.models import OutboxMessage
from cpconf.plans.models import (
    ActionStatus,
    ChildProtectionPlan,
    CoreGroupMember,
    PlanAction,
    PlanNotification,
    PlanNotificationEvent,
    PlanStatus,
)
from cpconf.plans.services import plans as services
from cpconf.plans.services.plans import ActionInput
from tests.plans.conftest import Scene, plan_arguments

pytestmark = pytest.mark.django_db


def _nothing_saved() -> None:
    assert ChildProtectionPlan.objects.count() == 0
    assert PlanAction.objects.count() == 0
    assert CoreGroupMember.objects.count() == 0
    assert PlanNotification.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
    assert Conference.objects.filter(conference_type=ConferenceType.REVIEW).count() == 0


def test_plan_made_with_due_dates_core_group_actions_and_review(scene: Scene) -> None:
    """R-DE-5: lead professional, core group, first core group (10 wd), first review (3 months), SMART
    actions, contingency; R-PL-4: Staffordshire's 3-weekly visits."""
    plan = services.plan_make(**plan_arguments(scene))  # type: ignore[arg-type]
    assert plan.status == PlanStatus.ACTIVE
    assert plan.start_date == date(2026, 11, 24)
    assert plan.categories == ["neglect"]
    assert plan.first_core_group_due == date(2026, 12, 8)  # 10 working days after Tuesday 24 November
    assert plan.next_core_group_due == date(2026, 12, 8)
    assert plan.next_review_due == date(2027, 2, 24)  # 3 months (R-CT-2)
    assert plan.next_visit_due == date(2026, 12, 15)  # 3 weeks (R-PL-4, Staffordshire)
    names = sorted(plan.core_group.values_list("name", flat=True))
    # The lead professional joins the core group (R-PL-2) beside those named.
    assert names == ["Bram Oakhurst", "Carys Thistlewood", "Nell Marchant", "Wilf Ashcombe"]
    assert plan.actions.count() == 2
    assert set(plan.actions.values_list("owner_name", flat=True)) == {"Carys Thistlewood", "Nell Marchant"}
    # R-CT-2: the first review was requested, from the conference held.
    review = Conference.objects.get(previous=scene.conference)
    assert review.conference_type == ConferenceType.REVIEW
    assert review.due_date == date(2027, 2, 24)
    # Audit history: the plan, its members and actions.
    assert AuditEntry.objects.filter(object_type="plans.childprotectionplan", action="create").count() == 1
    assert AuditEntry.objects.filter(object_type="plans.planaction").count() == 2


def test_brother_plan_does_not_request_a_second_review(scene: Scene) -> None:
    services.plan_make(**plan_arguments(scene))  # type: ignore[arg-type]
    services.plan_make(
        **plan_arguments(
            scene,
            "rook",
            members=[scene.mother],
            actions=[
                ActionInput(what="Register Rook with a nursery", owner=scene.mother, due_on=date(2027, 1, 8))
            ],
        )
    )  # type: ignore[arg-type]
    assert Conference.objects.filter(previous=scene.conference).count() == 1


def test_conference_set_visit_interval_shortens_the_next_visit(scene: Scene) -> None:
    """R-PL-4: the conference may require more frequent visits than the minimum."""
    plan = services.plan_make(**plan_arguments(scene, visit_interval_days=10))  # type: ignore[arg-type]
    assert plan.next_visit_due == date(2026, 12, 4)


def test_plan_refused_without_a_lead_professional(scene: Scene) -> None:
    """R-PL-2: no child is on a plan without a named lead professional."""
    with pytest.raises(ValidationError) as caught:
        services.plan_make(**plan_arguments(scene, lead_professional=None))  # type: ignore[arg-type]
    assert caught.value.message_dict["lead_professional"] == ["Choose the lead professional"]
    _nothing_saved()


def test_plan_refused_when_lead_is_not_a_qualified_social_worker(scene: Scene) -> None:
    """R-PL-2: the lead professional is a qualified social worker."""
    with pytest.raises(ValidationError) as caught:
        services.plan_make(**plan_arguments(scene, lead_professional=scene.people["unqualified"]))  # type: ignore[arg-type]
    assert "not recorded as a qualified social worker" in caught.value.message_dict["lead_professional"][0]
    _nothing_saved()


def test_plan_refused_when_lead_works_for_another_authority(scene: Scene) -> None:
    with pytest.raises(ValidationError) as caught:
        services.plan_make(**plan_arguments(scene, lead_professional=scene.people["elsewhere"]))  # type: ignore[arg-type]
    assert "works for this authority" in caught.value.message_dict["lead_professional"][0]
    _nothing_saved()


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (
            ActionInput(what="Clean the kitchen", owner=None, due_on=date(2027, 1, 1)),
            "Action 1: choose who will do it",
        ),
        (
            ActionInput(what="Clean the kitchen", owner=None, owner_name="Carys", due_on=None),
            "Action 1: enter the date it is due",
        ),
        (
            ActionInput(what="", owner=None, owner_name="Carys", due_on=date(2027, 1, 1)),
            "Action 1: enter what will be done",
        ),
    ],
)
def test_action_without_owner_or_date_refuses_the_whole_plan(
    scene: Scene, action: ActionInput, message: str
) -> None:
    """R-DE-5 (SMART): each action has what, who and by when; nothing is half-saved."""
    with pytest.raises(ValidationError) as caught:
        services.plan_make(**plan_arguments(scene, actions=[action]))  # type: ignore[arg-type]
    assert caught.value.message_dict["actions"] == [message]
    _nothing_saved()


def test_plan_needs_a_contingency_and_outcomes(scene: Scene) -> None:
    with pytest.raises(ValidationError) as caught:
        services.plan_make(**plan_arguments(scene, contingency="  ", outcomes=""))  # type: ignore[arg-type]
    assert set(caught.value.message_dict) == {"contingency", "outcomes"}
    _nothing_saved()


def test_plan_refused_for_a_decision_that_is_not_a_plan(scene: Scene) -> None:
    decision = scene.decisions["rook"]
    decision.outcome = Recommendation.NO_FURTHER_ACTION
    decision.categories = []
    decision.save()
    with pytest.raises(ValidationError, match="decided: no further action"):
        services.plan_make(**plan_arguments(scene, "rook"))  # type: ignore[arg-type]
    _nothing_saved()


def test_plan_refused_when_the_child_already_has_one(scene: Scene) -> None:
    services.plan_make(**plan_arguments(scene))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="already been made"):
        services.plan_make(**plan_arguments(scene))  # type: ignore[arg-type]
    assert ChildProtectionPlan.objects.count() == 1


def test_family_member_of_another_child_cannot_join(scene: Scene) -> None:
    from tests import factories

    stranger = factories.FamilyMemberFactory(
        authority=scene.authority, given_name="Ambrose", family_name="Kettering"
    )
    with pytest.raises(ValidationError) as caught:
        services.plan_make(**plan_arguments(scene, members=[stranger]))  # type: ignore[arg-type]
    assert "not recorded as family" in caught.value.message_dict["members"][0]
    _nothing_saved()


def test_health_and_education_told_secure_content_or_a_sign_in_notice(scene: Scene) -> None:
    """R-AF-3: health and education are told; R-AF-5: the content only to a secure address."""
    plan = services.plan_make(**plan_arguments(scene, members=[scene.mother]))  # type: ignore[arg-type]
    rows = {row.name: row for row in plan.notifications.all()}
    assert set(rows) == {"Nell Marchant", "Bram Oakhurst"}  # allocated; not the police, not social care
    assert rows["Nell Marchant"].secure is True
    assert rows["Bram Oakhurst"].secure is False
    health = OutboxMessage.objects.get(recipient="nell.marchant@nhs.harrowgate.example")
    assert "Linnet Thistlewood" in health.subject and "child protection plan" in health.body
    school = OutboxMessage.objects.get(recipient="bram.oakhurst@school.example")
    assert "Linnet" not in school.subject + school.body
    assert f"/plans/{plan.public_id}/" in school.body
    # Told once: calling again sends nothing more.
    assert services.notify_plan_started(plan) == []
    assert OutboxMessage.objects.count() == 2


def test_notify_plan_ended(scene: Scene) -> None:
    """R-AF-3: told again when the plan ends (for the reviews area to call)."""
    plan = services.plan_make(**plan_arguments(scene))  # type: ignore[arg-type]
    ChildProtectionPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.ENDED, end_date=date(2027, 2, 20), ending_reason="no_longer_at_risk"
    )
    rows = services.notify_plan_ended(plan)
    assert {row.event for row in rows} == {PlanNotificationEvent.ENDED}
    assert len(rows) == 2
    message = OutboxMessage.objects.get(
        recipient="nell.marchant@nhs.harrowgate.example", purpose="plan-ended"
    )
    assert "ended on 20 February 2027" in message.body


def test_plan_update_changes_and_counts_versions(scene: Scene) -> None:
    plan = services.plan_make(**plan_arguments(scene))  # type: ignore[arg-type]
    plan = services.plan_update(
        plan=plan,
        expected_version=1,
        acting_user=scene.people["team_manager"].user,
        contingency="A new contingency.",
    )
    assert plan.version == 2
    assert plan.contingency == "A new contingency."


def test_stale_plan_update_names_who_when_and_what(scene: Scene) -> None:
    """Issue 3 item 10: a change on a form opened before someone else's is refused, saying who, when, what."""
    plan = services.plan_make(**plan_arguments(scene))  # type: ignore[arg-type]
    services.plan_update(
        plan=plan, expected_version=1, acting_user=scene.people["team_manager"].user, outcomes="Changed."
    )
    with pytest.raises(StaleEditError) as caught:
        services.plan_update(
            plan=plan, expected_version=1, acting_user=scene.people["social_worker"].user, contingency="Mine."
        )
    message = caught.value.messages[0]
    assert "Hazel Brightwater changed this plan on 26 November 2026" in message
    assert "what needs to change" in message
    assert ChildProtectionPlan.objects.get(pk=plan.pk).contingency != "Mine."


def test_plan_update_refuses_an_unqualified_lead(scene: Scene) -> None:
    plan = services.plan_make(**plan_arguments(scene))  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as caught:
        services.plan_update(
            plan=plan, expected_version=1, acting_user=None, lead_professional=scene.people["unqualified"]
        )
    assert "lead_professional" in caught.value.message_dict
    assert ChildProtectionPlan.objects.get(pk=plan.pk).version == 1


def test_new_lead_joins_the_core_group(scene: Scene) -> None:
    plan = services.plan_make(**plan_arguments(scene))  # type: ignore[arg-type]
    services.plan_update(
        plan=plan, expected_version=1, acting_user=None, lead_professional=scene.people["team_manager"]
    )
    assert plan.core_group.filter(professional=scene.people["team_manager"], left_on__isnull=True).exists()


def test_actions_add_and_status(scene: Scene) -> None:
    plan = services.plan_make(**plan_arguments(scene))  # type: ignore[arg-type]
    action = services.action_add(
        plan=plan,
        action=ActionInput(
            what="Referral to the food bank", owner=scene.people["social_worker"], due_on=date(2026, 12, 1)
        ),
        acting_user=None,
    )
    with pytest.raises(ValidationError, match="Choose who will do it"):
        services.action_add(
            plan=plan, action=ActionInput(what="x", owner=None, due_on=date(2026, 12, 1)), acting_user=None
        )
    action = services.action_update_status(
        action=action, status=ActionStatus.DONE, expected_version=1, acting_user=None
    )
    assert action.version == 2
    with pytest.raises(StaleEditError):
        services.action_update_status(
            action=action, status=ActionStatus.NOT_STARTED, expected_version=1, acting_user=None
        )
    with pytest.raises(ValidationError) as caught:
        services.action_update_status(
            action=action, status=ActionStatus.NOT_DONE, expected_version=2, acting_user=None
        )
    assert "status_note" in caught.value.message_dict


def test_core_group_add_and_leave(scene: Scene) -> None:
    plan = services.plan_make(**plan_arguments(scene, members=[]))  # type: ignore[arg-type]
    member = services.member_add(plan=plan, member=scene.people["police"], acting_user=None)
    with pytest.raises(ValidationError, match="already in the core group"):
        services.member_add(plan=plan, member=scene.people["police"], acting_user=None)
    left = services.member_leave(member=member, acting_user=None)
    assert left.left_on == date(2026, 11, 26)
    with pytest.raises(ValidationError, match="left the core group"):
        services.member_leave(member=member, acting_user=None)
    lead = plan.core_group.get(professional=scene.people["social_worker"])
    with pytest.raises(ValidationError, match="is the lead professional"):
        services.member_leave(member=lead, acting_user=None)
