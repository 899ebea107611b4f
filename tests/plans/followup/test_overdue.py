"""The overdue lists (R-PL-3, R-PL-4, R-PL-5): one query each whatever the number of plans, scoped to the
children the person may see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from cpconf.access.models import AccessEntry
from cpconf.people.models import Role
from cpconf.plans.models import ChildProtectionPlan, CoreGroupMeeting, PlanStatus
from cpconf.plans.selectors import overdue
from tests import factories
from tests.plans.followup.conftest import TODAY, Family, make_family, make_plan

pytestmark = pytest.mark.django_db

Selector = Callable[[Any, date], QuerySet[Any]]


def _meeting(plan: ChildProtectionPlan, **fields: Any) -> CoreGroupMeeting:
    values: dict[str, Any] = {
        "plan": plan,
        "held_on": date(2027, 2, 1),
        "chaired_by": "Berenice Stowell",
        "decisions": "Carry on.",
        "recorded_at": "2027-02-01T12:00:00Z",
        "record_due": date(2027, 2, 15),
    }
    values.update(fields)
    return CoreGroupMeeting.objects.create(**values)


def _add_plans(family: Family, count: int) -> None:
    for _ in range(count):
        plan = make_plan(
            family.authority,
            next_core_group_due=date(2027, 3, 1),
            next_visit_due=date(2027, 3, 1),
            child=factories.ChildFactory(authority=family.authority, date_of_birth=date(2009, 5, 1)),
        )
        _meeting(plan)


def test_each_list_shows_what_is_due_before_today(family: Family) -> None:
    plan = family.plan
    ChildProtectionPlan.objects.filter(pk=plan.pk).update(
        first_core_group_due=date(2026, 12, 15), next_core_group_due=None, next_visit_due=TODAY
    )
    user = family.team_manager.user
    # The first core group, never held, is overdue; a visit due today is not yet.
    assert list(overdue.overdue_core_groups(user, TODAY)) == [plan]
    assert list(overdue.overdue_visits(user, TODAY)) == []
    ChildProtectionPlan.objects.filter(pk=plan.pk).update(
        next_core_group_due=TODAY, next_visit_due=date(2027, 3, 14)
    )
    assert list(overdue.overdue_core_groups(user, TODAY)) == []
    assert list(overdue.overdue_visits(user, TODAY)) == [plan]
    late = _meeting(plan)
    _meeting(plan, record_circulated_on=date(2027, 2, 20))  # circulated late: no longer outstanding
    _meeting(plan, record_due=None)  # no time set by the policy: never late
    _meeting(plan, record_due=TODAY)
    assert list(overdue.late_core_group_records(user, TODAY)) == [late]


def test_ended_plans_are_not_listed_but_one_waiting_for_approval_is(family: Family) -> None:
    user = family.team_manager.user
    ChildProtectionPlan.objects.filter(pk=family.plan.pk).update(
        next_core_group_due=date(2027, 3, 1),
        status=PlanStatus.ENDING_AWAITS_APPROVAL,
        ending_reason="left_uk",
    )
    assert list(overdue.overdue_core_groups(user, TODAY)) == [family.plan]
    ChildProtectionPlan.objects.filter(pk=family.plan.pk).update(status=PlanStatus.ENDED)
    assert list(overdue.overdue_core_groups(user, TODAY)) == []


def test_plans_nearing_the_18th_birthday(family: Family) -> None:
    user = family.team_manager.user
    assert list(overdue.nearing_eighteen(user, TODAY)) == []
    # 18 on 15 June 2027: flagged from 15 March 2027, today.
    type(family.child).objects.filter(pk=family.child.pk).update(date_of_birth=date(2009, 6, 15))
    assert list(overdue.nearing_eighteen(user, TODAY)) == [family.plan]
    type(family.child).objects.filter(pk=family.child.pk).update(date_of_birth=date(2009, 6, 16))
    assert list(overdue.nearing_eighteen(user, TODAY)) == []


@pytest.mark.parametrize(
    "selector",
    [
        overdue.overdue_core_groups,
        overdue.overdue_visits,
        overdue.late_core_group_records,
        overdue.nearing_eighteen,
    ],
)
def test_another_authoritys_plans_are_never_listed(family: Family, selector: Selector) -> None:
    elsewhere = make_family(first_core_group_due=None)
    _add_plans(elsewhere, 2)
    seen = [getattr(row, "plan", row) for row in selector(family.team_manager.user, TODAY)]
    assert all(plan.authority_id == family.authority.pk for plan in seen)
    assert len(list(selector(elsewhere.team_manager.user, TODAY))) == 2


@pytest.mark.parametrize(
    "selector",
    [
        overdue.overdue_core_groups,
        overdue.overdue_visits,
        overdue.late_core_group_records,
        overdue.nearing_eighteen,
    ],
)
def test_one_query_whatever_the_number_of_plans(
    family: Family, selector: Selector, django_assert_num_queries: Any
) -> None:
    user = family.team_manager.user
    # The list is one query (who the person is, their record and roles, was asked once already and is
    # kept on the user for the request).
    for size in (2, 12):
        _add_plans(family, size - len(list(selector(user, TODAY))))
        with django_assert_num_queries(1):
            rows = list(selector(user, TODAY)[:50])
            for row in rows:
                plan = getattr(row, "plan", row)
                str(plan.child.full_name)
                if isinstance(row, ChildProtectionPlan):
                    str(row.lead_professional)
        assert len(rows) == size


def test_the_lists_are_for_social_care_and_logged_once(family: Family) -> None:
    before = AccessEntry.objects.count()
    overdue.check_lists_allowed(family.team_manager.user)
    assert AccessEntry.objects.count() == before + 1
    health_visitor = factories.ProfessionalFactory(
        agency__authority=family.authority, agency__agency_type="health", roles=[Role.AGENCY_PROFESSIONAL]
    )
    with pytest.raises(PermissionDenied):
        overdue.check_lists_allowed(health_visitor.user)
    assert AccessEntry.objects.filter(allowed=False).count() == 1


@pytest.mark.parametrize(
    "name", ["overdue-core-groups", "overdue-visits", "overdue-records", "overdue-eighteen"]
)
def test_each_list_page_costs_the_same_whatever_the_number_of_plans(family: Family, name: str) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(family.team_manager.user)
    client.get(reverse(f"followup:{name}"))  # the first request of a session does more (the log's start)
    counts = []
    for size in (2, 12):
        _add_plans(family, size - (len(counts) and 2))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(f"followup:{name}"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
