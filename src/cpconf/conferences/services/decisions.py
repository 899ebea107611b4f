"""Each child's decision at a conference (R-DE-1 to R-DE-6): every agency's view, then the decision under
the authority's rule (``cpconf.conferences.decision_rule``).

Who may record is decided before these are called (the views and the API ask for ``RECORD_DECISION``: the
conference's chair, or a conference coordinator recording for the chair); these check the data. Each runs
in one transaction with the conference's row locked (so that two people recording at once cannot both
record the same agency's view or the same child's decision), checks everything before it writes, raises
``ValidationError`` with plain-English messages keyed by the form's field names, and writes its audit
history entry.

Decisions made here:

* **When.** At the conference or after it: a scheduled conference from its start time, or one recorded
  as held. Never for a conference that is requested, cancelled, or could not go ahead (R-QU-2: the
  reconvened conference decides).
* **Whose view** (R-DE-2). An agency's view comes from someone of that agency who attended (their
  invitation, and the colleague who came in their place if one did), or, when nobody from the agency
  attended, from its received written report. One view per agency per child: a second is refused.
  Categories go with a recommendation for a plan only, and such a recommendation names at least one (one
  exactly where the policy records a single category, R-DE-4). A view may be corrected
  (``agency_view_change``, with the version read: a stale change is refused) until the child's decision
  is recorded; then views are closed.
* **The decision** is recorded once per child and not changed here (a later conference changes it). It
  needs both answers to the two-limbed test (R-DE-1), the chair's own view, and at least one agency view.
  A plan is for a child likely to suffer significant harm: a plan with "no" to that question is refused.
  The rule gives the outcome; a plan carries its category or categories (R-DE-4: the chair chooses when
  the agencies did not agree); the chair's disagreement with a majority (Staffordshire) needs their
  reasons; dissenting views are always recorded (written from the views when the chair adds nothing); a
  child in need plan needs the family's answer on consent (R-DE-6).
* **Who decided** is the conference's chair, whoever records it; before a chair is named, a chair
  recording it themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cpconf import clock
from cpconf.access.log import audit_history_for, audit_record, audit_snapshot
from cpconf.clock import time_in_words
from cpconf.conferences import deadlines, decision_rule
from cpconf.conferences.models import (
    AgencyView,
    Category,
    ChildDecision,
    Conference,
    ConferenceStatus,
    Recommendation,
    ViewSource,
)
from cpconf.conferences.selectors.decisions import view_sources
from cpconf.conferences.services.scheduling import StaleEditError
from cpconf.people.models import Child, Professional, Role, User
from cpconf.people.selectors import professional_for_user
from cpconf.timescales.policy import CategoriesMode, Policy

RATIONALE_MAX_LENGTH = 5000
TEXT_MAX_LENGTH = 5000
GIVEN_BY_MAX_LENGTH = 200  # AgencyView.given_by

ALREADY_DECIDED = "A decision has already been recorded for this child at this conference"


class AlreadyDecidedError(ValidationError):
    """The child's decision was recorded already. Its code is the one the API answers with 409 (as for a
    record changed since it was read: what was sent conflicts with what is there)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="stale")


def decision_closed(conference: Conference, now: datetime) -> str:
    """Why views and decisions cannot be recorded for ``conference`` at ``now``, or "" if they can."""
    if conference.status == ConferenceStatus.HELD:
        return ""
    if conference.status == ConferenceStatus.CANCELLED:
        return "This conference was cancelled, so no decision is made at it."
    if conference.status == ConferenceStatus.INQUORATE:
        return (
            "This conference could not go ahead because it was not quorate, so no decision is made at it. "
            "The reconvened conference decides."
        )
    if conference.status != ConferenceStatus.SCHEDULED or conference.starts_at is None:
        return "This conference has not been booked yet. Decisions are recorded at the conference."
    if now < conference.starts_at:
        return f"Decisions are recorded at the conference, from {time_in_words(conference.starts_at)}."
    return ""


def policy_for(conference: Conference) -> Policy:
    """The authority's policy on the conference's day (today before it has one)."""
    return deadlines.policy_on(conference.authority, conference.starts_at or clock.now())


def single_category(policy: Policy) -> bool:
    return policy.categories == CategoriesMode.SINGLE


def _locked(conference: Conference) -> Conference:
    # Only the conference's own row: PostgreSQL cannot lock the nullable side of an outer join.
    return (
        Conference.objects.select_for_update(of=("self",))
        .select_related("authority", "chair")
        .get(pk=conference.pk)
    )


