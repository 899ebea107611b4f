"""The decision pages (R-DE-1 to R-DE-6): the list of each child's views and decision, recording an agency's
view, and recording the decision. Who may use each is in tests/access/test_permission_matrix.py; here,
what they show, what they do with good and bad input, and that their query counts do not grow with the
number of agencies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cpconf.conferences.models import AgencyView, ChildDecision, Conference, ConferenceStatus
from cpconf.conferences.services.decisions import agency_view_record, child_decision_record
from cpconf.people.models import Child
from tests import factories
from tests.conferences.decisions_setting import AFTER_CONFERENCE, Decisions, build_decisions


def text(html: str) -> str:
    """The page's words, without tags or repeated spaces."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ",").strip())


def error_summary(html: str) -> list[str]:
    summary = re.search(r'<div class="govuk-error-summary.*?</ul>', html, re.S)
    assert summary is not None, "no error summary"
    return [text(item) for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)]


@pytest.fixture
def after_conference() -> Iterator[None]:
    with time_machine.travel(AFTER_CONFERENCE, tick=False):
        yield


@pytest.fixture
def held(db: None, after_conference: None) -> Decisions:
    return build_decisions()


def client_for(decisions: Decisions, name: str) -> Client:
    client = Client()
    person = decisions.chair if name == "chair" else decisions.setting.people[name]
    assert person.user is not None
    client.force_login(person.user)
    return client


def list_url(conference: Conference) -> str:
    return f"/conferences/{conference.public_id}/decisions/"


def view_url(conference: Conference, child: Child) -> str:
    return f"/conferences/{conference.public_id}/decisions/{child.public_id}/views/new/"


def decide_url(conference: Conference, child: Child) -> str:
    return f"/conferences/{conference.public_id}/decisions/{child.public_id}/decide/"


def record_view(
    decisions: Decisions, source: str, recommendation: str, *categories: str, child: str = "wren"
) -> None:
    coordinator = decisions.setting.people["coordinator"].user
    assert coordinator is not None
    agency_view_record(
        conference=decisions.conference,
        child=decisions.setting.children[child],
        source=decisions.source(source),
        recommendation=recommendation,
        categories=list(categories),
        rationale="Concerns about the children's care at home.",
        acting_user=coordinator,
    )


