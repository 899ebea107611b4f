"""Child in need plans (section 17): when a conference makes no child protection plan but the child's needs
remain and the family consents (R-DE-6), and when a child protection plan ends and support steps down
(R-PL-7). A child in need plan closes only with multi-agency consensus (R-PL-7).

Each function runs in one transaction, checks everything before it writes, raises ``ValidationError`` keyed
by the form's field names, and writes its audit history.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from cpconf import clock
from cpconf.access.log import audit_record, audit_snapshot
from cpconf.clock import date_in_words
from cpconf.conferences.models import ChildDecision, Recommendation
from cpconf.conferences.services.scheduling import StaleEditError
from cpconf.people.models import Child, Professional, User
from cpconf.plans.models import ChildInNeedPlan, ChildInNeedStatus, ChildProtectionPlan, PlanStatus

TEXT_MAX_LENGTH = 10000


def _check(
    *,
    child: Child,
    family_consent_on: date | None,
    lead_professional: Professional | None,
    needs: str,
    not_before: date | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if family_consent_on is None:
        errors["family_consent_on"] = ["Enter the date the family agreed to the child in need plan"]
    elif family_consent_on > clock.today():
        errors["family_consent_on"] = ["The date the family agreed must be today or in the past"]
    elif not_before is not None and family_consent_on < not_before:
        errors["family_consent_on"] = [
            f"The date the family agreed must be on or after {date_in_words(not_before)}"
        ]
    if lead_professional is None:
        errors["lead_professional"] = ["Choose the lead professional"]
    elif not lead_professional.is_active or lead_professional.agency.authority_id != child.authority_id:
        errors["lead_professional"] = ["Choose a lead professional who works for this authority"]
    needs = (needs or "").strip()
    if not needs:
        errors["needs"] = ["Enter the child's needs and the help the family will get"]
    elif len(needs) > TEXT_MAX_LENGTH:
        errors["needs"] = [f"This must be {TEXT_MAX_LENGTH} characters or fewer"]
    if ChildInNeedPlan.objects.filter(child=child, status=ChildInNeedStatus.OPEN).exists():
        errors["__all__"] = [f"{child.full_name} already has an open child in need plan."]
    return errors


def _create(
    *,
    child: Child,
    start_date: date,
    family_consent_on: date,
    lead_professional: Professional,
    needs: str,
    acting_user: User | None,
    decision: ChildDecision | None = None,
    stepped_down_from: ChildProtectionPlan | None = None,
) -> ChildInNeedPlan:
    plan = ChildInNeedPlan(
        authority_id=child.authority_id,
        child=child,
        decision=decision,
        stepped_down_from=stepped_down_from,
        start_date=start_date,
        family_consent_on=family_consent_on,
        lead_professional=lead_professional,
        needs=needs.strip(),
        created_by=acting_user,
    )
    plan.full_clean()
    plan.save()
    audit_record(actor=acting_user, action="create", instance=plan, before=None, after=audit_snapshot(plan))
    return plan


def why_no_child_in_need_plan(decision: ChildDecision) -> str:
    """Why a child in need plan cannot be started from ``decision``, or ""."""
    if decision.outcome != Recommendation.CHILD_IN_NEED:
        return (
            f"The conference decided: {decision.get_outcome_display().lower()}. A child in need plan is "
            "started here only when the conference decides on one."
        )
    if decision.family_consents is False:
        return "The family did not agree to a child in need plan, so one cannot be started (R-DE-6)."
    if decision.child_in_need_plans.exists():
        return "A child in need plan has already been started from this decision."
    return ""


@transaction.atomic
def child_in_need_start(
    *,
    decision: ChildDecision,
    family_consent_on: date | None,
    lead_professional: Professional | None,
    needs: str,
    acting_user: User | None,
) -> ChildInNeedPlan:
    """Start the child in need plan a conference decided on, with the family's consent (R-DE-6)."""
    child = Child.objects.select_for_update().get(pk=decision.child_id)
    decision = ChildDecision.objects.select_related("conference").get(pk=decision.pk)
    reason = why_no_child_in_need_plan(decision)
    if reason:
        raise ValidationError(reason)
    held_on = decision.conference.held_on
    errors = _check(
        child=child,
        family_consent_on=family_consent_on,
        lead_professional=lead_professional,
        needs=needs,
        not_before=None,
    )
    if errors:
        raise ValidationError(errors)
    if family_consent_on is None or lead_professional is None:  # pragma: no cover - _check refused them
        raise ValidationError("Enter the date the family agreed and the lead professional.")
    # It starts at the conference, or when the family agreed if that was later.
    start = family_consent_on if held_on is None or family_consent_on > held_on else held_on
    return _create(
        child=child,
        start_date=start,
        family_consent_on=family_consent_on,
        lead_professional=lead_professional,
        needs=needs,
        decision=decision,
        acting_user=acting_user,
    )