def _text(
    value: str | None, field: str, errors: dict[str, list[str]], *, required: str = "", what: str
) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[field] = [required]
    elif len(text) > TEXT_MAX_LENGTH:
        errors[field] = [f"{what} must be {TEXT_MAX_LENGTH} characters or fewer"]
    return text


def _clean_categories(
    categories: Iterable[str], *, field: str, errors: dict[str, list[str]], single: bool, required: bool
) -> list[str]:
    chosen = set(categories)
    if chosen - set(Category.values):
        errors[field] = ["Choose categories from the list"]
        return []
    ordered = [value for value in decision_rule.CATEGORIES if value in chosen]
    if required and not ordered:
        errors[field] = [
            "Select the category of abuse that is the main concern"
            if single
            else "Select at least one category of abuse"
        ]
    elif single and len(ordered) > 1:
        errors[field] = ["Select one category only: the one that is the main concern"]
    return ordered


@transaction.atomic
def agency_view_record(
    *,
    conference: Conference,
    child: Child,
    source: str,
    recommendation: str,
    categories: Iterable[str],
    rationale: str,
    acting_user: User,
) -> AgencyView:
    """Record one agency's view on ``child`` (R-DE-2): ``source`` names who gave it (``ViewSource.key``
    of ``view_sources``: an attending professional's invitation, or the written report of an agency
    nobody attended for)."""
    conference = _locked(conference)
    closed = decision_closed(conference, clock.now())
    if closed:
        raise ValidationError(closed)
    if not conference.children.filter(pk=child.pk).exists():
        raise ValidationError({"child": ["Choose a child this conference is about"]})
    if ChildDecision.objects.filter(conference=conference, child=child).exists():
        raise ValidationError(
            f"The decision for {child.full_name} has been recorded, so no more views can be added."
        )
    errors: dict[str, list[str]] = {}
    found = next((candidate for candidate in view_sources(conference) if candidate.key == source), None)
    if found is None:
        errors["source"] = [
            "Select someone who attended the conference for their agency, or the written report of an agency "
            "nobody attended for"
        ]
    elif AgencyView.objects.filter(conference=conference, child=child, agency=found.agency).exists():
        raise ValidationError(
            {
                "source": [
                    f"{found.agency.name} has already given its view on {child.full_name}. An agency gives one "
                    "view for each child"
                ]
            }
        )
    if recommendation not in Recommendation.values:
        errors["recommendation"] = ["Select what the agency recommends"]
    single = single_category(policy_for(conference))
    chosen = list(categories)
    if recommendation == Recommendation.PLAN:
        chosen = _clean_categories(chosen, field="categories", errors=errors, single=single, required=True)
    elif chosen and recommendation in Recommendation.values:
        errors["categories"] = ["Only select a category if the agency recommends a child protection plan"]
    rationale = _text(
        rationale,
        "rationale",
        errors,
        required="Enter the agency's reasons for its recommendation",
        what="The reasons",
    )
    if errors or found is None:
        raise ValidationError(errors)
    given_by = found.agency.name
    if found.invitation is not None:
        attendance = getattr(found.invitation, "attendance", None)
        given_by = (
            attendance.attended_by if attendance and attendance.attended_by else ""
        ) or found.invitation.name
    view = AgencyView(
        conference=conference,
        child=child,
        agency=found.agency,
        source=ViewSource.PRESENT if found.invitation is not None else ViewSource.WRITTEN_REPORT,
        invitation=found.invitation,
        report=found.report,
        given_by=given_by[:GIVEN_BY_MAX_LENGTH],
        recommendation=recommendation,
        categories=chosen,
        rationale=rationale,
        recorded_by=acting_user,
        recorded_at=clock.now(),
    )
    view.full_clean(exclude=["categories"])
    view.save()
    audit_record(actor=acting_user, action="create", instance=view, before=None, after=audit_snapshot(view))
    return view


