"""Child in need plans (R-DE-6, R-PL-7): started from a decision with the family's consent, stepped down to
when a child protection plan ends, closed only with multi-agency consensus."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cpconf.conferences.models import Recommendation
from cpconf.conferences.services.scheduling import StaleEditError
from cpconf.plans.models import ChildInNeedPlan, ChildInNeedStatus, ChildProtectionPlan, PlanStatus
from cpconf.plans.services import child_in_need as services
from cpconf.plans.services.plans import plan_make
from tests.plans.conftest import Scene, plan_arguments

pytestmark = pytest.mark.django_db


def _child_in_need_decision(scene: Scene, consents: bool | None = True) -> None:
    decision = scene.decisions["rook"]
    decision.outcome = Recommendation.CHILD_IN_NEED
    decision.categories = []
    decision.family_consents = consents
    decision.save()


def test_started_from_a_child_in_need_decision_with_consent(scene: Scene) -> None:
    """R-DE-6: if no plan, a child in need plan with the family's consent."""
    _child_in_need_decision(scene)
    plan = services.child_in_need_start(
        decision=scene.decisions["rook"],
        family_consent_on=date(2026, 11, 25),
        lead_professional=scene.people["unqualified"],  # any professional of the authority may lead it
        needs="Help with routines and nursery attendance.",
        acting_user=None,
    )
    assert plan.status == ChildInNeedStatus.OPEN
    assert plan.start_date == date(2026, 11, 25)  # the family agreed after the conference


def test_refused_without_the_consent_date_lead_or_needs(scene: Scene) -> None:
    _child_in_need_decision(scene)
    with pytest.raises(ValidationError) as caught:
        services.child_in_need_start(
            decision=scene.decisions["rook"],
            family_consent_on=None,
            lead_professional=None,
            needs=" ",
            acting_user=None,
        )
    assert set(caught.value.message_dict) == {"family_consent_on", "lead_professional", "needs"}
    assert ChildInNeedPlan.objects.count() == 0


def test_refused_when_the_family_did_not_consent_or_the_decision_is_a_plan(scene: Scene) -> None:
    _child_in_need_decision(scene, consents=False)
    with pytest.raises(ValidationError, match="did not agree"):
        services.child_in_need_start(
            decision=scene.decisions["rook"],
            family_consent_on=date(2026, 11, 25),
            lead_professional=scene.people["social_worker"],
            needs="Help.",
            acting_user=None,
        )
    with pytest.raises(ValidationError, match="decided: child protection plan"):
        services.child_in_need_start(
            decision=scene.decisions["linnet"],
            family_consent_on=date(2026, 11, 25),
            lead_professional=scene.people["social_worker"],
            needs="Help.",
            acting_user=None,
        )
    assert ChildInNeedPlan.objects.count() == 0


def test_step_down_when_a_plan_ends_and_close_only_with_consensus(scene: Scene) -> None:
    """R-PL-7: step down to a child in need plan; it closes only with multi-agency consensus."""
    plan = plan_make(**plan_arguments(scene))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="Record the end"):
        services.child_in_need_step_down(
            plan, family_consent_on=date(2026, 11, 26), needs="Help.", acting_user=None
        )
    ChildProtectionPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.ENDED, end_date=date(2026, 11, 26), ending_reason="no_longer_at_risk"
    )
    cin = services.child_in_need_step_down(
        plan, family_consent_on=date(2026, 11, 26), needs="Support with school attendance.", acting_user=None
    )
    assert cin.stepped_down_from == plan
    assert cin.lead_professional == scene.people["social_worker"]
    with pytest.raises(ValidationError) as caught:
        services.child_in_need_close(plan=cin, closing_consensus="  ", expected_version=1, acting_user=None)
    assert "closing_consensus" in caught.value.message_dict
    with pytest.raises(StaleEditError):
        services.child_in_need_close(
            plan=cin, closing_consensus="All agreed.", expected_version=7, acting_user=None
        )
    closed = services.child_in_need_close(
        plan=cin,
        closing_consensus="Health, school and social care agreed on 26 November 2026 that support can end.",
        expected_version=1,
        acting_user=None,
    )
    assert closed.status == ChildInNeedStatus.CLOSED
    assert closed.closed_on == date(2026, 11, 26)
