"""The decision rule for one child (R-DE-3, R-DE-4), as a pure function: every rule, unanimous views, even
splits, one agency, abstentions, the chair disagreeing, and categories under single and multiple modes."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpconf.conferences.decision_rule import (
    CATEGORIES,
    CHILD_IN_NEED,
    NO_FURTHER_ACTION,
    PLAN,
    RECOMMENDATIONS,
    AgencyVote,
    NoViewsError,
    decide,
    rule_in_words,
)
from cpconf.timescales.policy import CategoriesMode, DecisionRule

MAJORITY = DecisionRule.AGENCY_MAJORITY_CHAIR_CASTING_VOTE
MAJORITY_RULES = [MAJORITY, DecisionRule.ALL_GIVE_A_VIEW, DecisionRule.MULTI_AGENCY, None]
CHAIR_RULES = [DecisionRule.CHAIR_DECIDES, DecisionRule.CHAIR_DECIDES_CONSENSUS_SOUGHT]
ALL_RULES = [*MAJORITY_RULES, *CHAIR_RULES]


def vote(agency: str, recommendation: str | None, *categories: str) -> AgencyVote:
    return AgencyVote(agency=agency, recommendation=recommendation, categories=tuple(categories))


POLICE_PLAN = vote("Police", PLAN, "neglect")
HEALTH_PLAN = vote("Health", PLAN, "neglect")
SCHOOL_PLAN = vote("School", PLAN, "neglect")
SCHOOL_NFA = vote("School", NO_FURTHER_ACTION)
HOUSING_CIN = vote("Housing", CHILD_IN_NEED)


@pytest.mark.parametrize("rule", ALL_RULES)
def test_unanimous_agencies_decide_under_every_rule_when_the_chair_agrees(rule: DecisionRule | None) -> None:
    result = decide(
        rule=rule,
        votes=[POLICE_PLAN, HEALTH_PLAN, SCHOOL_PLAN],
        chair_view=PLAN,
        categories_mode=CategoriesMode.SINGLE,
    )
    assert result.outcome == PLAN
    assert not result.casting_vote_used
    assert not result.chair_disagrees
    assert result.dissenting == ()
    assert result.categories == ("neglect",)
    assert not result.category_chosen_by_chair
    assert result.rule == (rule.value if rule else "national")


def test_r_de_3_staffordshire_majority_stands_when_the_chair_disagrees() -> None:
    result = decide(
        rule=MAJORITY,
        votes=[POLICE_PLAN, HEALTH_PLAN, SCHOOL_NFA],
        chair_view=NO_FURTHER_ACTION,
        categories_mode=CategoriesMode.SINGLE,
    )
    assert result.outcome == PLAN
    assert result.chair_disagrees
    assert not result.casting_vote_used
    assert result.dissenting == (("School", NO_FURTHER_ACTION),)
    assert "2 of the 3 agencies that gave a view recommended a child protection plan" in result.decided_how
    assert "the chair's disagreement is recorded" in result.decided_how
    assert result.dissent_in_words == "Dissenting views: School recommended no further action."


@pytest.mark.parametrize("chair_view", [PLAN, NO_FURTHER_ACTION, CHILD_IN_NEED])
def test_r_de_3_staffordshire_even_split_is_settled_by_the_chairs_casting_vote(chair_view: str) -> None:
    result = decide(
        rule=MAJORITY,
        votes=[POLICE_PLAN, SCHOOL_NFA],
        chair_view=chair_view,
        categories_mode=CategoriesMode.SINGLE,
    )
    assert result.casting_vote_used
    assert not result.chair_disagrees
    if chair_view == PLAN:
        assert result.outcome == PLAN
        assert result.dissenting == (("School", NO_FURTHER_ACTION),)
        assert result.categories == ("neglect",)
    else:
        # No plan; the only agency against a plan recommended no further action.
        assert result.outcome == NO_FURTHER_ACTION
        assert result.dissenting == (("Police", PLAN),)
        assert result.categories == ()
    assert "evenly split (1 for a child protection plan, 1 against)" in result.decided_how
    assert "casting vote" in result.decided_how


def test_even_split_against_a_plan_where_the_rest_are_even_too_takes_the_chairs_view() -> None:
    result = decide(
        rule=MAJORITY,
        votes=[POLICE_PLAN, HEALTH_PLAN, SCHOOL_NFA, HOUSING_CIN],
        chair_view=CHILD_IN_NEED,
        categories_mode=CategoriesMode.SINGLE,
    )
    assert result.outcome == CHILD_IN_NEED
    assert result.casting_vote_used


def test_no_plan_majority_with_even_rest_and_a_chair_for_a_plan_considers_a_child_in_need_plan() -> None:
    result = decide(
        rule=MAJORITY,
        votes=[
            POLICE_PLAN,
            SCHOOL_NFA,
            HOUSING_CIN,
            vote("Health", NO_FURTHER_ACTION),
            vote("GP", CHILD_IN_NEED),
        ],
        chair_view=PLAN,
        categories_mode=CategoriesMode.SINGLE,
    )
    assert result.outcome == CHILD_IN_NEED
    assert result.chair_disagrees
    assert not result.casting_vote_used


def test_no_plan_then_the_majority_between_child_in_need_and_no_further_action() -> None:
    result = decide(
        rule=None,
        votes=[SCHOOL_NFA, HOUSING_CIN, vote("Health", CHILD_IN_NEED)],
        chair_view=CHILD_IN_NEED,
        categories_mode=None,
    )
    assert result.outcome == CHILD_IN_NEED
    assert "2 recommended a child in need plan and 1 no further action" in result.decided_how


@pytest.mark.parametrize("rule", MAJORITY_RULES)
def test_one_agency_decides_where_the_agencies_decide(rule: DecisionRule | None) -> None:
    result = decide(rule=rule, votes=[HOUSING_CIN], chair_view=PLAN, categories_mode=CategoriesMode.MULTIPLE)
    assert result.outcome == CHILD_IN_NEED
    assert result.chair_disagrees
    assert "1 of the 1 agency that gave a view" in result.decided_how


@pytest.mark.parametrize("rule", CHAIR_RULES)
def test_r_de_3_the_chair_decides_and_dissent_is_recorded(rule: DecisionRule) -> None:
    result = decide(
        rule=rule,
        votes=[POLICE_PLAN, HEALTH_PLAN, SCHOOL_NFA],
        chair_view=CHILD_IN_NEED,
        categories_mode=CategoriesMode.SINGLE,
    )
    assert result.outcome == CHILD_IN_NEED
    assert not result.casting_vote_used
    assert not result.chair_disagrees
    assert result.dissenting == (("Police", PLAN), ("Health", PLAN), ("School", NO_FURTHER_ACTION))
    assert "The chair decided on a child in need plan" in result.decided_how
    assert "0 of the 3 agencies" in result.decided_how


@pytest.mark.parametrize("rule", MAJORITY_RULES)
def test_no_views_at_all_is_refused_where_the_agencies_decide(rule: DecisionRule | None) -> None:
    with pytest.raises(NoViewsError):
        decide(rule=rule, votes=[], chair_view=PLAN, categories_mode=None)
    with pytest.raises(NoViewsError):
        decide(rule=rule, votes=[vote("Police", None)], chair_view=PLAN, categories_mode=None)


@pytest.mark.parametrize("rule", CHAIR_RULES)
def test_no_views_at_all_leaves_the_chair_to_decide_where_the_chair_decides(rule: DecisionRule) -> None:
    result = decide(
        rule=rule,
        votes=[vote("Police", None)],
        chair_view=PLAN,
        categories_mode=None,
        chair_categories=["physical"],
    )
    assert result.outcome == PLAN
    assert result.categories == ("physical",)
    assert "no agency gave a view" in result.decided_how
    assert "Police gave no view" in result.decided_how


def test_abstentions_do_not_count_towards_the_majority() -> None:
    # Two of three present give a view; one for a plan, one against: an even split among views given.
    result = decide(
        rule=MAJORITY,
        votes=[POLICE_PLAN, SCHOOL_NFA, vote("Health", None)],
        chair_view=NO_FURTHER_ACTION,
        categories_mode=CategoriesMode.SINGLE,
    )
    assert result.casting_vote_used
    assert result.outcome == NO_FURTHER_ACTION
    assert result.abstained == ("Health",)
    assert "Health gave no view" in result.decided_how


def test_r_de_4_single_mode_without_agreement_the_chair_must_choose() -> None:
    votes = [POLICE_PLAN, vote("Health", PLAN, "emotional")]
    result = decide(rule=MAJORITY, votes=votes, chair_view=PLAN, categories_mode=CategoriesMode.SINGLE)
    assert result.outcome == PLAN
    assert result.chair_must_choose_category
    assert result.categories == ()
    chosen = decide(
        rule=MAJORITY,
        votes=votes,
        chair_view=PLAN,
        categories_mode=CategoriesMode.SINGLE,
        chair_categories=["emotional"],
    )
    assert chosen.categories == ("emotional",)
    assert chosen.category_chosen_by_chair
    assert not chosen.chair_must_choose_category
    assert "did not agree on the category, so the chair chose: emotional abuse" in chosen.decided_how


def test_r_de_4_single_mode_never_gives_two_categories() -> None:
    votes = [vote("Police", PLAN, "neglect", "physical"), vote("Health", PLAN, "neglect", "physical")]
    result = decide(
        rule=MAJORITY,
        votes=votes,
        chair_view=PLAN,
        categories_mode=CategoriesMode.SINGLE,
        chair_categories=["neglect", "physical"],
    )
    assert result.chair_must_choose_category
    assert result.categories == ()


def test_r_de_4_multiple_mode_keeps_the_agreed_categories() -> None:
    votes = [vote("Police", PLAN, "physical", "neglect"), vote("Health", PLAN, "neglect", "physical")]
    result = decide(rule=None, votes=votes, chair_view=PLAN, categories_mode=CategoriesMode.MULTIPLE)
    assert result.categories == ("neglect", "physical")
    assert "agreed on the category: neglect and physical abuse" in result.decided_how


def test_r_de_4_under_majority_rule_the_agencies_agreed_category_stands_over_the_chairs() -> None:
    result = decide(
        rule=MAJORITY,
        votes=[POLICE_PLAN, HEALTH_PLAN],
        chair_view=PLAN,
        categories_mode=CategoriesMode.SINGLE,
        chair_categories=["physical"],
    )
    assert result.categories == ("neglect",)
    assert not result.category_chosen_by_chair


def test_r_de_4_where_the_chair_decides_their_category_stands() -> None:
    result = decide(
        rule=DecisionRule.CHAIR_DECIDES,
        votes=[POLICE_PLAN, HEALTH_PLAN],
        chair_view=PLAN,
        categories_mode=CategoriesMode.SINGLE,
        chair_categories=["physical"],
    )
    assert result.categories == ("physical",)
    assert result.category_chosen_by_chair


def test_a_plan_nobody_recommended_needs_the_chairs_category() -> None:
    result = decide(
        rule=DecisionRule.CHAIR_DECIDES_CONSENSUS_SOUGHT,
        votes=[SCHOOL_NFA],
        chair_view=PLAN,
        categories_mode=CategoriesMode.MULTIPLE,
    )
    assert result.chair_must_choose_category
    assert "the chair must choose it" in result.decided_how


def test_categories_are_dropped_when_the_outcome_is_not_a_plan() -> None:
    result = decide(
        rule=MAJORITY,
        votes=[SCHOOL_NFA],
        chair_view=PLAN,
        categories_mode=CategoriesMode.SINGLE,
        chair_categories=["neglect"],
    )
    assert result.outcome == NO_FURTHER_ACTION
    assert result.categories == ()
    assert not result.chair_must_choose_category


def test_what_is_not_a_recommendation_or_category_is_refused() -> None:
    with pytest.raises(ValueError, match="Not a recommendation"):
        decide(rule=None, votes=[SCHOOL_NFA], chair_view="maybe", categories_mode=None)
    with pytest.raises(ValueError, match="Not a recommendation"):
        decide(rule=None, votes=[vote("X", "maybe")], chair_view=PLAN, categories_mode=None)
    with pytest.raises(ValueError, match="Not a category"):
        decide(rule=None, votes=[vote("X", PLAN, "bad")], chair_view=PLAN, categories_mode=None)
    with pytest.raises(ValueError, match="Not a category"):
        decide(rule=None, votes=[POLICE_PLAN], chair_view=PLAN, categories_mode=None, chair_categories=["x"])


@pytest.mark.parametrize("rule", ALL_RULES)
def test_every_rule_is_described_in_words(rule: DecisionRule | None) -> None:
    assert rule_in_words(rule)


# Properties


votes_strategy = st.lists(
    st.builds(
        AgencyVote,
        agency=st.sampled_from(["Police", "Health", "School", "Housing", "GP", "Probation", "Nursery"]),
        recommendation=st.one_of(st.none(), st.sampled_from(RECOMMENDATIONS)),
        categories=st.lists(st.sampled_from(CATEGORIES), max_size=2, unique=True).map(tuple),
    ),
    max_size=9,
)


@given(
    rule=st.sampled_from(ALL_RULES),
    votes=votes_strategy,
    chair_view=st.sampled_from(RECOMMENDATIONS),
    mode=st.sampled_from([CategoriesMode.SINGLE, CategoriesMode.MULTIPLE, None]),
    chair_categories=st.lists(st.sampled_from(CATEGORIES), max_size=2, unique=True),
)
def test_property_the_outcome_is_always_a_view_given_or_the_chairs(
    rule: DecisionRule | None,
    votes: list[AgencyVote],
    chair_view: str,
    mode: CategoriesMode | None,
    chair_categories: list[str],
) -> None:
    given_views = [v.recommendation for v in votes if v.recommendation is not None]
    try:
        result = decide(
            rule=rule,
            votes=votes,
            chair_view=chair_view,
            categories_mode=mode,
            chair_categories=chair_categories,
        )
    except NoViewsError:
        assert rule not in CHAIR_RULES and not given_views
        return
    assert result.outcome in {*given_views, chair_view}
    # Dissenters are exactly those whose view differs from the outcome.
    assert [agency for agency, _ in result.dissenting] == [
        v.agency for v in votes if v.recommendation is not None and v.recommendation != result.outcome
    ]
    # A plan has its categories or the chair must choose; anything else has none (R-DE-4).
    if result.outcome == PLAN:
        assert bool(result.categories) != result.chair_must_choose_category
        if mode == CategoriesMode.SINGLE:
            assert len(result.categories) <= 1
    else:
        assert result.categories == () and not result.chair_must_choose_category
    assert result.decided_how.endswith(".")
    if rule in CHAIR_RULES:
        assert result.outcome == chair_view and not result.casting_vote_used


@given(
    rule=st.sampled_from(MAJORITY_RULES),
    votes=votes_strategy,
    chair_view=st.sampled_from(RECOMMENDATIONS),
)
def test_property_under_majority_rules_a_strict_majority_is_never_contradicted(
    rule: DecisionRule | None, votes: list[AgencyVote], chair_view: str
) -> None:
    given_views = [v.recommendation for v in votes if v.recommendation is not None]
    if not given_views:
        return
    result = decide(rule=rule, votes=votes, chair_view=chair_view, categories_mode=None)
    counts = Counter(given_views)
    for recommendation, count in counts.items():
        if count * 2 > len(given_views):
            assert result.outcome == recommendation
    plans = counts[PLAN]
    # Plan or no plan follows the majority; the chair's vote counts only on an even split.
    if plans * 2 != len(given_views):
        assert (result.outcome == PLAN) == (plans * 2 > len(given_views))
        assert result.chair_disagrees == (chair_view != result.outcome and not result.casting_vote_used)
    else:
        assert result.casting_vote_used
        assert (result.outcome == PLAN) == (chair_view == PLAN)