@transaction.atomic
def agency_view_change(
    *,
    view: AgencyView,
    recommendation: str,
    categories: Iterable[str],
    rationale: str,
    expected_version: int | None,
    acting_user: User,
) -> AgencyView:
    """Correct an agency's view (R-DE-2) before the child's decision is recorded: what it recommends, the
    category and its reasons (who gave it stays). ``expected_version`` is the view's version the person
    read: if it has changed since, ``StaleEditError`` says who changed it and when, and nothing is saved."""
    conference = _locked(view.conference)
    view = (
        AgencyView.objects.select_for_update(of=("self",)).select_related("agency", "child").get(pk=view.pk)
    )
    closed = decision_closed(conference, clock.now())
    if closed:
        raise ValidationError(closed)
    if ChildDecision.objects.filter(conference=conference, child=view.child).exists():
        raise ValidationError(
            f"The decision for {view.child.full_name} has been recorded, so its views can no longer be changed."
        )
    if expected_version is not None and expected_version != view.version:
        last = audit_history_for(view).first()
        who = (last.actor_name if last is not None else "") or "Someone else"
        when = f" on {time_in_words(last.recorded_at)}" if last is not None else ""
        raise StaleEditError(
            f"{who} changed {view.agency.name}'s view{when}, after you opened this page. Your change has not been "
            "saved: check the view as it is now, then make your change again."
        )
    errors: dict[str, list[str]] = {}
    if recommendation not in Recommendation.values:
        errors["recommendation"] = ["Select what the agency recommends"]
    chosen = list(categories)
    if recommendation == Recommendation.PLAN:
        single = single_category(policy_for(conference))
        chosen = _clean_categories(chosen, field="categories", errors=errors, single=single, required=True)
    elif chosen and recommendation in Recommendation.values:
        errors["categories"] = ["Only select a category if the agency recommends a child protection plan"]
    rationale = _text(
        rationale,
        "rationale",
        errors,
        required="Enter the agency's reasons for its recommendation",
        what="The reasons",
    )
    if errors:
        raise ValidationError(errors)
    before = audit_snapshot(view)
    view.recommendation = recommendation
    view.categories = chosen
    view.rationale = rationale
    view.version += 1
    view.full_clean(exclude=["categories"])
    view.save()
    audit_record(actor=acting_user, action="change", instance=view, before=before, after=audit_snapshot(view))
    return view


def _decided_by(conference: Conference, acting_user: User) -> Professional | None:
    if conference.chair is not None:
        return conference.chair
    me = professional_for_user(acting_user)
    if me is not None and any(held.role == Role.CHAIR for held in me.roles.all()):
        return me
    return None


def _yes_no(value: bool | None, field: str, message: str, errors: dict[str, list[str]]) -> None:
    if value is None:
        errors[field] = [message]


