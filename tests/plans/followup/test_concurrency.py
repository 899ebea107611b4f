"""Optimistic locking under truly concurrent saves (issue 3, item 10): two people, each with their own
database connection, save from forms that showed the same version; exactly one change is kept, and the
other is refused, never saved over it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from cpconf.plans.models import ActionStatus, PlanAction, PlanReview, PlanStatus
from cpconf.plans.services.core_groups import ActionUpdate, core_group_meeting_record
from cpconf.plans.services.followup_common import StaleEditError
from cpconf.plans.services.reviews import review_outcome_record
from tests.plans.followup.conftest import add_action, make_family

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: SQLite's in-memory test database is not shared between threads",
    ),
]


def _race(work: Callable[[int], object]) -> list[BaseException | None]:
    start = threading.Barrier(2)
    results: list[BaseException | None] = [None, None]

    def run(index: int) -> None:
        try:
            start.wait()
            work(index)
        except BaseException as error:  # reported in the test's own thread
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_chairs_recording_the_same_review_outcome_at_once() -> None:
    family = make_family("national", categories=["physical"])
    conference = family.review()

    def work(index: int) -> object:
        return review_outcome_record(
            conference=conference,
            plan=family.plan,
            outcome="end" if index == 0 else "continue",
            ending_reason="no_longer_at_risk",
            expected_version=1,
            acting_user=family.chair.user,
        )

    results = _race(work)
    refused = [error for error in results if error is not None]
    assert len(refused) == 1
    assert isinstance(refused[0], StaleEditError | ValidationError)
    assert PlanReview.objects.count() == 1
    family.plan.refresh_from_db()
    assert family.plan.version == 2
    assert family.plan.status in {PlanStatus.ENDED, PlanStatus.ACTIVE}


def test_two_core_group_meetings_updating_the_same_action_at_once() -> None:
    family = make_family("staffordshire")
    action = add_action(family.plan, "Attend the parenting course")

    def work(index: int) -> object:
        return core_group_meeting_record(
            plan=family.plan,
            held_on=date(2027, 1, 10 + index),
            chaired_by="Berenice Stowell",
            chaired_by_team_manager=True,
            attendance={},
            decisions="Progress reviewed.",
            next_meeting_on=None,
            action_updates=[
                ActionUpdate(
                    action.public_id, ActionStatus.DONE if index else ActionStatus.IN_PROGRESS, "", 1
                )
            ],
            acting_user=family.team_manager.user,
        )

    results = _race(work)
    refused = [error for error in results if error is not None]
    assert len(refused) == 1 and isinstance(refused[0], StaleEditError)
    assert PlanAction.objects.get(pk=action.pk).version == 2
    assert family.plan.core_group_meetings.count() == 1
