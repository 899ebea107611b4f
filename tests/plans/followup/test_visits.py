"""Statutory visits (R-PL-4): the record, the next visit from the clock, future visits refused."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cpconf.people.models import Professional
from cpconf.plans.models import ChildProtectionPlan, Visit
from cpconf.plans.services.visits import visit_record
from tests import factories
from tests.plans.followup.conftest import Family, make_family

pytestmark = pytest.mark.django_db


def _visit(family: Family, **overrides: Any) -> Visit:
    values: dict[str, Any] = {
        "plan": family.plan,
        "visited_on": date(2027, 3, 10),
        "visited_by": family.social_worker,
        "seen_alone": True,
        "seen_with_family": True,
        "unannounced": False,
        "acting_user": family.social_worker.user,
    }
    values.update(overrides)
    return visit_record(**values)


def test_staffordshire_next_visit_within_three_weeks(family: Family) -> None:
    visit = _visit(family, unannounced=True, notes="Elspeth showed me her room.")
    family.plan.refresh_from_db()
    assert family.plan.next_visit_due == date(2027, 3, 31)
    assert visit.unannounced and visit.seen_alone


def test_the_conference_may_set_more_frequent_visits() -> None:
    family = make_family("staffordshire", visit_interval_days=10, unannounced_visits_required=True)
    _visit(family)
    family.plan.refresh_from_db()
    assert family.plan.next_visit_due == date(2027, 3, 20)


def test_a_longer_interval_does_not_loosen_the_minimum() -> None:
    family = make_family("staffordshire", visit_interval_days=40)
    _visit(family)
    family.plan.refresh_from_db()
    assert family.plan.next_visit_due == date(2027, 3, 31)


def test_national_uses_the_plans_interval_or_none() -> None:
    with_interval = make_family("national", visit_interval_days=14)
    _visit(with_interval)
    with_interval.plan.refresh_from_db()
    assert with_interval.plan.next_visit_due == date(2027, 3, 24)
    without = make_family("national")
    _visit(without)
    without.plan.refresh_from_db()
    assert without.plan.next_visit_due is None  # no interval set: never listed as overdue


def test_an_earlier_visit_recorded_late_does_not_move_the_due_date_back(family: Family) -> None:
    _visit(family, visited_on=date(2027, 3, 10))
    _visit(family, visited_on=date(2027, 3, 1))
    family.plan.refresh_from_db()
    assert family.plan.next_visit_due == date(2027, 3, 31)


def _other_authority_professional() -> Professional:
    return factories.ProfessionalFactory()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"visited_on": date(2027, 3, 16)}, "visited_on", "today or in the past"),
        ({"visited_on": None}, "visited_on", "Enter the date of the visit"),
        ({"visited_on": date(2026, 11, 1)}, "visited_on", "on or after the plan started"),
        ({"visited_by": None}, "visited_by", "Select who visited"),
        ({"seen_alone": None}, "seen_alone", "seen alone"),
        ({"seen_with_family": None}, "seen_with_family", "with their family"),
        ({"notes": "x" * 10001}, "notes", "10000 characters"),
    ],
)
def test_bad_input_is_refused(family: Family, overrides: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _visit(family, **overrides)
    assert message in caught.value.message_dict[field][0]
    assert not Visit.objects.exists()
    family.plan.refresh_from_db()
    assert family.plan.next_visit_due is None


def test_a_visitor_from_another_authority_is_refused(family: Family) -> None:
    with pytest.raises(ValidationError) as caught:
        _visit(family, visited_by=_other_authority_professional())
    assert "works for this child's authority" in caught.value.message_dict["visited_by"][0]


def test_no_visit_for_an_ended_plan(family: Family) -> None:
    ChildProtectionPlan.objects.filter(pk=family.plan.pk).update(status="ended", ending_reason="died")
    with pytest.raises(ValidationError) as caught:
        _visit(family)
    assert "has ended" in caught.value.message_dict["visited_on"][0]
