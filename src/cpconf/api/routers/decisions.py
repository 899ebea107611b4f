"""Each child's decision at a conference (R-DE-1 to R-DE-6): every agency's view, who has not given one,
and the decision; recording an agency's view and recording the decision.

Reads go through ``gateways.conference_for`` (logged); writes through
``cpconf.conferences.services.decisions`` (audited), by the conference's chair or a conference coordinator
recording for the chair (``RECORD_DECISION``), as on the pages. An authority's own system reads the
decisions and records none: a person decides. A second decision for the same child is refused with 409."""

# No "from __future__ import annotations" here: django-ninja reads the handlers' annotations at import.

import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from cpconf.access import gateways
from cpconf.access.rules import RECORD_DECISION
from cpconf.api.auth import acting_user
from cpconf.api.errors import refuse, service_fields
from cpconf.api.routers.conferences import MAX_VERSION
from cpconf.api.schemas import CHANGE_REFUSALS, RECORD_REFUSALS, ChildRef, Ref, Text
from cpconf.conferences.models import (
    AgencyView,
    Category,
    ChildDecision,
    Conference,
    Recommendation,
    ViewSource,
)
from cpconf.conferences.selectors import decisions as selectors
from cpconf.conferences.services import decisions as services
from cpconf.people.models import Child

router = Router(tags=["Decisions"])

#: What the access log calls these reads and changes (as the pages do).
WHAT = "conference-decisions"
#: The services' field names that this API names differently.
FIELDS = {"child": "child_id", "source": "invitation_id"}


class ViewOut(Schema):
    id: uuid.UUID
    agency: Ref
    source: ViewSource = Field(
        description="'present' (given at the conference) or 'written_report' (from the written report of an "
        "agency nobody attended for, R-DE-2)."
    )
    given_by: str
    invitation_id: uuid.UUID | None
    report_id: uuid.UUID | None
    recommendation: Recommendation
    categories: list[Category]
    rationale: str
    recorded_at: datetime
    version: int = Field(description="Send it back as expected_version to correct the view.")


class SourceOut(Schema):
    """Where a view not yet given can come from: send its ``invitation_id`` or ``report_id``."""

    agency: Ref
    invitation_id: uuid.UUID | None
    report_id: uuid.UUID | None
    label: str


class NotGivenOut(Schema):
    agency: Ref
    present: bool = Field(description="Someone from the agency attended.")
    report_received: bool = Field(description="Its written report was received.")


class DecisionOut(Schema):
    id: uuid.UUID
    child: ChildRef
    suffered_significant_harm: bool
    likely_to_suffer_significant_harm: bool
    outcome: Recommendation
    outcome_name: str
    categories: list[Category]
    decision_rule: str = Field(description="The authority's rule (R-DE-3); 'national' where it sets none.")
    decided_how: str
    chair_view: Recommendation
    casting_vote_used: bool
    chair_disagreement: str
    dissent: str
    category_chosen_by_chair: bool
    family_consents: bool | None = Field(description="For a child in need plan only (R-DE-6).")
    compensation_considered: bool
    decided_by: Ref
    recorded_at: datetime
    summary: str = Field(description="The decision in plain English.")


class ChildDecisionsOut(Schema):
    child: ChildRef
    views: list[ViewOut]
    not_given: list[NotGivenOut]
    sources: list[SourceOut]
    decision: DecisionOut | None


def _ref(agency: Any) -> dict[str, Any]:
    return {"id": agency.public_id, "name": agency.name}


def view_out(view: AgencyView) -> dict[str, Any]:
    return {
        "id": view.public_id,
        "agency": _ref(view.agency),
        "source": view.source,
        "given_by": view.given_by,
        "invitation_id": view.invitation.public_id if view.invitation else None,
        "report_id": view.report.public_id if view.report else None,
        "recommendation": view.recommendation,
        "categories": list(view.categories),
        "rationale": view.rationale,
        "recorded_at": view.recorded_at,
        "version": view.version,
    }


