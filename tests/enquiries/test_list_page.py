"""The list of strategy discussions and enquiries: every open enquiry, concluded ones a page at a time,
in the same number of queries however many there are."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cpconf.enquiries.models import EnquiryOutcome
from cpconf.enquiries.views import CONCLUDED_PER_PAGE
from tests import factories
from tests.access.conftest import World, build_world

AssertNumQueries = Callable[..., object]


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def _enquiries(world: World, count: int, outcome: str, start: int = 0) -> None:
    for number in range(start, start + count):
        factories.Section47EnquiryFactory(
            authority=world.northbridge,
            household=factories.HouseholdFactory(
                authority=world.northbridge, name=f"the Loxley{number} family"
            ),
            started_on=date(2026, 1, 1) + timedelta(days=number),
            outcome=outcome,
            outcome_reason="" if outcome == EnquiryOutcome.OPEN else "Concluded.",
        )


def test_the_list_costs_the_same_queries_at_3_and_120_enquiries(
    world: World, django_assert_num_queries: AssertNumQueries
) -> None:
    client = world.client_for("chair")
    _enquiries(world, 2, EnquiryOutcome.OPEN)
    _enquiries(world, 1, EnquiryOutcome.NO_CONFERENCE, start=2)
    assert client.get("/enquiries/").status_code == 200
    with CaptureQueriesContext(connection) as at_3:
        client.get("/enquiries/")
    _enquiries(world, 20, EnquiryOutcome.OPEN, start=3)
    _enquiries(world, 97, EnquiryOutcome.NO_CONFERENCE, start=23)
    with django_assert_num_queries(len(at_3.captured_queries)):
        response = client.get("/enquiries/?page=2")
    assert response.status_code == 200


def test_every_open_enquiry_is_listed_and_concluded_ones_are_paged(world: World) -> None:
    client = world.client_for("chair")
    _enquiries(world, 3, EnquiryOutcome.OPEN)
    _enquiries(world, CONCLUDED_PER_PAGE + 5, EnquiryOutcome.NO_CONFERENCE, start=3)
    first = client.get("/enquiries/").content.decode()
    for number in range(3):
        assert f"Loxley{number} family" in first
    # Newest first: the five oldest concluded enquiries are on page 2.
    assert "Loxley3 family" not in first
    assert f"Loxley{CONCLUDED_PER_PAGE + 7} family" in first
    assert 'rel="next"' in first and "page=2" in first
    second = client.get("/enquiries/?page=2").content.decode()
    assert "Loxley3 family" in second and "Loxley7 family" in second
    assert "Loxley0 family" in second  # open enquiries head every page
    assert 'rel="prev"' in second
    # A page past the end shows the last page rather than an error.
    assert client.get("/enquiries/?page=99").status_code == 200
    assert client.get("/enquiries/?page=nonsense").status_code == 200
