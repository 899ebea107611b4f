"""Two people saving the same plan at the same moment (issue 3 item 10): each on their own database
connection, truly at once. Exactly one change is saved; the other is refused as stale, naming who changed
the plan, never silently overwriting it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from cpconf.conferences.services.scheduling import StaleEditError
from cpconf.plans.models import ChildProtectionPlan
from cpconf.plans.services import plans as services
from tests.plans.conftest import Scene, plan_arguments


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite serialises writers with BEGIN IMMEDIATE, and its in-memory test database "
    "is not shared between threads",
)
def test_two_saves_at_once_one_wins_the_other_is_told_who_changed_it(scene: Scene) -> None:
    plan = services.plan_make(**plan_arguments(scene))  # type: ignore[arg-type]
    people = [scene.people["social_worker"], scene.people["team_manager"]]
    start = threading.Barrier(len(people))
    saved: list[str] = []
    refused: list[StaleEditError] = []
    errors: list[BaseException] = []

    def save(index: int) -> None:
        try:
            start.wait()
            services.plan_update(
                plan=plan,
                expected_version=1,
                acting_user=people[index].user,
                contingency=f"Contingency written by {people[index].full_name}.",
            )
            saved.append(people[index].full_name)
        except StaleEditError as error:
            refused.append(error)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(index,)) for index in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(saved) == 1
    assert len(refused) == 1
    assert f"{saved[0]} changed this plan" in refused[0].messages[0]
    assert "contingency plan" in refused[0].messages[0]
    fresh = ChildProtectionPlan.objects.get(pk=plan.pk)
    assert fresh.version == 2
    assert fresh.contingency == f"Contingency written by {saved[0]}."