def decision_out(decision: ChildDecision, child: Child) -> dict[str, Any]:
    decision.child = child
    return {
        "id": decision.public_id,
        "child": {"id": child.public_id, "name": child.full_name},
        "suffered_significant_harm": decision.suffered_significant_harm,
        "likely_to_suffer_significant_harm": decision.likely_to_suffer_significant_harm,
        "outcome": decision.outcome,
        "outcome_name": decision.get_outcome_display(),
        "categories": list(decision.categories),
        "decision_rule": decision.decision_rule,
        "decided_how": decision.decided_how,
        "chair_view": decision.chair_view,
        "casting_vote_used": decision.casting_vote_used,
        "chair_disagreement": decision.chair_disagreement,
        "dissent": decision.dissent,
        "category_chosen_by_chair": decision.category_chosen_by_chair,
        "family_consents": decision.family_consents,
        "compensation_considered": decision.compensation_considered,
        "decided_by": {"id": decision.decided_by.public_id, "name": decision.decided_by.full_name},
        "recorded_at": decision.recorded_at,
        "summary": services.decision_summary(decision),
    }


def _source_out(source: selectors.ViewSource) -> dict[str, Any]:
    return {
        "agency": _ref(source.agency),
        "invitation_id": source.invitation.public_id if source.invitation else None,
        "report_id": source.report.public_id if source.report else None,
        "label": source.label,
    }


def _row_out(row: selectors.ChildDecisions) -> dict[str, Any]:
    return {
        "child": {"id": row.child.public_id, "name": row.child.full_name},
        "views": [view_out(view) for view in row.views],
        "not_given": [
            {
                "agency": _ref(still.agency),
                "present": still.present,
                "report_received": still.report is not None,
            }
            for still in row.not_given
        ],
        "sources": [_source_out(source) for source in row.sources],
        "decision": decision_out(row.decision, row.child) if row.decision else None,
    }


@router.get(
    "/conferences/{uuid:conference_id}/decisions",
    response={200: list[ChildDecisionsOut], **RECORD_REFUSALS},
    operation_id="decisions_list",
    summary="List each child's decision and every agency's view",
)
def decisions_list(request: HttpRequest, conference_id: uuid.UUID) -> list[dict[str, Any]]:
    """Each child the conference is about: every agency's view (R-DE-2), the agencies still to give one,
    where those views can come from, and the decision (R-DE-1, R-DE-3 to R-DE-6) once recorded."""
    conference = gateways.conference_for(acting_user(request), conference_id, what=WHAT, request=request)
    return [_row_out(row) for row in selectors.decisions_for(conference)]


def _conference_and_child(
    request: HttpRequest, conference_id: uuid.UUID, child_id: uuid.UUID
) -> tuple[Conference, Child]:
    conference = gateways.conference_for(
        acting_user(request), conference_id, what=WHAT, permission=RECORD_DECISION, request=request
    )
    child = selectors.child_in(conference, child_id)
    if child is None:
        raise refuse("child_id", "Choose a child this conference is about.")
    return conference, child


class ViewIn(Schema):
    child_id: uuid.UUID
    invitation_id: uuid.UUID | None = Field(
        None, description="The invitation of the professional who gave the view at the conference."
    )
    report_id: uuid.UUID | None = Field(
        None, description="Or: the received written report of an agency nobody attended for (R-DE-2)."
    )
    recommendation: Recommendation
    categories: list[Category] = Field(
        default_factory=list,
        max_length=4,
        description="Only with a recommendation for a plan, and then at least one (R-DE-4).",
    )
    rationale: Text


@router.post(
    "/conferences/{uuid:conference_id}/views",
    response={201: ViewOut, **RECORD_REFUSALS},
    operation_id="agency_view_record",
    summary="Record an agency's view on a child",
)
def agency_view_record(
    request: HttpRequest, conference_id: uuid.UUID, payload: ViewIn
) -> Status[dict[str, Any]]:
    """One agency's view on one child (R-DE-2): from someone who attended for it (``invitation_id``), or
    from its written report if nobody did (``report_id``). One view per agency per child (422 for a
    second); none once the child's decision is recorded."""
    conference, child = _conference_and_child(request, conference_id, payload.child_id)
    fields = dict(FIELDS)
    if payload.invitation_id is not None:
        source = f"invitation:{payload.invitation_id}"
    elif payload.report_id is not None:
        source = f"report:{payload.report_id}"
        fields["source"] = "report_id"
    else:
        source = ""
    with service_fields(**fields):
        view = services.agency_view_record(
            conference=conference,
            child=child,
            source=source,
            recommendation=payload.recommendation,
            categories=list(payload.categories),
            rationale=payload.rationale,
            acting_user=acting_user(request),
        )
    return Status(201, view_out(view))


