"""Reviews and endings of child protection plans (R-CT-2, R-PL-5 to R-PL-7, R-AF-3).

At a held review conference (a review, a review combined with a looked-after child review, or a
transfer-in conference, whose plan the receiving authority then reviews), the chair records for each
child with an open plan one of: continue it (the next review is then due by
``cpconf.conferences.deadlines.review_due``), continue it under a different category, or end it with a
reason. Outside a review a plan ends only on transfer out, the 18th birthday, death or leaving the UK
(R-PL-5).

Refusals (each keyed by the form's field):

* an ending with no reason (R-PL-5);
* an ending at a review conference that has not been held, or at one of another kind;
* Staffordshire (``Policy.ending_under_neglect_at_first_review``): a plan under neglect cannot end at its
  **first** review unless the child no longer lives in the household (R-PL-6). The child has left if they
  are no longer one of the children of the household the plan's conference was about
  (``people.Household``), or if the chair records it as a fact they checked (``child_left_household``).
  The first review is the plan's first review outcome recorded at a conference;
* Medway (``Policy.ending_plan_at_review``): an ending at a review is recorded but takes effect only when
  the Assistant Director's approval is recorded (status "Ending: waiting for approval", then
  ``ending_approval_record``). Endings outside a review need no approval.
* outside a review: "no longer at risk" (that is the conference's decision), and the 18th birthday before
  the child is 18.

On every ending that takes effect: the actions not done and the dissent are recorded (R-PL-5), health
and education are told (R-AF-3, the ``_plan_ended`` hook below), and, when asked, a child in need plan
starts (R-PL-7, ``child_in_need_step_down``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from cpconf import clock as today_clock
from cpconf.access.log import audit_snapshot
from cpconf.clock import date_in_words
from cpconf.conferences import deadlines
from cpconf.conferences.models import Category, Conference, ConferenceStatus, ConferenceType
from cpconf.people.models import User
from cpconf.people.selectors import working_calendar_for
from cpconf.plans import deadlines as plan_deadlines
from cpconf.plans.models import (
    ActionStatus,
    ChildProtectionPlan,
    EndingReason,
    PlanReview,
    PlanStatus,
    ReviewOutcome,
)
from cpconf.plans.services.child_in_need import child_in_need_step_down
from cpconf.plans.services.followup_common import check_version, field_errors, save_audited
from cpconf.plans.services.plans import notify_plan_ended
from cpconf.timescales import CategoriesMode

#: The conferences at which a plan is reviewed (R-CT-2, R-CT-4, R-CT-5).
REVIEW_TYPES = frozenset({ConferenceType.REVIEW, ConferenceType.DUAL_PROCESS, ConferenceType.TRANSFER_IN})
#: R-PL-5: the only reasons a plan may end outside a review conference.
OUTSIDE_REVIEW_REASONS = (
    EndingReason.MOVED_AUTHORITY,
    EndingReason.EIGHTEENTH_BIRTHDAY,
    EndingReason.DIED,
    EndingReason.LEFT_UK,
)
TEXT_MAX_LENGTH = 10000
APPROVER_MAX_LENGTH = 200  # ChildProtectionPlan.ending_approved_by

NEGLECT_FIRST_REVIEW_MESSAGE = (
    "A plan under the category of neglect cannot end at its first review (R-PL-6), unless the child no "
    "longer lives in the household. If the child has left the household, say so and try again."
)


# ---- Reads the services and pages share -------------------------------------------------------------


def is_review_conference(conference: Conference) -> bool:
    return conference.conference_type in REVIEW_TYPES


def review_closed(conference: Conference) -> str:
    """Why no review outcome can be recorded at ``conference``, or ""."""
    if not is_review_conference(conference):
        return "Plans are reviewed, and ended, at a review conference. This is not one."
    if conference.status != ConferenceStatus.HELD:
        return "Record what the review decided for each plan once the conference has been held."
    return ""


def is_first_review(plan: ChildProtectionPlan) -> bool:
    """R-PL-6: no review outcome has been recorded for the plan at a conference yet."""
    return not plan.reviews.filter(conference__isnull=False).exists()


def child_lives_in_household(plan: ChildProtectionPlan) -> bool:
    """Whether the child is still one of the children of the household the plan's conference was about
    (True when that conference named no household: nothing shows they have left)."""
    household = plan.decision.conference.household
    if household is None:
        return True
    return household.children.filter(pk=plan.child_id).exists()


def incomplete_actions(plan: ChildProtectionPlan) -> list[dict[str, str]]:
    """R-PL-5: the plan's actions not done, as recorded on its ending."""
    return [
        {
            "action": str(action.public_id),
            "what": action.what,
            "owner": action.owner_name,
            "status": action.status,
        }
        for action in plan.actions.exclude(status=ActionStatus.DONE).order_by("due_on", "pk")
    ]