@transaction.atomic
def child_in_need_step_down(
    plan: ChildProtectionPlan,
    *,
    family_consent_on: date | None,
    needs: str,
    lead_professional: Professional | None = None,
    decision: ChildDecision | None = None,
    acting_user: User | None,
) -> ChildInNeedPlan:
    """R-PL-7: when a child protection plan ends, support steps down to a child in need plan, with the
    family's consent. For whoever ends plans (reviews): call it after the plan's ending is recorded
    (``status`` no longer active), in the same transaction. The lead professional stays the plan's unless
    another is named; ``decision`` is the review's decision for the child, if there is one."""
    plan = ChildProtectionPlan.objects.select_related("child", "lead_professional__agency").get(pk=plan.pk)
    if plan.status == PlanStatus.ACTIVE:
        raise ValidationError(
            "Record the end of the child protection plan first, then step down to a child in need plan."
        )
    child = Child.objects.select_for_update().get(pk=plan.child_id)
    lead = lead_professional or plan.lead_professional
    errors = _check(
        child=child, family_consent_on=family_consent_on, lead_professional=lead, needs=needs, not_before=None
    )
    if errors:
        raise ValidationError(errors)
    if family_consent_on is None:  # pragma: no cover - _check refused it
        raise ValidationError(
            {"family_consent_on": ["Enter the date the family agreed to the child in need plan"]}
        )
    start = plan.end_date or clock.today()
    return _create(
        child=child,
        start_date=start,
        family_consent_on=family_consent_on,
        lead_professional=lead,
        needs=needs,
        decision=decision,
        stepped_down_from=plan,
        acting_user=acting_user,
    )


@transaction.atomic
def child_in_need_close(
    *,
    plan: ChildInNeedPlan,
    closing_consensus: str,
    expected_version: int | None,
    acting_user: User | None,
) -> ChildInNeedPlan:
    """Close a child in need plan: only with the agencies' agreement, recorded in words (R-PL-7)."""
    plan = ChildInNeedPlan.objects.select_for_update().get(pk=plan.pk)
    if expected_version is not None and expected_version != plan.version:
        raise StaleEditError(
            "Someone else changed this child in need plan after you opened this page. Your change has not been "
            "saved: check it as it is now, then make your change again."
        )
    if plan.status == ChildInNeedStatus.CLOSED:
        raise ValidationError(
            f"This child in need plan was closed on {date_in_words(plan.closed_on or plan.start_date)}."
        )
    consensus = (closing_consensus or "").strip()
    if not consensus:
        raise ValidationError(
            {"closing_consensus": ["Enter which agencies agreed that the plan can close, and why (R-PL-7)"]}
        )
    if len(consensus) > TEXT_MAX_LENGTH:
        raise ValidationError({"closing_consensus": [f"This must be {TEXT_MAX_LENGTH} characters or fewer"]})
    before = audit_snapshot(plan)
    plan.status = ChildInNeedStatus.CLOSED
    plan.closing_consensus = consensus
    plan.closed_on = clock.today()
    plan.version += 1
    plan.full_clean()
    plan.save()
    audit_record(actor=acting_user, action="change", instance=plan, before=before, after=audit_snapshot(plan))
    return plan