class ViewChangeIn(Schema):
    view_id: uuid.UUID
    recommendation: Recommendation
    categories: list[Category] = Field(
        default_factory=list,
        max_length=4,
        description="Only with a recommendation for a plan, and then at least one (R-DE-4).",
    )
    rationale: Text
    expected_version: int = Field(
        ge=1,
        le=MAX_VERSION,
        description="The view's version you read. If it has changed since, nothing is saved (409).",
    )


@router.post(
    "/conferences/{uuid:conference_id}/views/change",
    response={200: ViewOut, **CHANGE_REFUSALS},
    operation_id="agency_view_change",
    summary="Correct an agency's view on a child",
)
def agency_view_change(
    request: HttpRequest, conference_id: uuid.UUID, payload: ViewChangeIn
) -> dict[str, Any]:
    """Correct what an agency recommends, the category and its reasons (R-DE-2), until the child's decision
    is recorded. Who gave the view stays. A view changed since you read it: 409."""
    user = acting_user(request)
    conference = gateways.conference_for(
        user, conference_id, what=WHAT, permission=RECORD_DECISION, request=request
    )
    view = selectors.view_in(conference, payload.view_id)
    if view is None:
        raise refuse("view_id", "This conference has no agency view with this identifier.")
    with service_fields():
        view = services.agency_view_change(
            view=view,
            recommendation=payload.recommendation,
            categories=list(payload.categories),
            rationale=payload.rationale,
            expected_version=payload.expected_version,
            acting_user=user,
        )
    return view_out(view)


class DecisionIn(Schema):
    child_id: uuid.UUID
    suffered_significant_harm: bool = Field(description="Has the child suffered significant harm? (R-DE-1)")
    likely_to_suffer_significant_harm: bool = Field(
        description="Is the child likely to suffer significant harm in future? (R-DE-1)"
    )
    chair_view: Recommendation = Field(description="The chair's own view (R-DE-3).")
    categories: list[Category] = Field(
        default_factory=list,
        max_length=4,
        description="The chair's choice of category, needed for a plan when the agencies did not agree on one "
        "(R-DE-4); one only where the authority records a single category.",
    )
    chair_disagreement: Text = Field(
        "", description="The chair's reasons, when the majority decides otherwise."
    )
    dissent: Text = Field("", description="More to record about dissenting views.")
    family_consents: bool | None = Field(None, description="For a child in need plan: the family's consent.")
    compensation_considered: bool = False


@router.post(
    "/conferences/{uuid:conference_id}/decisions",
    response={201: DecisionOut, **CHANGE_REFUSALS},
    operation_id="decision_record",
    summary="Record the decision for a child",
)
def decision_record(
    request: HttpRequest, conference_id: uuid.UUID, payload: DecisionIn
) -> Status[dict[str, Any]]:
    """The conference's decision for one child, as the authority's rule gives it from the agencies' views
    and the chair's view (R-DE-3). Once per child: a second is refused with 409."""
    conference, child = _conference_and_child(request, conference_id, payload.child_id)
    with service_fields(**FIELDS):
        decision = services.child_decision_record(
            conference=conference,
            child=child,
            suffered_significant_harm=payload.suffered_significant_harm,
            likely_to_suffer_significant_harm=payload.likely_to_suffer_significant_harm,
            chair_view=payload.chair_view,
            categories=list(payload.categories),
            chair_disagreement=payload.chair_disagreement,
            dissent=payload.dissent,
            family_consents=payload.family_consents,
            compensation_considered=payload.compensation_considered,
            acting_user=acting_user(request),
        )
    return Status(201, decision_out(decision, child))
