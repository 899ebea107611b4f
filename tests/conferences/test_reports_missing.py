"""Missing and late reports across conferences (R-PR-4, R-PR-5): the page for coordinators and chairs, who
sees it, what it lists, and a query count that does not grow with the reports."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from html import unescape

import pytest

from cpconf import clock
from cpconf.access.models import AccessEntry
from cpconf.conferences.models import ConferenceStatus
from cpconf.conferences.selectors.reports import reports_missing_or_late
from cpconf.people.models import AgencyType
from tests import factories
from tests.access.conftest import World, build_world
from tests.web.html import page_title

AssertNumQueries = Callable[..., object]
URL = "/conferences/reports/missing/"


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def test_the_chair_sees_the_overdue_reports_of_their_authority_only(world: World) -> None:
    response = world.client_for("chair").get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>{page_title('Missing and late reports')}</title>" in html
    words = text(html)
    # The matrix's reports were due on 19 November 2026, for conferences in 10 days.
    assert words.count("19 November 2026 Overdue") == 2
    assert "Elowen Fairbrass" in words and "Corin Halloway" in words
    assert "Zephyrine" not in html
    assert f'href="/conferences/{world.conferences["elowen"].public_id}/reports/"' in html
    assert AccessEntry.objects.filter(what="missing-reports", allowed=True).count() == 1


def test_another_authoritys_social_worker_sees_only_theirs(world: World) -> None:
    words = text(world.client_for("other_authority_worker").get(URL).content.decode())
    assert "Zephyrine Calloway" in words
    assert "Elowen" not in words and "Corin" not in words


@pytest.mark.parametrize("persona", ["health_visitor", "police_officer", "performance_analyst", "superuser"])
def test_the_page_is_refused_to_anyone_but_social_care_staff_and_the_refusal_is_logged(
    world: World, persona: str
) -> None:
    response = world.client_for(persona).get(URL)
    assert response.status_code == 403
    assert "Elowen" not in response.content.decode()
    assert AccessEntry.objects.filter(what="missing-reports", allowed=False).count() == 1


def test_a_received_report_or_a_cancelled_conference_is_not_listed(world: World) -> None:
    elowens = world.conferences["elowen"]
    elowens.reports.update(received_at=clock.now())
    corins = world.conferences["corin"]
    type(corins).objects.filter(pk=corins.pk).update(
        status=ConferenceStatus.CANCELLED, cancelled_reason="Moved away."
    )
    assert list(reports_missing_or_late(world.user("chair"))) == []
    words = text(world.client_for("chair").get(URL).content.decode())
    assert "Every report due for the conferences you can see has been received." in words


def test_a_report_due_soon_is_listed_as_due_soon(world: World) -> None:
    elowens = world.conferences["elowen"]
    elowens.reports.update(due_on=clock.today() + timedelta(days=1))
    words = text(world.client_for("chair").get(URL).content.decode())
    assert "Due soon" in words


def _add_overdue_reports(world: World, count: int) -> None:
    """``count`` overdue reports spread over conferences of 5 reports each, each about a new child."""
    conference = None
    for number in range(count):
        if number % 5 == 0:
            child = factories.ChildFactory(authority=world.northbridge, given_name="Query")
            conference = factories.ConferenceFactory(
                authority=world.northbridge,
                children=[child],
                status=ConferenceStatus.SCHEDULED,
                starts_at=clock.now() + timedelta(days=3),
                ends_at=clock.now() + timedelta(days=3, hours=2),
            )
        agency = factories.AgencyFactory(
            authority=world.northbridge,
            name=f"Missing report agency {number}",
            agency_type=AgencyType.EDUCATION,
        )
        factories.ReportFactory(
            conference=conference, agency=agency, due_on=clock.today() - timedelta(days=1)
        )


@pytest.mark.parametrize("reports", [10, 200])
def test_the_page_query_count_does_not_grow_with_the_reports(
    world: World, reports: int, django_assert_num_queries: AssertNumQueries
) -> None:
    _add_overdue_reports(world, reports)
    client = world.client_for("chair")
    client.get(URL)  # warm up: the session and the access chain
    with django_assert_num_queries(MISSING_PAGE_QUERIES):
        response = client.get(URL)
    assert response.status_code == 200
    assert "Missing report agency 0" in response.content.decode()


@pytest.mark.parametrize("reports", [10, 200])
def test_the_selector_takes_two_queries_for_any_number_of_reports(
    world: World, reports: int, django_assert_num_queries: AssertNumQueries
) -> None:
    _add_overdue_reports(world, reports)
    user = world.user("chair")
    list(reports_missing_or_late(user))  # warm up: the person's record and roles, loaded once per user
    with django_assert_num_queries(2):
        found = list(reports_missing_or_late(user))
        names = {
            link.child.given_name for report in found for link in report.conference.conference_children.all()
        }
    assert len(found) == reports + 2  # and the matrix's two
    assert "Query" in names


MISSING_PAGE_QUERIES = 12