def _locked_plan(plan: ChildProtectionPlan) -> ChildProtectionPlan:
    return (
        ChildProtectionPlan.objects.select_for_update(of=("self",))
        .select_related("authority", "child", "decision__conference__household", "lead_professional")
        .get(pk=plan.pk)
    )


def _check_text(errors: dict[str, list[str]], field: str, value: str, what: str) -> str:
    value = value.strip()
    if len(value) > TEXT_MAX_LENGTH:
        errors[field] = [f"{what} must be {TEXT_MAX_LENGTH} characters or fewer"]
    return value


def _check_step_down(
    errors: dict[str, list[str]], step_down: bool, needs: str, consent_on: date | None, reason: str
) -> str:
    needs = _check_text(errors, "step_down_needs", needs, "The child's needs")
    if not step_down:
        return needs
    if reason == EndingReason.DIED:
        errors["step_down"] = ["A child in need plan cannot start for a child who has died"]
        return needs
    if not needs:
        errors["step_down_needs"] = ["Enter the needs the child in need plan will meet"]
    if consent_on is None:
        errors["step_down_family_consent_on"] = [
            "Enter the date the family agreed to a child in need plan (a child in need plan needs their consent)"
        ]
    elif consent_on > today_clock.today():
        errors["step_down_family_consent_on"] = ["The date the family agreed must be today or in the past"]
    return needs


def _take_effect(
    plan: ChildProtectionPlan, review: PlanReview, ended_on: date, acting_user: User | None, reason: str
) -> None:
    """The ending takes effect: the plan is ended, health and education are told, and the step-down."""
    before = audit_snapshot(plan)
    plan.status = PlanStatus.ENDED
    plan.end_date = ended_on
    save_audited(plan, before, acting_user, reason=reason)
    # R-AF-3: health and education are told that the child is no longer subject to a plan.
    notify_plan_ended(plan, acting_user=acting_user)
    if review.step_down:
        # R-PL-7: support steps down to a child in need plan, with the family's consent (checked above).
        child_in_need_step_down(
            plan,
            family_consent_on=review.step_down_family_consent_on,
            needs=review.step_down_needs,
            acting_user=acting_user,
        )


# ---- At a review conference ---------------------------------------------------------------------------


def open_plans_at(conference: Conference) -> list[ChildProtectionPlan]:
    """The plans still open of the children the conference is about."""
    return list(
        ChildProtectionPlan.objects.filter(
            child__conference_children__conference=conference, authority_id=conference.authority_id
        )
        .exclude(status=PlanStatus.ENDED)
        .select_related("child")
        .order_by("child__date_of_birth", "pk")
    )