@transaction.atomic
def child_decision_record(
    *,
    conference: Conference,
    child: Child,
    suffered_significant_harm: bool | None,
    likely_to_suffer_significant_harm: bool | None,
    chair_view: str,
    categories: Iterable[str] = (),
    chair_disagreement: str = "",
    dissent: str = "",
    family_consents: bool | None = None,
    compensation_considered: bool = False,
    acting_user: User,
) -> ChildDecision:
    """Record the conference's decision for ``child`` (R-DE-1 to R-DE-6), as the authority's rule gives it
    from the agencies' views and the chair's view (R-DE-3). Once per child: a second is refused with
    ``AlreadyDecidedError`` and nothing is written."""
    conference = _locked(conference)
    closed = decision_closed(conference, clock.now())
    if closed:
        raise ValidationError(closed)
    if not conference.children.filter(pk=child.pk).exists():
        raise ValidationError({"child": ["Choose a child this conference is about"]})
    if ChildDecision.objects.filter(conference=conference, child=child).exists():
        raise AlreadyDecidedError(f"{ALREADY_DECIDED}: {child.full_name}.")
    decided_by = _decided_by(conference, acting_user)
    if decided_by is None:
        raise ValidationError("Name the conference's chair before recording a decision: the chair decides.")
    views = list(AgencyView.objects.filter(conference=conference, child=child).select_related("agency"))
    if not views:
        raise ValidationError(
            f"Record at least one agency's view on {child.full_name} before the decision. Every agency gives "
            "its view, and absent agencies through their written report."
        )
    errors: dict[str, list[str]] = {}
    _yes_no(
        suffered_significant_harm,
        "suffered_significant_harm",
        "Select whether the child has suffered significant harm",
        errors,
    )
    _yes_no(
        likely_to_suffer_significant_harm,
        "likely_to_suffer_significant_harm",
        "Select whether the child is likely to suffer significant harm in future",
        errors,
    )
    if chair_view not in Recommendation.values:
        errors["chair_view"] = ["Select the chair's own view"]
    policy = policy_for(conference)
    single = single_category(policy)
    chosen = _clean_categories(categories, field="categories", errors=errors, single=single, required=False)
    chair_disagreement = _text(chair_disagreement, "chair_disagreement", errors, what="The chair's reasons")
    dissent = _text(dissent, "dissent", errors, what="Dissenting views")
    if errors:
        raise ValidationError(errors)

    votes = [
        decision_rule.AgencyVote(
            agency=view.agency.name, recommendation=view.recommendation, categories=tuple(view.categories)
        )
        for view in views
    ]
    try:
        result = decision_rule.decide(
            rule=policy.decision_rule,
            votes=votes,
            chair_view=chair_view,
            categories_mode=policy.categories,
            chair_categories=chosen,
        )
    except decision_rule.NoViewsError:
        raise ValidationError(
            f"No agency gave a view on {child.full_name}, and under this authority's rule the agencies decide. "
            "Record the agencies' views first."
        ) from None
    if result.outcome == Recommendation.PLAN:
        if likely_to_suffer_significant_harm is False:
            errors["likely_to_suffer_significant_harm"] = [
                "A child protection plan is for a child likely to suffer significant harm. Check this answer, "
                "or the views"
            ]
        if result.chair_must_choose_category:
            errors["categories"] = [
                "The agencies did not agree on the category, so the chair must choose "
                + ("the one category that is the main concern" if single else "the categories")
            ]
    if result.chair_disagrees and not chair_disagreement:
        errors["chair_disagreement"] = [
            f"The majority decided on {decision_rule.OUTCOME_WORDS[result.outcome]}, which is not the chair's "
            "view. Enter the chair's reasons for disagreeing: they are recorded"
        ]
    if result.outcome == Recommendation.CHILD_IN_NEED:
        _yes_no(
            family_consents,
            "family_consents",
            "Select whether the family consents to a child in need plan",
            errors,
        )
    if errors:
        raise ValidationError(errors)

    decision = ChildDecision(
        conference=conference,
        child=child,
        suffered_significant_harm=bool(suffered_significant_harm),
        likely_to_suffer_significant_harm=bool(likely_to_suffer_significant_harm),
        outcome=result.outcome,
        categories=list(result.categories),
        decision_rule=result.rule,
        decided_how=result.decided_how,
        chair_view=chair_view,
        casting_vote_used=result.casting_vote_used,
        chair_disagreement=chair_disagreement if result.chair_disagrees else "",
        dissent=" ".join(part for part in (result.dissent_in_words, dissent) if part),
        category_chosen_by_chair=result.category_chosen_by_chair,
        family_consents=family_consents if result.outcome == Recommendation.CHILD_IN_NEED else None,
        compensation_considered=bool(compensation_considered) and result.outcome == Recommendation.PLAN,
        decided_by=decided_by,
        recorded_by=acting_user,
        recorded_at=clock.now(),
    )
    decision.full_clean(exclude=["categories"], validate_constraints=False)
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:  # pragma: no cover - the conference's lock makes this a second line of defence
        raise AlreadyDecidedError(f"{ALREADY_DECIDED}: {child.full_name}.") from None
    decider = professional_for_user(acting_user)
    audit_record(
        actor=acting_user,
        action="create",
        instance=decision,
        before=None,
        after=audit_snapshot(decision),
        reason=""
        if decider is not None and decider.pk == decided_by.pk
        else f"Recorded for the chair, {decided_by.full_name}.",
    )
    return decision


def decision_summary(decision: ChildDecision) -> str:
    """The decision for one child in plain English, for the minutes and letters (pure: reads the decision
    and its child only)."""
    child = decision.child.full_name
    outcome = decision_rule.OUTCOME_WORDS.get(decision.outcome, decision.outcome)
    parts = []
    if decision.outcome == Recommendation.PLAN:
        categories = decision_rule.categories_in_words(list(decision.categories))
        word = "category" if len(decision.categories) == 1 else "categories"
        parts.append(f"{child} is to have {outcome}, under the {word} of {categories}.")
    elif decision.outcome == Recommendation.CHILD_IN_NEED:
        parts.append(f"{child} does not need a child protection plan; a child in need plan is to be offered.")
    else:
        parts.append(f"{child} does not need a child protection plan; no further action is to be taken.")
    parts.append(
        f"Has {child} suffered significant harm? {'Yes' if decision.suffered_significant_harm else 'No'}. "
        f"Is {child} likely to suffer significant harm in future? "
        f"{'Yes' if decision.likely_to_suffer_significant_harm else 'No'}."
    )
    parts.append(decision.decided_how)
    if decision.chair_disagreement:
        parts.append(f"The chair's disagreement: {decision.chair_disagreement}")
    if decision.dissent:
        parts.append(decision.dissent)
    if decision.outcome == Recommendation.CHILD_IN_NEED and decision.family_consents is not None:
        parts.append(
            "The family consents to a child in need plan."
            if decision.family_consents
            else "The family does not consent to a child in need plan."
        )
    if decision.compensation_considered:
        parts.append("Criminal injuries compensation was considered.")
    return " ".join(parts)
