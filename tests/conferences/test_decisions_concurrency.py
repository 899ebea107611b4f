"""Two people recording the same child's decision at the same moment, each on their own database
connection (R-DE-3: one decision per child per conference): exactly one is recorded, the other is told
it has been, and nothing is half-written. The same for the same agency's view."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection, connections

from cpconf.access.models import AuditEntry
from cpconf.conferences.models import AgencyView, ChildDecision
from cpconf.conferences.services.decisions import (
    AlreadyDecidedError,
    agency_view_record,
    child_decision_record,
)
from tests.conferences.decisions_setting import AFTER_CONFERENCE, Decisions, build_decisions

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: SQLite serialises writers, and its in-memory test database is not shared "
        "between threads",
    ),
]


def _at_once(work: Callable[[], object], count: int = 2) -> tuple[list[object], list[BaseException]]:
    start = threading.Barrier(count)
    results: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            results.append(work())
        except BaseException as error:  # reported in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def _held() -> Decisions:
    with time_machine.travel(AFTER_CONFERENCE, tick=False):
        decisions = build_decisions()
        agency_view_record(
            conference=decisions.conference,
            child=decisions.wren,
            source=decisions.source("police_officer"),
            recommendation="plan",
            categories=["neglect"],
            rationale="Neglect of the children's health needs.",
            acting_user=decisions.setting.people["coordinator"].user,  # type: ignore[arg-type]
        )
    return decisions


def test_two_decisions_for_the_same_child_at_once_record_one() -> None:
    decisions = _held()
    chair, coordinator = decisions.chair.user, decisions.setting.people["coordinator"].user
    users = iter([chair, coordinator])
    lock = threading.Lock()

    def decide() -> ChildDecision:
        with lock:
            user = next(users)
        return child_decision_record(
            conference=decisions.conference,
            child=decisions.wren,
            suffered_significant_harm=True,
            likely_to_suffer_significant_harm=True,
            chair_view="plan",
            acting_user=user,  # type: ignore[arg-type]
        )

    audit_before = AuditEntry.objects.count()
    results, errors = _at_once(decide)
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], AlreadyDecidedError), errors
    assert ChildDecision.objects.count() == 1
    assert AuditEntry.objects.count() == audit_before + 1


def test_the_same_agencys_view_twice_at_once_records_one() -> None:
    decisions = _held()

    def give() -> AgencyView:
        return agency_view_record(
            conference=decisions.conference,
            child=decisions.wren,
            source=decisions.source("health_visitor"),
            recommendation="plan",
            categories=["neglect"],
            rationale="Missed health appointments.",
            acting_user=decisions.chair.user,  # type: ignore[arg-type]
        )

    results, errors = _at_once(give)
    assert len(results) == 1
    assert len(errors) == 1, errors
    assert "has already given its view" in str(errors[0])
    assert AgencyView.objects.filter(agency=decisions.setting.agencies["health_visiting"]).count() == 1