@transaction.atomic
def review_outcome_record(
    *,
    conference: Conference,
    plan: ChildProtectionPlan,
    outcome: str,
    categories: Sequence[str] = (),
    ending_reason: str = "",
    ending_details: str = "",
    dissent: str = "",
    child_left_household: bool = False,
    step_down: bool = False,
    step_down_needs: str = "",
    step_down_family_consent_on: date | None = None,
    expected_version: int | None,
    acting_user: User | None,
) -> PlanReview:
    """Record what a held review conference decided for ``plan`` (R-CT-2, R-PL-5, R-PL-6, R-PL-7)."""
    plan = _locked_plan(plan)
    conference = Conference.objects.select_related("authority").get(pk=conference.pk)
    errors: dict[str, list[str]] = {}
    closed = review_closed(conference)
    if closed:
        field_errors({"outcome": [closed]})
    if (
        plan.authority_id != conference.authority_id
        or not conference.children.filter(pk=plan.child_id).exists()
    ):
        field_errors({"outcome": ["This plan's child is not one of the children this conference is about"]})
    if plan.status == PlanStatus.ENDING_AWAITS_APPROVAL:
        field_errors({"outcome": ["This plan's ending is waiting for approval: record the approval instead"]})
    if plan.status == PlanStatus.ENDED:
        field_errors({"outcome": ["This child protection plan has already ended"]})
    if plan.reviews.filter(conference=conference).exists():
        field_errors({"outcome": ["What this conference decided for this plan has already been recorded"]})
    check_version(plan, expected_version, "this child protection plan")
    held_on = conference.held_on
    if held_on is None:  # checked above
        raise RuntimeError("unreachable: checked above")
    policy = deadlines.policy_on(conference.authority, held_on)
    first = is_first_review(plan)
    dissent = _check_text(errors, "dissent", dissent, "The dissenting views")
    ending_details = _check_text(errors, "ending_details", ending_details, "The details of the ending")

    review = PlanReview(
        plan=plan,
        conference=conference,
        outcome=outcome,
        first_review=first,
        categories_before=list(plan.categories),
        categories_after=list(plan.categories),
        dissent=dissent,
        recorded_by=acting_user,
        recorded_at=today_clock.now(),
    )
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = ["Select what the conference decided for this plan"]
    elif outcome in {ReviewOutcome.CONTINUE, ReviewOutcome.CHANGE_CATEGORY}:
        if outcome == ReviewOutcome.CHANGE_CATEGORY:
            chosen = [value for value in Category.values if value in set(categories)]
            if set(categories) - set(Category.values):
                errors["categories"] = ["Choose categories from the list"]
            elif not chosen:
                errors["categories"] = ["Select the category the plan continues under"]
            elif policy.categories == CategoriesMode.SINGLE and len(chosen) > 1:
                errors["categories"] = [
                    "Select one category: your authority records the primary concern only (R-DE-4)"
                ]
            elif sorted(chosen) == sorted(plan.categories):
                errors["categories"] = ["Select a category different from the plan's, or continue the plan"]
            review.categories_after = chosen
        review.next_review_due = deadlines.review_due(
            conference.authority, working_calendar_for(conference.authority), previous=conference
        ).due_date
    else:  # ending
        if ending_reason not in EndingReason.values:
            errors["ending_reason"] = ["Select why the plan is ending"]
        rule = policy.ending_under_neglect_at_first_review
        if (
            not errors.get("ending_reason")
            and rule is not None
            and not rule.allowed
            and first
            and Category.NEGLECT in plan.categories
            and not (
                rule.unless_child_left_household
                and (child_left_household or not child_lives_in_household(plan))
            )
        ):
            errors["outcome"] = [NEGLECT_FIRST_REVIEW_MESSAGE]
        step_down_needs = _check_step_down(
            errors, step_down, step_down_needs, step_down_family_consent_on, ending_reason
        )
        review.ending_reason = ending_reason
        review.ending_details = ending_details
        review.child_left_household = child_left_household
        review.incomplete_actions = incomplete_actions(plan)
        review.step_down = step_down
        review.step_down_needs = step_down_needs if step_down else ""
        review.step_down_family_consent_on = step_down_family_consent_on if step_down else None
        approval = policy.ending_plan_at_review
        review.awaits_approval_by = approval.reviewed_by if approval is not None else ""
    field_errors(errors)

    save_audited(review, None, acting_user, bump=False)
    before = audit_snapshot(plan)
    if outcome == ReviewOutcome.END:
        plan.ended_at_conference = conference
        plan.ending_reason = ending_reason
        plan.ending_details = ending_details
        if review.awaits_approval_by:
            # R-PL-6 (Medway): the ending waits for the senior manager's approval.
            plan.status = PlanStatus.ENDING_AWAITS_APPROVAL
            save_audited(plan, before, acting_user, reason="Ending at review: waiting for approval (R-PL-6)")
        else:
            save_audited(plan, before, acting_user, reason="Ended at review (R-PL-5)", bump=False)
            _take_effect(plan, review, held_on, acting_user, "Ended at review (R-PL-5)")
    else:
        plan.categories = review.categories_after
        plan.next_review_due = review.next_review_due
        save_audited(plan, before, acting_user, reason=f"Review on {date_in_words(held_on)} (R-CT-2)")
    return review


@transaction.atomic
def ending_approval_record(
    *,
    plan: ChildProtectionPlan,
    approved_by: str,
    approved_on: date | None,
    expected_version: int | None,
    acting_user: User | None,
) -> ChildProtectionPlan:
    """R-PL-6 (Medway): record the senior manager's approval of an ending decided at a review; the ending
    takes effect on the day of the approval."""
    plan = _locked_plan(plan)
    if plan.status != PlanStatus.ENDING_AWAITS_APPROVAL:
        field_errors({"approved_by": ["This plan's ending is not waiting for approval"]})
    check_version(plan, expected_version, "this child protection plan")
    review = (
        plan.reviews.filter(outcome=ReviewOutcome.END)
        .select_related("conference")
        .order_by("-recorded_at", "-pk")
        .first()
    )
    if not (review is not None and review.conference is not None):  # checked above
        raise RuntimeError("unreachable: checked above")
    errors: dict[str, list[str]] = {}
    approved_by = approved_by.strip()
    if not approved_by:
        errors["approved_by"] = [
            f"Enter the name of the {review.awaits_approval_by or 'person'} who approved the ending"
        ]
    elif len(approved_by) > APPROVER_MAX_LENGTH:
        errors["approved_by"] = [f"The name must be {APPROVER_MAX_LENGTH} characters or fewer"]
    held_on = review.conference.held_on
    if approved_on is None:
        errors["approved_on"] = ["Enter the date the ending was approved"]
    elif approved_on > today_clock.today():
        errors["approved_on"] = ["The date of the approval must be today or in the past"]
    elif held_on is not None and approved_on < held_on:
        errors["approved_on"] = [f"The approval cannot be before the review on {date_in_words(held_on)}"]
    field_errors(errors)
    if approved_on is None:  # checked above
        raise RuntimeError("unreachable: checked above")
    before = audit_snapshot(plan)
    plan.ending_approved_by = approved_by
    plan.ending_approved_on = approved_on
    save_audited(plan, before, acting_user, reason="Ending approved (R-PL-6)", bump=False)
    _take_effect(plan, review, approved_on, acting_user, "Ending approved (R-PL-6)")
    return plan