def decision_form(**changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "suffered_significant_harm": "yes",
        "likely_to_suffer_significant_harm": "yes",
        "chair_view": "plan",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


# The list


def test_the_conference_page_links_to_the_decisions(held: Decisions) -> None:
    response = client_for(held, "chair").get(f"/conferences/{held.conference.public_id}/")
    assert f'href="{list_url(held.conference)}"' in response.content.decode()


def test_the_list_shows_each_childs_views_and_who_has_not_given_one(held: Decisions) -> None:
    record_view(held, "police_officer", "plan", "neglect")
    record_view(held, "school_report", "child_in_need")
    page = text(client_for(held, "chair").get(list_url(held.conference)).content.decode())
    assert "the majority of agencies decides; the chair has a casting vote only on an even split" in page
    assert (
        "Westmere Police Child Protection Unit Given by Caspar Holt at the conference Child protection plan"
        in page
    )
    assert "Category: neglect" in page
    assert "Westmere Brook Academy From its written report Child in need plan" in page
    assert "Agencies that have not given a view on Wren Ashdown" in page
    assert "Westmere Maternity Service: did not attend, and its written report has not been received" in page
    assert "Westmere Health Visiting: attended" in page
    assert "Record an agency's view on Wren Ashdown" in page
    assert "Record the decision for Wren Ashdown" in page
    # Pip has no view yet: nothing to decide on.
    assert "Record the decision for Pip Ashdown" not in page
    assert page.count("Not decided yet") == 3


def test_someone_who_only_sees_the_conference_gets_no_buttons(held: Decisions) -> None:
    record_view(held, "police_officer", "plan", "neglect")
    page = text(client_for(held, "social_worker").get(list_url(held.conference)).content.decode())
    assert "Westmere Police Child Protection Unit" in page
    assert "Record the decision" not in page
    assert "Record an agency's view" not in page


def test_before_the_conference_the_list_says_when_decisions_are_recorded(held: Decisions) -> None:
    Conference.objects.filter(pk=held.conference.pk).update(status=ConferenceStatus.SCHEDULED)
    with time_machine.travel(AFTER_CONFERENCE.replace(day=1), tick=False):
        page = text(client_for(held, "chair").get(list_url(held.conference)).content.decode())
    assert "Decisions are recorded at the conference, from" in page
    assert "Record an agency's view" not in page


#: The list's queries: the session and user; the professional and roles; the conference, and the rules'
#: question whether they may see it; its children and one access-log row for each (savepoint, chain head,
#: row, head, release); the children for the heading; the five of ``decisions_for``; and
#: whether they may record.
LIST_QUERIES = {"chair": 29, "social_worker": 29}


@pytest.mark.parametrize("extra_agencies", [0, 4], ids=["5 agencies", "9 agencies"])
@pytest.mark.parametrize("persona", ["chair", "social_worker"])
def test_the_list_needs_the_same_queries_however_many_agencies(
    db: None, after_conference: None, persona: str, extra_agencies: int
) -> None:
    decisions = build_decisions(extra_agencies=extra_agencies)
    for source in decisions.sources():
        for child in ("wren", "pip"):
            record_view(decisions, _name(decisions, source), "plan", "neglect", child=child)
    chair = decisions.chair.user
    assert chair is not None
    child_decision_record(
        conference=decisions.conference,
        child=decisions.wren,
        suffered_significant_harm=True,
        likely_to_suffer_significant_harm=True,
        chair_view="plan",
        acting_user=chair,
    )
    client = client_for(decisions, persona)
    client.get(list_url(decisions.conference))  # warm up: the session's start and the log's chain
    with CaptureQueriesContext(connection) as queries:
        response = client.get(list_url(decisions.conference))
    assert response.status_code == 200
    assert text(response.content.decode()).count("Given by") == 2 * (3 + extra_agencies)
    assert len(queries) == LIST_QUERIES[persona], [query["sql"] for query in queries]


def _name(decisions: Decisions, key: str) -> str:
    for name in decisions.invitations:
        if key == decisions.source(name):
            return name
    return "school_report"


# Recording a view


def test_recording_a_view(held: Decisions) -> None:
    client = client_for(held, "coordinator")
    page = text(client.get(view_url(held.conference, held.wren)).content.decode())
    assert "Caspar Holt, Westmere Police Child Protection Unit, at the conference" in page
    assert "Westmere Brook Academy's written report (nobody from the agency was there)" in page
    assert "Ivo Penhallow" not in page  # the teacher sent apologies
    response = client.post(
        view_url(held.conference, held.wren),
        {
            "source": held.source("police_officer"),
            "recommendation": "plan",
            "categories": "neglect",
            "rationale": "Repeated missed health appointments.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == list_url(held.conference)
    view = AgencyView.objects.get()
    assert (view.agency.name, view.recommendation, view.categories) == (
        "Westmere Police Child Protection Unit",
        "plan",
        ["neglect"],
    )
    page = text(client.get(list_url(held.conference)).content.decode())
    assert "You recorded Westmere Police Child Protection Unit's view on Wren Ashdown." in page


def test_a_single_category_policy_asks_for_one_category_with_radios(held: Decisions) -> None:
    html = client_for(held, "chair").get(view_url(held.conference, held.wren)).content.decode()
    assert 'name="categories" type="radio"' in html
    assert 'name="categories" type="checkbox"' not in html


def test_a_multiple_category_policy_offers_checkboxes(db: None, after_conference: None) -> None:
    decisions = build_decisions(policy_profile="national")
    html = client_for(decisions, "chair").get(view_url(decisions.conference, decisions.wren)).content.decode()
    assert 'name="categories" type="checkbox"' in html


def test_bad_views_are_refused_field_by_field(held: Decisions) -> None:
    client = client_for(held, "chair")
    response = client.post(view_url(held.conference, held.wren), {"rationale": " "})
    assert response.status_code == 200
    assert error_summary(response.content.decode()) == [
        "Select whose view it is",
        "Select what the agency recommends",
        "Enter the agency's reasons for its recommendation",
    ]
    response = client.post(
        view_url(held.conference, held.wren),
        {
            "source": held.source("police_officer"),
            "recommendation": "no_further_action",
            "categories": "neglect",
            "rationale": "Reasons.",
        },
    )
    assert error_summary(response.content.decode()) == [
        "Only select a category if the agency recommends a child protection plan"
    ]
    assert AgencyView.objects.count() == 0


def test_an_agency_that_has_given_its_view_is_no_longer_offered(held: Decisions) -> None:
    record_view(held, "police_officer", "plan", "neglect")
    client = client_for(held, "chair")
    html = client.get(view_url(held.conference, held.wren)).content.decode()
    assert held.source("police_officer") not in html
    response = client.post(
        view_url(held.conference, held.wren),
        {"source": held.source("police_officer"), "recommendation": "plan", "rationale": "Again."},
    )
    assert error_summary(response.content.decode()) == [
        "Select someone who attended, or an agency's written report"
    ]
    assert AgencyView.objects.count() == 1


def test_a_child_the_conference_is_not_about_is_not_found(held: Decisions) -> None:
    other = factories.ChildFactory(
        authority=held.setting.authority, given_name="Linden", family_name="Ashdown"
    )
    client = client_for(held, "chair")
    assert client.get(view_url(held.conference, other)).status_code == 404
    assert client.get(decide_url(held.conference, other)).status_code == 404


def test_a_social_worker_may_not_record(held: Decisions) -> None:
    client = client_for(held, "social_worker")
    assert client.get(view_url(held.conference, held.wren)).status_code == 403
    assert client.post(decide_url(held.conference, held.wren), decision_form()).status_code == 403
    assert ChildDecision.objects.count() == 0


# Recording the decision


def test_recording_the_decision_and_refusing_a_second(held: Decisions) -> None:
    record_view(held, "police_officer", "plan", "neglect")
    record_view(held, "health_visitor", "plan", "neglect")
    client = client_for(held, "chair")
    page = text(client.get(decide_url(held.conference, held.wren)).content.decode())
    assert "Has the child suffered significant harm?" in page
    assert "Is the child likely to suffer significant harm in future?" in page
    response = client.post(
        decide_url(held.conference, held.wren), decision_form(compensation_considered="no")
    )
    assert response.status_code == 302
    decision = ChildDecision.objects.get()
    assert (decision.outcome, decision.categories, decision.decided_by) == ("plan", ["neglect"], held.chair)
    page = text(client.get(list_url(held.conference)).content.decode())
    assert "You recorded the decision for Wren Ashdown: child protection plan." in page
    assert "Wren Ashdown is to have a child protection plan, under the category of neglect." in page
    assert "Decided by Oriel Sandcombe." in page
    # The decide page now shows the decision, and a second one is refused with nothing written.
    page = text(client.get(decide_url(held.conference, held.wren)).content.decode())
    assert "Save the decision" not in page
    response = client.post(
        decide_url(held.conference, held.wren), decision_form(chair_view="no_further_action")
    )
    assert response.status_code == 200
    assert error_summary(response.content.decode()) == [
        "A decision has already been recorded for this child at this conference: Wren Ashdown."
    ]
    assert ChildDecision.objects.count() == 1


def test_missing_answers_are_refused_field_by_field(held: Decisions) -> None:
    record_view(held, "police_officer", "plan", "neglect")
    response = client_for(held, "chair").post(
        decide_url(held.conference, held.wren),
        decision_form(
            suffered_significant_harm=None, likely_to_suffer_significant_harm=None, chair_view=None
        ),
    )
    assert response.status_code == 200
    assert error_summary(response.content.decode()) == [
        "Select whether the child has suffered significant harm",
        "Select whether the child is likely to suffer significant harm in future",
        "Select the chair's own view",
    ]
    assert ChildDecision.objects.count() == 0


def test_a_missing_category_is_asked_for(held: Decisions) -> None:
    record_view(held, "police_officer", "plan", "neglect")
    record_view(held, "health_visitor", "plan", "physical")
    client = client_for(held, "chair")
    response = client.post(decide_url(held.conference, held.wren), decision_form())
    assert error_summary(response.content.decode()) == [
        "The agencies did not agree on the category, so the chair must choose the one category that is the main "
        "concern"
    ]
    assert ChildDecision.objects.count() == 0
    response = client.post(decide_url(held.conference, held.wren), decision_form(categories="physical"))
    assert response.status_code == 302
    assert ChildDecision.objects.get().categories == ["physical"]


def test_the_chairs_disagreement_is_asked_for_when_the_majority_decides_otherwise(held: Decisions) -> None:
    record_view(held, "police_officer", "plan", "neglect")
    record_view(held, "health_visitor", "plan", "neglect")
    record_view(held, "social_worker", "child_in_need")
    client = client_for(held, "chair")
    response = client.post(decide_url(held.conference, held.wren), decision_form(chair_view="child_in_need"))
    assert error_summary(response.content.decode()) == [
        "The majority decided on a child protection plan, which is not the chair's view. Enter the chair's "
        "reasons for disagreeing: they are recorded"
    ]
    response = client.post(
        decide_url(held.conference, held.wren),
        decision_form(chair_view="child_in_need", chair_disagreement="Family support first."),
    )
    assert response.status_code == 302
    decision = ChildDecision.objects.get()
    assert decision.chair_disagreement == "Family support first."
    assert "Children's Social Care recommended a child in need plan" in decision.dissent


def test_a_decision_for_a_child_with_no_views_is_refused(held: Decisions) -> None:
    response = client_for(held, "chair").post(decide_url(held.conference, held.pip), decision_form())
    assert (
        "Record at least one agency's view on Pip Ashdown before the decision."
        in error_summary(response.content.decode())[0]
    )


def test_a_coordinator_records_the_decision_for_the_chair(held: Decisions) -> None:
    record_view(held, "police_officer", "child_in_need")
    response = client_for(held, "coordinator").post(
        decide_url(held.conference, held.wren),
        decision_form(
            chair_view="child_in_need", likely_to_suffer_significant_harm="no", family_consents="yes"
        ),
    )
    assert response.status_code == 302
    decision = ChildDecision.objects.get()
    assert decision.decided_by == held.chair
    assert decision.family_consents is True


def test_nothing_is_recorded_for_a_cancelled_conference(held: Decisions) -> None:
    record_view(held, "police_officer", "plan", "neglect")
    Conference.objects.filter(pk=held.conference.pk).update(
        status=ConferenceStatus.CANCELLED, cancelled_reason="The family moved away."
    )
    client = client_for(held, "chair")
    response = client.post(decide_url(held.conference, held.wren), decision_form())
    assert response.status_code == 200
    assert "This conference was cancelled, so no decision is made at it." in text(response.content.decode())
    assert ChildDecision.objects.count() == 0
    # Decided directly is refused the same way.
    with pytest.raises(Exception, match="cancelled"):
        child_decision_record(
            conference=held.conference,
            child=held.wren,
            suffered_significant_harm=True,
            likely_to_suffer_significant_harm=True,
            chair_view="plan",
            acting_user=held.chair.user,  # type: ignore[arg-type]
        )
