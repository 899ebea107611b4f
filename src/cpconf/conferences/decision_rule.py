"""Who decides, and how the decision for one child comes out of the agencies' views (R-DE-2 to R-DE-4).

Pure: no database, no clock. ``decide`` takes the authority's rule (``Policy.decision_rule``), each agency's
view (an agency present that gives no view abstains), the chair's own view, how many categories a plan may
carry (``Policy.categories``) and the categories the chair chose, if any; it answers with the outcome, how
it came about in words, and what must be recorded with it (docs/decisions.md explains each rule).

The rules:

* **Agency majority, the chair's casting vote only on an even split** (Staffordshire): first, plan or no
  plan, by a strict majority of the agencies that gave a view; on an even split the chair's view decides
  (the casting vote). If the chair's own view differs from the majority, the majority stands and the
  chair's disagreement is recorded. Then, if there is no plan, a child in need plan or no further action,
  by the majority of the agencies that recommended one of those two; on a tie (or if none did), the
  chair's view if it is one of them, else a child in need plan (R-DE-6 asks that one be considered).
* **The chair decides** (City of London), and **the chair decides after seeking consensus** (Medway): the
  chair's view is the outcome, whatever the agencies said; every dissenting view is recorded.
* **Every agency gives a view** (Croydon, whose guidance does not say who decides), **a multi-agency
  decision** (Bolton, no tie-break named) and no rule at all (the national profile): as the agency majority
  above, the chair deciding a tie. A multi-agency decision is the agencies'; the chair's vote settles only
  what they leave even.

Under every rule the agencies whose view differs from the outcome are its dissenters, and at least one
agency view is needed where the agencies decide (``NoViewsError``). Categories (R-DE-4): those the
agencies recommending a plan agree on (every one of them named the same ones); without agreement, the
chair's choice. Where the chair decides, the chair's choice stands when they make one. Under a single
category policy the outcome carries exactly one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from cpconf.timescales.policy import CategoriesMode, DecisionRule

PLAN = "plan"
CHILD_IN_NEED = "child_in_need"
NO_FURTHER_ACTION = "no_further_action"
RECOMMENDATIONS = (PLAN, CHILD_IN_NEED, NO_FURTHER_ACTION)
CATEGORIES = ("neglect", "physical", "emotional", "sexual")  # R-DE-4, in the national data's order

#: An outcome in the words of a sentence ("recommended ...", "the decision is ...").
OUTCOME_WORDS = {
    PLAN: "a child protection plan",
    CHILD_IN_NEED: "a child in need plan",
    NO_FURTHER_ACTION: "no further action",
}
CATEGORY_WORDS = {
    "neglect": "neglect",
    "physical": "physical abuse",
    "emotional": "emotional abuse",
    "sexual": "sexual abuse",
}
#: How each rule is named where the decision is recorded; "national" stands for no local rule.
NATIONAL = "national"
RULE_WORDS = {
    DecisionRule.AGENCY_MAJORITY_CHAIR_CASTING_VOTE.value: (
        "the majority of agencies decides; the chair has a casting vote only on an even split"
    ),
    DecisionRule.CHAIR_DECIDES.value: "the chair decides after hearing every view",
    DecisionRule.CHAIR_DECIDES_CONSENSUS_SOUGHT.value: (
        "the chair decides after consulting everyone, aiming for agreement"
    ),
    DecisionRule.ALL_GIVE_A_VIEW.value: (
        "every agency gives a view; the majority of agencies decides, the chair settling a tie"
    ),
    DecisionRule.MULTI_AGENCY.value: (
        "a multi-agency decision: the majority of agencies decides, the chair settling a tie"
    ),
    NATIONAL: "the majority of agencies decides, the chair settling a tie",
}

_CHAIR_RULES = frozenset({DecisionRule.CHAIR_DECIDES, DecisionRule.CHAIR_DECIDES_CONSENSUS_SOUGHT})


class NoViewsError(ValueError):
    """The agencies decide under this rule, and none gave a view."""


@dataclass(frozen=True)
class AgencyVote:
    """One agency's view on the child: ``recommendation`` None if it was present and gave none."""

    agency: str
    recommendation: str | None
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    """What the rule gives for one child."""

    rule: str  # the DecisionRule value, or "national"
    outcome: str
    casting_vote_used: bool
    #: The chair's own view differs from an outcome the agencies decided (recorded, R-DE-3).
    chair_disagrees: bool
    #: Agencies whose view differs from the outcome, with what they recommended, in the order given.
    dissenting: tuple[tuple[str, str], ...]
    #: The categories of a plan; empty when the outcome is not a plan, or while the chair must choose.
    categories: tuple[str, ...]
    #: A plan, the agencies did not agree on its category, and the chair has not chosen (R-DE-4).
    chair_must_choose_category: bool
    category_chosen_by_chair: bool
    decided_how: str
    abstained: tuple[str, ...] = field(default=())

    @property
    def dissent_in_words(self) -> str:
        """The dissenting agencies and their views, as a sentence ("" if none)."""
        return dissent_in_words(self.dissenting)