# ---- Outside a review ----------------------------------------------------------------------------------


@transaction.atomic
def plan_end_outside_review(
    *,
    plan: ChildProtectionPlan,
    ending_reason: str,
    ended_on: date | None,
    ending_details: str = "",
    dissent: str = "",
    step_down: bool = False,
    step_down_needs: str = "",
    step_down_family_consent_on: date | None = None,
    expected_version: int | None,
    acting_user: User | None,
) -> PlanReview:
    """End ``plan`` outside a review conference: only on transfer out, the 18th birthday, death or leaving
    the UK (R-PL-5)."""
    plan = _locked_plan(plan)
    if plan.status == PlanStatus.ENDED:
        field_errors({"ending_reason": ["This child protection plan has already ended"]})
    if plan.status == PlanStatus.ENDING_AWAITS_APPROVAL:
        field_errors(
            {"ending_reason": ["This plan's ending is waiting for approval: record the approval instead"]}
        )
    check_version(plan, expected_version, "this child protection plan")
    errors: dict[str, list[str]] = {}
    if not ending_reason:
        errors["ending_reason"] = ["Select why the plan is ending"]
    elif ending_reason == EndingReason.NO_LONGER_AT_RISK:
        errors["ending_reason"] = [
            "A plan ends because the child is no longer likely to suffer significant harm only at a review "
            "conference (R-PL-5)"
        ]
    elif ending_reason not in OUTSIDE_REVIEW_REASONS:
        errors["ending_reason"] = ["Select why the plan is ending"]
    if ended_on is None:
        errors["ended_on"] = ["Enter the date the plan ended"]
    elif ended_on > today_clock.today():
        errors["ended_on"] = ["The date the plan ended must be today or in the past"]
    elif ended_on < plan.start_date:
        errors["ended_on"] = [f"The plan cannot end before it started, {date_in_words(plan.start_date)}"]
    elif ending_reason == EndingReason.EIGHTEENTH_BIRTHDAY:
        birthday = plan_deadlines.eighteenth_birthday(plan.child)
        if birthday is None or ended_on < birthday:
            errors["ended_on"] = [
                "The plan can end for the 18th birthday only on or after it"
                + (f", {date_in_words(birthday)}" if birthday else "")
            ]
    dissent = _check_text(errors, "dissent", dissent, "The dissenting views")
    ending_details = _check_text(errors, "ending_details", ending_details, "The details of the ending")
    step_down_needs = _check_step_down(
        errors, step_down, step_down_needs, step_down_family_consent_on, ending_reason
    )
    field_errors(errors)
    if ended_on is None:  # checked above
        raise RuntimeError("unreachable: checked above")
    review = PlanReview(
        plan=plan,
        conference=None,
        outcome=ReviewOutcome.END,
        categories_before=list(plan.categories),
        categories_after=list(plan.categories),
        ending_reason=ending_reason,
        ending_details=ending_details,
        dissent=dissent,
        incomplete_actions=incomplete_actions(plan),
        step_down=step_down,
        step_down_needs=step_down_needs if step_down else "",
        step_down_family_consent_on=step_down_family_consent_on if step_down else None,
        recorded_by=acting_user,
        recorded_at=today_clock.now(),
    )
    save_audited(review, None, acting_user, bump=False)
    before = audit_snapshot(plan)
    plan.ending_reason = ending_reason
    plan.ending_details = ending_details
    save_audited(plan, before, acting_user, reason="Ended outside a review (R-PL-5)", bump=False)
    _take_effect(plan, review, ended_on, acting_user, "Ended outside a review (R-PL-5)")
    return review
