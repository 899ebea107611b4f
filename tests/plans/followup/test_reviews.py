"""Reviews and endings (R-CT-2, R-PL-5 to R-PL-7, R-AF-3), under the Staffordshire, Medway and national
policies: continue, change category, end with a reason; the refusals; the Medway approval; the
step-down to a child in need plan; nothing half-saved."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cpconf.conferences.models import ConferenceStatus, ConferenceType
from cpconf.people.models import AgencyType, CaseRole
from cpconf.people.services import allocation_create
from cpconf.plans import deadlines
from cpconf.plans.models import (
    ActionStatus,
    ChildInNeedPlan,
    ChildProtectionPlan,
    EndingReason,
    PlanNotification,
    PlanNotificationEvent,
    PlanReview,
    PlanStatus,
    ReviewOutcome,
)
from cpconf.plans.services import reviews
from cpconf.plans.services.followup_common import StaleEditError
from cpconf.plans.services.reviews import (
    NEGLECT_FIRST_REVIEW_MESSAGE,
    ending_approval_record,
    plan_end_outside_review,
    review_outcome_record,
)
from tests import factories
from tests.plans.followup.conftest import PLAN_START, Family, add_action, make_family

pytestmark = pytest.mark.django_db

PROFILES = ("staffordshire", "medway", "national")


@pytest.fixture
def ended_calls(monkeypatch: pytest.MonkeyPatch) -> list[ChildProtectionPlan]:
    """R-AF-3: the plans the notification hook was called for."""
    calls: list[ChildProtectionPlan] = []
    monkeypatch.setattr(reviews, "notify_plan_ended", lambda plan, acting_user=None: calls.append(plan))
    return calls


def _review(family: Family, conference: Any = None, **overrides: Any) -> PlanReview:
    values: dict[str, Any] = {
        "conference": conference or family.review(),
        "plan": family.plan,
        "outcome": ReviewOutcome.CONTINUE,
        "expected_version": family.plan.version,
        "acting_user": family.chair.user,
    }
    values.update(overrides)
    return review_outcome_record(**values)


def _end(family: Family, conference: Any = None, **overrides: Any) -> PlanReview:
    values: dict[str, Any] = {"outcome": ReviewOutcome.END, "ending_reason": EndingReason.NO_LONGER_AT_RISK}
    values.update(overrides)
    return _review(family, conference, **values)


# ---- Continue and change category -------------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_continuing_sets_the_next_review_from_the_conference_clock(profile: str) -> None:
    family = make_family(profile)
    review = _review(family)
    family.plan.refresh_from_db()
    # R-CT-2: the next review within 6 months of this review, held on 1 March 2027.
    assert review.next_review_due == date(2027, 9, 1) == family.plan.next_review_due
    assert family.plan.status == PlanStatus.ACTIVE
    assert review.first_review
    assert family.plan.version == 2


def test_a_transfer_in_conference_restarts_the_review_cycle() -> None:
    family = make_family("national")
    conference = family.review(conference_type=ConferenceType.TRANSFER_IN)
    review = _review(family, conference)
    assert review.next_review_due == date(2027, 6, 1)  # R-CT-4: 3 months, as after an initial conference


def test_changing_category() -> None:
    family = make_family("national")
    review = _review(family, outcome=ReviewOutcome.CHANGE_CATEGORY, categories=["emotional", "neglect"])
    family.plan.refresh_from_db()
    assert family.plan.categories == ["neglect", "emotional"]
    assert review.categories_before == ["neglect"]


@pytest.mark.parametrize(
    ("profile", "categories", "message"),
    [
        ("staffordshire", ["emotional", "physical"], "Select one category"),
        ("national", ["neglect"], "different from the plan's"),
        ("national", [], "Select the category"),
        ("national", ["boredom"], "Choose categories from the list"),
    ],
)
def test_changing_category_refusals(profile: str, categories: list[str], message: str) -> None:
    family = make_family(profile)
    with pytest.raises(ValidationError) as caught:
        _review(family, outcome=ReviewOutcome.CHANGE_CATEGORY, categories=categories)
    assert message in caught.value.message_dict["categories"][0]
    assert not PlanReview.objects.exists()


# ---- Ending at a review ------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["staffordshire", "national"])
def test_ending_at_a_review_takes_effect_at_once(
    profile: str, ended_calls: list[ChildProtectionPlan]
) -> None:
    family = make_family(profile, categories=["physical"])
    add_action(family.plan, "Attend the parenting course", status=ActionStatus.IN_PROGRESS)
    add_action(family.plan, "Register with a dentist", status=ActionStatus.DONE)
    conference = family.review()
    review = _end(family, conference, dissent="The school thought the plan should continue.")
    family.plan.refresh_from_db()
    assert family.plan.status == PlanStatus.ENDED
    assert family.plan.end_date == date(2027, 3, 1)
    assert family.plan.ended_at_conference == conference
    assert family.plan.ending_reason == EndingReason.NO_LONGER_AT_RISK
    # R-PL-5: dissent and incomplete actions recorded.
    assert review.dissent == "The school thought the plan should continue."
    assert [row["what"] for row in review.incomplete_actions] == ["Attend the parenting course"]
    # R-AF-3: health and education are told.
    assert [plan.pk for plan in ended_calls] == [family.plan.pk]
    assert not ChildInNeedPlan.objects.exists()


@pytest.mark.parametrize("profile", PROFILES)
def test_ending_without_a_reason_is_refused(profile: str, ended_calls: list[ChildProtectionPlan]) -> None:
    family = make_family(profile, categories=["physical"])
    with pytest.raises(ValidationError) as caught:
        _end(family, ending_reason="")
    assert caught.value.message_dict["ending_reason"] == ["Select why the plan is ending"]
    family.plan.refresh_from_db()
    assert family.plan.status == PlanStatus.ACTIVE
    assert not PlanReview.objects.exists()
    assert ended_calls == []


def test_staffordshire_neglect_cannot_end_at_the_first_review(ended_calls: list[ChildProtectionPlan]) -> None:
    family = make_family("staffordshire", categories=["neglect"])
    with pytest.raises(ValidationError) as caught:
        _end(family)
    assert caught.value.message_dict["outcome"] == [NEGLECT_FIRST_REVIEW_MESSAGE]
    family.plan.refresh_from_db()
    assert (family.plan.status, family.plan.version) == (PlanStatus.ACTIVE, 1)
    assert not PlanReview.objects.exists()
    assert ended_calls == []


def test_staffordshire_neglect_may_end_at_the_first_review_when_the_chair_records_the_child_left() -> None:
    family = make_family("staffordshire", categories=["neglect"])
    review = _end(family, child_left_household=True)
    family.plan.refresh_from_db()
    assert family.plan.status == PlanStatus.ENDED
    assert review.child_left_household


def test_staffordshire_neglect_may_end_when_the_household_no_longer_includes_the_child() -> None:
    family = make_family("staffordshire", categories=["neglect"])
    family.household.children.remove(family.child)
    _end(family)
    family.plan.refresh_from_db()
    assert family.plan.status == PlanStatus.ENDED


def test_staffordshire_neglect_may_end_at_the_second_review() -> None:
    family = make_family("staffordshire", categories=["neglect"])
    _review(family, family.review(date(2027, 3, 1)))
    family.plan.refresh_from_db()
    review = _end(family, family.review(date(2027, 3, 12)))
    assert not review.first_review
    family.plan.refresh_from_db()
    assert family.plan.status == PlanStatus.ENDED


@pytest.mark.parametrize("profile", ["medway", "national"])
def test_other_policies_let_neglect_end_at_the_first_review(profile: str) -> None:
    family = make_family(profile, categories=["neglect"])
    _end(family)
    family.plan.refresh_from_db()
    assert family.plan.status in {PlanStatus.ENDED, PlanStatus.ENDING_AWAITS_APPROVAL}


def test_medway_ending_waits_for_the_assistant_directors_approval(
    ended_calls: list[ChildProtectionPlan],
) -> None:
    family = make_family("medway", categories=["emotional"])
    review = _end(
        family,
        step_down=True,
        step_down_needs="Help with routines",
        step_down_family_consent_on=date(2027, 3, 1),
    )
    family.plan.refresh_from_db()
    assert family.plan.status == PlanStatus.ENDING_AWAITS_APPROVAL
    assert family.plan.end_date is None
    assert review.awaits_approval_by == "Assistant Director for Children's Care"
    assert ended_calls == [] and not ChildInNeedPlan.objects.exists()
    # Nothing else can be recorded at another review while it waits.
    with pytest.raises(ValidationError) as caught:
        _review(family, family.review(date(2027, 3, 10)))
    assert "waiting for approval" in caught.value.message_dict["outcome"][0]
    # The approval makes it take effect, on its own day.
    with pytest.raises(ValidationError) as refused:
        ending_approval_record(
            plan=family.plan,
            approved_by="",
            approved_on=None,
            expected_version=family.plan.version,
            acting_user=None,
        )
    assert set(refused.value.message_dict) == {"approved_by", "approved_on"}
    with pytest.raises(ValidationError) as early:
        ending_approval_record(
            plan=family.plan,
            approved_by="Perpetua Quarles",
            approved_on=date(2027, 2, 28),
            expected_version=family.plan.version,
            acting_user=None,
        )
    assert "cannot be before the review" in early.value.message_dict["approved_on"][0]
    with pytest.raises(StaleEditError):
        ending_approval_record(
            plan=family.plan,
            approved_by="Perpetua Quarles",
            approved_on=date(2027, 3, 8),
            expected_version=1,
            acting_user=None,
        )
    ending_approval_record(
        plan=family.plan,
        approved_by="Perpetua Quarles",
        approved_on=date(2027, 3, 8),
        expected_version=family.plan.version,
        acting_user=family.team_manager.user,
    )
    family.plan.refresh_from_db()
    assert family.plan.status == PlanStatus.ENDED
    assert (family.plan.end_date, family.plan.ending_approved_by) == (date(2027, 3, 8), "Perpetua Quarles")
    assert [plan.pk for plan in ended_calls] == [family.plan.pk]
    step_down = ChildInNeedPlan.objects.get()
    assert (step_down.stepped_down_from, step_down.start_date) == (family.plan, date(2027, 3, 8))


def test_approval_is_refused_for_a_plan_not_waiting_for_it() -> None:
    family = make_family("national")
    with pytest.raises(ValidationError) as caught:
        ending_approval_record(
            plan=family.plan,
            approved_by="Perpetua Quarles",
            approved_on=date(2027, 3, 8),
            expected_version=1,
            acting_user=None,
        )
    assert "not waiting for approval" in caught.value.message_dict["approved_by"][0]


def test_step_down_starts_a_child_in_need_plan() -> None:
    family = make_family("national", categories=["physical"])
    _end(
        family,
        step_down=True,
        step_down_needs="Support with school attendance",
        step_down_family_consent_on=date(2027, 2, 20),
    )
    step_down = ChildInNeedPlan.objects.get()
    assert step_down.child == family.child
    assert step_down.lead_professional == family.plan.lead_professional
    assert step_down.needs == "Support with school attendance"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"step_down_needs": ""}, "step_down_needs"),
        ({"step_down_family_consent_on": None}, "step_down_family_consent_on"),
        ({"step_down_family_consent_on": date(2027, 3, 16)}, "step_down_family_consent_on"),
    ],
)
def test_step_down_needs_the_needs_and_the_familys_consent(overrides: dict[str, Any], field: str) -> None:
    family = make_family("national", categories=["physical"])
    values: dict[str, Any] = {
        "step_down": True,
        "step_down_needs": "Support",
        "step_down_family_consent_on": date(2027, 2, 20),
    }
    values.update(overrides)
    with pytest.raises(ValidationError) as caught:
        _end(family, **values)
    assert field in caught.value.message_dict
    family.plan.refresh_from_db()
    assert family.plan.status == PlanStatus.ACTIVE
    assert not ChildInNeedPlan.objects.exists() and not PlanReview.objects.exists()


@pytest.mark.parametrize(
    ("conference_kwargs", "message"),
    [
        ({"conference_type": ConferenceType.INITIAL}, "This is not one"),
        ({"status": ConferenceStatus.SCHEDULED}, "once the conference has been held"),
    ],
)
def test_only_at_a_held_review(conference_kwargs: dict[str, Any], message: str) -> None:
    family = make_family("national")
    conference = family.review(**conference_kwargs)
    with pytest.raises(ValidationError) as caught:
        _end(family, conference)
    assert message in caught.value.message_dict["outcome"][0]


def test_not_for_a_child_the_conference_is_not_about() -> None:
    family = make_family("national")
    other_child = factories.ChildFactory(authority=family.authority)
    conference = family.review(children=[other_child])
    with pytest.raises(ValidationError) as caught:
        _review(family, conference)
    assert "not one of the children" in caught.value.message_dict["outcome"][0]


def test_once_per_conference_and_stale_forms_are_refused() -> None:
    family = make_family("national")
    conference = family.review()
    _review(family, conference)
    family.plan.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        _review(family, conference)
    assert "already been recorded" in caught.value.message_dict["outcome"][0]
    with pytest.raises(StaleEditError):
        _review(family, family.review(date(2027, 3, 5)), expected_version=1)


def test_an_unknown_outcome_is_refused() -> None:
    family = make_family("national")
    with pytest.raises(ValidationError) as caught:
        _review(family, outcome="pause")
    assert "outcome" in caught.value.message_dict


# ---- Ending outside a review (R-PL-5) ---------------------------------------------------------------


def _end_outside(family: Family, **overrides: Any) -> PlanReview:
    values: dict[str, Any] = {
        "plan": family.plan,
        "ending_reason": EndingReason.MOVED_AUTHORITY,
        "ended_on": date(2027, 3, 10),
        "expected_version": family.plan.version,
        "acting_user": family.team_manager.user,
    }
    values.update(overrides)
    return plan_end_outside_review(**values)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("reason", [EndingReason.MOVED_AUTHORITY, EndingReason.DIED, EndingReason.LEFT_UK])
def test_ending_outside_a_review_for_the_allowed_reasons(
    profile: str, reason: str, ended_calls: list[ChildProtectionPlan]
) -> None:
    # Not even Staffordshire's neglect rule nor Medway's approval applies: they are about reviews (R-PL-6).
    family = make_family(profile, categories=["neglect"])
    review = _end_outside(family, ending_reason=reason)
    family.plan.refresh_from_db()
    assert (family.plan.status, family.plan.end_date) == (PlanStatus.ENDED, date(2027, 3, 10))
    assert review.conference is None
    assert len(ended_calls) == 1


@pytest.mark.parametrize("profile", PROFILES)
def test_no_longer_at_risk_only_at_a_review(profile: str) -> None:
    family = make_family(profile)
    with pytest.raises(ValidationError) as caught:
        _end_outside(family, ending_reason=EndingReason.NO_LONGER_AT_RISK)
    assert "only at a review conference" in caught.value.message_dict["ending_reason"][0]
    family.plan.refresh_from_db()
    assert family.plan.status == PlanStatus.ACTIVE


def test_eighteenth_birthday_only_on_or_after_it() -> None:
    family = make_family("national")
    type(family.child).objects.filter(pk=family.child.pk).update(date_of_birth=date(2009, 3, 12))
    family.plan.child.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        _end_outside(family, ending_reason=EndingReason.EIGHTEENTH_BIRTHDAY, ended_on=date(2027, 3, 11))
    assert "12 March 2027" in caught.value.message_dict["ended_on"][0]
    _end_outside(family, ending_reason=EndingReason.EIGHTEENTH_BIRTHDAY, ended_on=date(2027, 3, 12))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ending_reason": ""}, "ending_reason"),
        ({"ending_reason": "bored"}, "ending_reason"),
        ({"ended_on": None}, "ended_on"),
        ({"ended_on": date(2027, 3, 16)}, "ended_on"),
        ({"ended_on": date(2026, 11, 1)}, "ended_on"),
        ({"dissent": "x" * 10001}, "dissent"),
        ({"ending_reason": EndingReason.DIED, "step_down": True, "step_down_needs": "x"}, "step_down"),
    ],
)
def test_ending_outside_a_review_bad_input(
    overrides: dict[str, Any], field: str, ended_calls: list[ChildProtectionPlan]
) -> None:
    family = make_family("national")
    with pytest.raises(ValidationError) as caught:
        _end_outside(family, **overrides)
    assert field in caught.value.message_dict
    family.plan.refresh_from_db()
    assert family.plan.status == PlanStatus.ACTIVE
    assert not PlanReview.objects.exists() and ended_calls == []


def test_an_ending_tells_the_childs_health_and_education_professionals() -> None:
    """R-AF-3, through the plans' own notification: one row per professional told, with the email."""
    family = make_family("national")
    agency = factories.AgencyFactory(authority=family.plan.authority, agency_type=AgencyType.HEALTH)
    health_visitor = factories.ProfessionalFactory(agency=agency, job_title="Health visitor")
    allocation_create(
        child=family.plan.child,
        professional=health_visitor,
        case_role=CaseRole.AGENCY_WORKER,
        start_date=PLAN_START,
    )
    _end_outside(family)
    [told] = PlanNotification.objects.filter(plan=family.plan, event=PlanNotificationEvent.ENDED)
    assert told.professional == health_visitor
    assert told.message is not None


# ---- The 18th birthday flag (R-PL-5) -----------------------------------------------------------------


def test_the_attention_day_is_three_months_before_the_18th_birthday() -> None:
    child = factories.ChildFactory.build(date_of_birth=date(2009, 5, 31))
    assert deadlines.eighteenth_birthday(child) == date(2027, 5, 31)
    assert deadlines.eighteen_attention_on(child) == date(2027, 2, 28)
    assert deadlines.eighteen_attention_on(factories.ChildFactory.build(date_of_birth=None)) is None


@pytest.mark.parametrize(
    "today", [date(2027, 2, 28), date(2027, 3, 15), date(2028, 2, 29), date(2027, 1, 30), date(2027, 12, 31)]
)
def test_the_latest_date_of_birth_for_attention_is_exact(today: date) -> None:
    latest = deadlines.born_on_or_before_for_attention(today)
    from datetime import timedelta

    for offset in range(-5, 6):
        born = latest + timedelta(days=offset)
        flagged = deadlines.eighteen_attention_on(factories.ChildFactory.build(date_of_birth=born))
        assert flagged is not None
        assert (flagged <= today) == (born <= latest), (today, born)
