"""Recording each agency's view (R-DE-2) and each child's decision (R-DE-1, R-DE-3 to R-DE-6), and reading
them back in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from pytest_django import DjangoAssertNumQueries

from cpconf.access.log import audit_history_for
from cpconf.access.models import AuditEntry
from cpconf.conferences.models import AgencyView, ChildDecision, Conference, ConferenceStatus, ViewSource
from cpconf.conferences.selectors.decisions import decision_for_child, decisions_for
from cpconf.conferences.services.decisions import (
    AlreadyDecidedError,
    agency_view_change,
    agency_view_record,
    child_decision_record,
    decision_summary,
)
from cpconf.conferences.services.scheduling import StaleEditError
from cpconf.people.models import User
from tests.conferences.decisions_setting import AFTER_CONFERENCE, Decisions, build_decisions


@pytest.fixture
def after_conference() -> Iterator[None]:
    with time_machine.travel(AFTER_CONFERENCE, tick=False):
        yield


@pytest.fixture
def held(db: None, after_conference: None) -> Decisions:
    return build_decisions()


def chair_user(decisions: Decisions) -> User:
    assert decisions.chair.user is not None
    return decisions.chair.user


def coordinator_user(decisions: Decisions) -> User:
    user = decisions.setting.people["coordinator"].user
    assert user is not None
    return user


def view(
    decisions: Decisions, source: str, recommendation: str, *categories: str, child: str = "wren"
) -> AgencyView:
    return agency_view_record(
        conference=decisions.conference,
        child=decisions.setting.children[child],
        source=decisions.source(source),
        recommendation=recommendation,
        categories=list(categories),
        rationale=f"The {source.replace('_', ' ')}'s reasons.",
        acting_user=coordinator_user(decisions),
    )


def decide(decisions: Decisions, child: str = "wren", **overrides: Any) -> ChildDecision:
    arguments: dict[str, Any] = {
        "suffered_significant_harm": True,
        "likely_to_suffer_significant_harm": True,
        "chair_view": "plan",
        "categories": [],
        "acting_user": chair_user(decisions),
    }
    arguments.update(overrides)
    return child_decision_record(
        conference=decisions.conference, child=decisions.setting.children[child], **arguments
    )


def counts() -> tuple[int, int, int]:
    return AgencyView.objects.count(), ChildDecision.objects.count(), AuditEntry.objects.count()


# Views (R-DE-2)


def test_r_de_2_sources_are_attending_professionals_and_reports_of_agencies_nobody_attended_for(
    held: Decisions,
) -> None:
    # The teacher sent apologies, so the school's view is its written report; the maternity service sent
    # nothing and nobody came, so it has no source yet.
    assert held.sources() == [
        held.source("social_worker"),
        held.source("health_visitor"),
        held.source("police_officer"),
        held.source("school_report"),
    ]


def test_r_de_2_a_present_agencys_view_is_recorded_with_who_gave_it_and_audited(held: Decisions) -> None:
    recorded = view(held, "police_officer", "plan", "neglect")
    assert recorded.source == ViewSource.PRESENT
    assert recorded.agency == held.setting.agencies["police"]
    assert recorded.given_by == "Caspar Holt"
    assert recorded.categories == ["neglect"]
    entry = audit_history_for(recorded).get()
    assert entry.action == "create"
    assert entry.actor == coordinator_user(held)


def test_r_de_2_an_absent_agencys_view_comes_from_its_written_report(held: Decisions) -> None:
    recorded = view(held, "school_report", "child_in_need")
    assert recorded.source == ViewSource.WRITTEN_REPORT
    assert recorded.report == held.school_report
    assert recorded.given_by == "Westmere Brook Academy"


def test_an_agency_gives_one_view_per_child(held: Decisions) -> None:
    view(held, "police_officer", "plan", "neglect")
    before = counts()
    with pytest.raises(ValidationError) as error:
        view(held, "police_officer", "child_in_need")
    assert error.value.message_dict == {
        "source": [
            "Westmere Police Child Protection Unit has already given its view on Wren Ashdown. An agency gives "
            "one view for each child"
        ]
    }
    assert counts() == before
    # The same agency may give its view on the other child.
    view(held, "police_officer", "plan", "neglect", child="pip")


def test_r_de_4_categories_only_with_a_recommendation_for_a_plan(held: Decisions) -> None:
    with pytest.raises(ValidationError) as error:
        view(held, "police_officer", "no_further_action", "neglect")
    assert error.value.message_dict == {
        "categories": ["Only select a category if the agency recommends a child protection plan"]
    }


def test_r_de_4_a_plan_recommendation_needs_one_category_under_a_single_category_policy(
    held: Decisions,
) -> None:
    with pytest.raises(ValidationError) as error:
        view(held, "police_officer", "plan")
    assert error.value.message_dict == {
        "categories": ["Select the category of abuse that is the main concern"]
    }
    with pytest.raises(ValidationError) as error:
        view(held, "police_officer", "plan", "neglect", "physical")
    assert error.value.message_dict == {
        "categories": ["Select one category only: the one that is the main concern"]
    }


def test_a_view_needs_a_source_a_recommendation_and_reasons(held: Decisions) -> None:
    with pytest.raises(ValidationError) as error:
        agency_view_record(
            conference=held.conference,
            child=held.wren,
            source=f"report:{held.maternity_report.public_id}",  # not received
            recommendation="maybe",
            categories=[],
            rationale="   ",
            acting_user=coordinator_user(held),
        )
    assert set(error.value.message_dict) == {"source", "recommendation", "rationale"}
    assert counts()[0] == 0


def test_views_close_when_the_childs_decision_is_recorded(held: Decisions) -> None:
    view(held, "police_officer", "plan", "neglect")
    decide(held)
    with pytest.raises(ValidationError, match="decision for Wren Ashdown has been recorded"):
        view(held, "health_visitor", "plan", "neglect")


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (ConferenceStatus.CANCELLED, "was cancelled"),
        (ConferenceStatus.INQUORATE, "not quorate"),
        (ConferenceStatus.REQUESTED, "not been booked"),
    ],
)
def test_nothing_is_recorded_for_a_conference_that_did_not_meet(
    held: Decisions, status: str, message: str
) -> None:
    Conference.objects.filter(pk=held.conference.pk).update(status=status, cancelled_reason="Moved away.")
    with pytest.raises(ValidationError, match=message):
        view(held, "police_officer", "plan", "neglect")
    with pytest.raises(ValidationError, match=message):
        decide(held)


def test_a_scheduled_conference_takes_views_from_its_start(held: Decisions) -> None:
    Conference.objects.filter(pk=held.conference.pk).update(status=ConferenceStatus.SCHEDULED)
    view(held, "police_officer", "plan", "neglect")  # half an hour after it ended: fine
    assert held.conference.starts_at is not None
    with (
        time_machine.travel(held.conference.starts_at - timedelta(minutes=5), tick=False),
        pytest.raises(ValidationError, match="Decisions are recorded at the conference, from"),
    ):
        view(held, "health_visitor", "plan", "neglect")


# The decision


def test_r_de_3_staffordshire_majority_with_the_chair_disagreeing(held: Decisions) -> None:
    view(held, "police_officer", "plan", "neglect")
    view(held, "health_visitor", "plan", "neglect")
    view(held, "school_report", "child_in_need")
    before = counts()
    with pytest.raises(ValidationError) as error:
        decide(held, chair_view="child_in_need")
    assert list(error.value.message_dict) == ["chair_disagreement"]
    assert counts() == before
    decision = decide(held, chair_view="child_in_need", chair_disagreement="Support has not yet been tried.")
    assert decision.outcome == "plan"
    assert decision.categories == ["neglect"]
    assert decision.decision_rule == "agency-majority-chair-casting-vote"
    assert decision.chair_disagreement == "Support has not yet been tried."
    assert decision.dissent == "Dissenting views: Westmere Brook Academy recommended a child in need plan."
    assert not decision.casting_vote_used
    assert decision.decided_by == held.chair
    assert "2 of the 3 agencies that gave a view recommended a child protection plan" in decision.decided_how
    assert audit_history_for(decision).get().action == "create"


def test_r_de_3_staffordshire_even_split_uses_the_casting_vote(held: Decisions) -> None:
    view(held, "police_officer", "plan", "physical")
    view(held, "school_report", "no_further_action")
    decision = decide(held, chair_view="plan")
    assert decision.outcome == "plan"
    assert decision.casting_vote_used
    assert decision.categories == ["physical"]


def test_a_decision_is_recorded_once_for_each_child(held: Decisions) -> None:
    view(held, "police_officer", "plan", "neglect")
    decide(held)
    before = counts()
    with pytest.raises(AlreadyDecidedError) as error:
        decide(held, chair_view="no_further_action")
    assert "A decision has already been recorded for this child at this conference" in error.value.messages[0]
    assert counts() == before


def test_r_de_1_both_questions_must_be_answered_and_nothing_is_half_written(held: Decisions) -> None:
    view(held, "police_officer", "plan", "neglect")
    before = counts()
    with pytest.raises(ValidationError) as error:
        decide(held, suffered_significant_harm=None, likely_to_suffer_significant_harm=None, chair_view="")
    assert error.value.message_dict == {
        "suffered_significant_harm": ["Select whether the child has suffered significant harm"],
        "likely_to_suffer_significant_harm": [
            "Select whether the child is likely to suffer significant harm in future"
        ],
        "chair_view": ["Select the chair's own view"],
    }
    assert counts() == before


def test_a_plan_is_for_a_child_likely_to_suffer_significant_harm(held: Decisions) -> None:
    view(held, "police_officer", "plan", "neglect")
    with pytest.raises(ValidationError) as error:
        decide(held, likely_to_suffer_significant_harm=False)
    assert list(error.value.message_dict) == ["likely_to_suffer_significant_harm"]


def test_r_de_4_the_chair_chooses_the_single_category_when_the_agencies_disagree(held: Decisions) -> None:
    view(held, "police_officer", "plan", "neglect")
    view(held, "health_visitor", "plan", "emotional")
    with pytest.raises(ValidationError) as error:
        decide(held)
    assert error.value.message_dict == {
        "categories": [
            "The agencies did not agree on the category, so the chair must choose the one category that is the "
            "main concern"
        ]
    }
    with pytest.raises(ValidationError) as error:
        decide(held, categories=["neglect", "emotional"])
    assert error.value.message_dict == {
        "categories": ["Select one category only: the one that is the main concern"]
    }
    decision = decide(held, categories=["emotional"])
    assert decision.categories == ["emotional"]
    assert decision.category_chosen_by_chair


def test_r_de_6_a_child_in_need_plan_needs_the_familys_answer_on_consent(held: Decisions) -> None:
    view(held, "police_officer", "child_in_need")
    with pytest.raises(ValidationError) as error:
        decide(held, chair_view="child_in_need", likely_to_suffer_significant_harm=False)
    assert error.value.message_dict == {
        "family_consents": ["Select whether the family consents to a child in need plan"]
    }
    decision = decide(
        held, chair_view="child_in_need", likely_to_suffer_significant_harm=False, family_consents=True
    )
    assert decision.outcome == "child_in_need"
    assert decision.family_consents is True
    assert decision.categories == []
    assert "a child in need plan is to be offered" in decision_summary(decision)
    assert "The family consents to a child in need plan." in decision_summary(decision)


def test_no_decision_without_any_agency_view(held: Decisions) -> None:
    with pytest.raises(ValidationError, match="Record at least one agency's view on Wren Ashdown"):
        decide(held)


def test_a_coordinator_records_the_decision_for_the_chair(held: Decisions) -> None:
    view(held, "police_officer", "plan", "neglect")
    decision = decide(held, acting_user=coordinator_user(held))
    assert decision.decided_by == held.chair
    assert decision.recorded_by == coordinator_user(held)
    assert audit_history_for(decision).get().reason == "Recorded for the chair, Oriel Sandcombe."


def test_no_decision_before_a_chair_is_named_unless_a_chair_records_it(held: Decisions) -> None:
    Conference.objects.filter(pk=held.conference.pk).update(chair=None)
    view(held, "police_officer", "plan", "neglect")
    with pytest.raises(ValidationError, match="Name the conference's chair"):
        decide(held, acting_user=coordinator_user(held))
    assert decide(held).decided_by == held.chair  # the chair, by role


def test_decision_summary_and_decision_for_child(held: Decisions) -> None:
    view(held, "police_officer", "plan", "neglect")
    view(held, "school_report", "no_further_action")
    decision = decide(held, compensation_considered=True)
    assert decision_for_child(held.conference, held.wren) == decision
    assert decision_for_child(held.conference, held.pip) is None
    summary = decision_summary(decision)
    assert summary.startswith(
        "Wren Ashdown is to have a child protection plan, under the category of neglect."
    )
    assert "Has Wren Ashdown suffered significant harm? Yes." in summary
    assert "casting vote" in summary
    assert "Dissenting views: Westmere Brook Academy recommended no further action." in summary
    assert summary.endswith("Criminal injuries compensation was considered.")


@pytest.mark.parametrize(
    ("profile", "outcome", "rule"),
    [
        ("city-of-london", "child_in_need", "chair-decides"),
        ("medway", "child_in_need", "chair-decides-consensus-sought"),
        ("croydon", "plan", "all-give-a-view"),
        ("bolton", "plan", "multi-agency"),
        ("national", "plan", "national"),
    ],
)
def test_r_de_3_each_authoritys_rule(
    db: None, after_conference: None, profile: str, outcome: str, rule: str
) -> None:
    decisions = build_decisions(policy_profile=profile)
    view(decisions, "police_officer", "plan", "neglect")
    view(decisions, "health_visitor", "plan", "neglect")
    view(decisions, "social_worker", "child_in_need")
    decision = decide(
        decisions,
        chair_view="child_in_need",
        family_consents=False,
        chair_disagreement="The chair's reasons.",
    )
    assert decision.outcome == outcome
    assert decision.decision_rule == rule
    if outcome == "plan":
        assert decision.chair_disagreement == "The chair's reasons."
        assert decision.family_consents is None
    else:
        assert decision.chair_disagreement == ""
        assert decision.family_consents is False
        assert decision.dissent.startswith(
            "Dissenting views: Westmere Health Visiting recommended a child protection"
        )


# Reads


def _record_for_every_child(decisions: Decisions) -> None:
    for child in ("wren", "pip", "bramble"):
        for source in decisions.sources()[:2]:
            agency_view_record(
                conference=decisions.conference,
                child=decisions.setting.children[child],
                source=source,
                recommendation="plan",
                categories=["neglect"],
                rationale="Reasons.",
                acting_user=coordinator_user(decisions),
            )
    decide(decisions, child="wren")


@pytest.mark.parametrize("extra_agencies", [0, 4])
def test_decisions_for_reads_in_five_queries_whatever_the_numbers(
    db: None, after_conference: None, django_assert_num_queries: DjangoAssertNumQueries, extra_agencies: int
) -> None:
    decisions = build_decisions(extra_agencies=extra_agencies)
    _record_for_every_child(decisions)
    conference = Conference.objects.select_related("authority").get(pk=decisions.conference.pk)
    with django_assert_num_queries(5):
        rows = decisions_for(conference)
        for row in rows:
            for given in row.views:
                assert given.agency.name and (given.invitation or given.report)
            for still in row.not_given:
                assert still.agency.name
                for source in still.sources:
                    assert source.label
            if row.decision:
                assert row.decision.decided_by.full_name
    assert [row.child.given_name for row in rows] == ["Wren", "Pip", "Bramble"]
    wren = rows[0]
    assert wren.decided
    assert len(wren.views) == 2
    # Five agencies owed a view in the Ashdown setting, each extra one more.
    assert len(wren.not_given) == 3 + extra_agencies
    maternity = next(still for still in wren.not_given if still.agency.name == "Westmere Maternity Service")
    assert not maternity.present and maternity.report is None and maternity.sources == []


# Correcting a view before the decision


def test_a_view_is_corrected_with_the_version_read_and_audited(held: Decisions) -> None:
    recorded = view(held, "police_officer", "plan", "neglect")
    changed = agency_view_change(
        view=recorded,
        recommendation="child_in_need",
        categories=[],
        rationale="On reflection, support first.",
        expected_version=1,
        acting_user=chair_user(held),
    )
    assert (changed.recommendation, changed.categories, changed.version) == ("child_in_need", [], 2)
    entry = audit_history_for(changed).first()
    assert entry is not None and entry.action == "change"
    with pytest.raises(StaleEditError, match="changed Westmere Police Child Protection Unit's view on"):
        agency_view_change(
            view=recorded,
            recommendation="plan",
            categories=["neglect"],
            rationale="Back to a plan.",
            expected_version=1,
            acting_user=coordinator_user(held),
        )
    assert AgencyView.objects.get().recommendation == "child_in_need"


def test_a_corrected_view_is_checked_like_a_new_one_and_closes_with_the_decision(held: Decisions) -> None:
    recorded = view(held, "police_officer", "plan", "neglect")
    with pytest.raises(ValidationError) as error:
        agency_view_change(
            view=recorded,
            recommendation="plan",
            categories=[],
            rationale="",
            expected_version=1,
            acting_user=chair_user(held),
        )
    assert set(error.value.message_dict) == {"categories", "rationale"}
    decide(held)
    with pytest.raises(ValidationError, match="its views can no longer be changed"):
        agency_view_change(
            view=recorded,
            recommendation="child_in_need",
            categories=[],
            rationale="Too late.",
            expected_version=1,
            acting_user=chair_user(held),
        )