def rule_name(rule: DecisionRule | str | None) -> str:
    return NATIONAL if rule is None else str(rule)


def rule_in_words(rule: DecisionRule | str | None) -> str:
    return RULE_WORDS.get(rule_name(rule), RULE_WORDS[NATIONAL])


def _agencies(count: int) -> str:
    return f"{count} {'agency' if count == 1 else 'agencies'}"


def _names(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def dissent_in_words(dissenting: Sequence[tuple[str, str]]) -> str:
    if not dissenting:
        return ""
    parts = [f"{agency} recommended {OUTCOME_WORDS.get(view, view)}" for agency, view in dissenting]
    return "Dissenting views: " + "; ".join(parts) + "."


def categories_in_words(categories: Sequence[str]) -> str:
    return _names([CATEGORY_WORDS.get(category, category) for category in categories])


def _ordered(categories: Sequence[str]) -> tuple[str, ...]:
    chosen = set(categories)
    return tuple(category for category in CATEGORIES if category in chosen)


def _majority(votes: Sequence[AgencyVote], chair_view: str) -> tuple[str, bool, str]:
    """The agencies' majority (and whether the chair's vote settled it), with how, in words."""
    given = [vote.recommendation for vote in votes if vote.recommendation is not None]
    counts = Counter(given)
    total = len(given)
    plans = counts[PLAN]
    others = total - plans
    if plans * 2 != total:
        is_plan = plans * 2 > total
        casting = False
        how = (
            f"{plans} of the {_agencies(total)} that gave a view recommended a child protection plan"
            if is_plan
            else f"{others} of the {_agencies(total)} that gave a view did not recommend a child protection "
            "plan"
        )
    else:
        is_plan = chair_view == PLAN
        casting = True
        how = (
            f"The agencies were evenly split ({plans} for a child protection plan, {others} against), so the "
            f"chair's casting vote decided: {'a plan' if is_plan else 'no plan'}"
        )
    if is_plan:
        return PLAN, casting, how
    # No plan: a child in need plan or no further action (R-DE-6).
    in_need, no_action = counts[CHILD_IN_NEED], counts[NO_FURTHER_ACTION]
    if in_need != no_action:
        outcome = CHILD_IN_NEED if in_need > no_action else NO_FURTHER_ACTION
        if in_need and no_action:
            other = NO_FURTHER_ACTION if outcome == CHILD_IN_NEED else CHILD_IN_NEED
            how += (
                f". Of those that did not, {max(in_need, no_action)} recommended {OUTCOME_WORDS[outcome]} and "
                f"{min(in_need, no_action)} {OUTCOME_WORDS[other]}"
            )
        return outcome, casting, how
    if chair_view in {CHILD_IN_NEED, NO_FURTHER_ACTION}:
        outcome = chair_view
        how += (
            f". Between a child in need plan and no further action the agencies were even, so the chair's "
            f"view decided: {OUTCOME_WORDS[outcome]}"
        )
        return outcome, True, how
    how += (
        ". Between a child in need plan and no further action the agencies were even, so a child in need plan "
        "is to be considered"
    )
    return CHILD_IN_NEED, casting, how


def _categories(
    *,
    outcome: str,
    votes: Sequence[AgencyVote],
    chair_categories: Sequence[str],
    mode: CategoriesMode | None,
    chair_decides: bool,
) -> tuple[tuple[str, ...], bool, bool, str]:
    """The plan's categories, whether the chair must still choose, whether the chair chose, and how."""
    if outcome != PLAN:
        return (), False, False, ""
    chosen = _ordered(chair_categories)
    if mode == CategoriesMode.SINGLE and len(chosen) > 1:
        chosen = ()  # a single category policy: the caller must ask again for one
    named = {_ordered(vote.categories) for vote in votes if vote.recommendation == PLAN}
    agreed: tuple[str, ...] = ()
    if len(named) == 1:
        (agreed,) = named
        if mode == CategoriesMode.SINGLE and len(agreed) != 1:
            agreed = ()
    if chair_decides and chosen:
        return chosen, False, True, f"The chair decided the category: {categories_in_words(chosen)}"
    if agreed:
        return agreed, False, False, f"The agencies agreed on the category: {categories_in_words(agreed)}"
    if chosen:
        return (
            chosen,
            False,
            True,
            f"The agencies did not agree on the category, so the chair chose: {categories_in_words(chosen)}",
        )
    return (), True, False, ""


def decide(
    *,
    rule: DecisionRule | None,
    votes: Sequence[AgencyVote],
    chair_view: str,
    categories_mode: CategoriesMode | None,
    chair_categories: Sequence[str] = (),
) -> Result:
    """The outcome for one child under ``rule`` (R-DE-3), with its categories (R-DE-4).

    Raises ``ValueError`` for a recommendation or category that is not one, and ``NoViewsError`` when the
    agencies decide and none gave a view.
    """
    if chair_view not in RECOMMENDATIONS:
        raise ValueError(f"Not a recommendation: {chair_view!r}")
    for vote in votes:
        if vote.recommendation is not None and vote.recommendation not in RECOMMENDATIONS:
            raise ValueError(f"Not a recommendation: {vote.recommendation!r}")
        if any(category not in CATEGORIES for category in vote.categories):
            raise ValueError(f"Not a category: {vote.categories!r}")
    if any(category not in CATEGORIES for category in chair_categories):
        raise ValueError(f"Not a category: {chair_categories!r}")
    given = [vote for vote in votes if vote.recommendation is not None]
    abstained = tuple(vote.agency for vote in votes if vote.recommendation is None)
    chair_decides = rule in _CHAIR_RULES
    sentences: list[str] = []
    if chair_decides:
        outcome = chair_view
        casting = False
        chair_disagrees = False
        agreeing = sum(1 for vote in given if vote.recommendation == outcome)
        if given:
            sentences.append(
                f"The chair decided on {OUTCOME_WORDS[outcome]} after hearing every view: {agreeing} of the "
                f"{_agencies(len(given))} that gave a view recommended it"
            )
        else:
            sentences.append(f"The chair decided on {OUTCOME_WORDS[outcome]}; no agency gave a view")
    else:
        if not given:
            raise NoViewsError("No agency gave a view, and under this rule the agencies decide.")
        outcome, casting, how = _majority(given, chair_view)
        sentences.append(how)
        sentences.append(f"The decision is {OUTCOME_WORDS[outcome]}")
        chair_disagrees = not casting and chair_view != outcome
        if chair_disagrees:
            sentences.append(
                f"The chair's own view was {OUTCOME_WORDS[chair_view]}; the majority stands and the chair's "
                "disagreement is recorded"
            )
    if abstained:
        sentences.append(f"{_names(abstained)} gave no view")
    dissenting = tuple(
        (vote.agency, vote.recommendation)
        for vote in given
        if vote.recommendation is not None and vote.recommendation != outcome
    )
    categories, must_choose, by_chair, category_how = _categories(
        outcome=outcome,
        votes=given,
        chair_categories=chair_categories,
        mode=categories_mode,
        chair_decides=chair_decides,
    )
    if category_how:
        sentences.append(category_how)
    elif must_choose:
        sentences.append("The agencies did not agree on the category, so the chair must choose it")
    return Result(
        rule=rule_name(rule),
        outcome=outcome,
        casting_vote_used=casting,
        chair_disagrees=chair_disagrees,
        dissenting=dissenting,
        categories=categories,
        chair_must_choose_category=must_choose,
        category_chosen_by_chair=by_chair,
        decided_how=". ".join(sentences) + ".",
        abstained=abstained,
    )
