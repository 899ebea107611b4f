"""Strategy discussions and Section 47 enquiries, to the outcome that requests the initial conference
(R-CT-1, R-CT-3, R-CH-1). As the pages do: ``enquiries.selectors.authority_for`` refuses (403, logged)
anyone who does not manage enquiries, and scopes everything to their authority; ``enquiry_for`` reads one
(logged against each child of the household); writes go through ``cpconf.enquiries.services`` (audited)."""

# No "from __future__ import annotations" here: django-ninja reads the handlers' annotations at import.

import uuid
from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cpconf.api import selectors
from cpconf.api.auth import acting_user
from cpconf.api.errors import refuse, service_fields
from cpconf.api.pagination import Page, Shaped
from cpconf.api.routers.conferences import ConferenceOut, conference_out
from cpconf.api.schemas import RECORD_REFUSALS, REFUSALS, Day, Ref, Text
from cpconf.enquiries import selectors as enquiry_selectors
from cpconf.enquiries import services
from cpconf.enquiries.models import (
    EnquiryOutcome,
    Section47Enquiry,
    StrategyDiscussion,
    StrategyDiscussionOutcome,
)
from cpconf.people.models import Agency

router = Router(tags=["Enquiries"])

#: The most agencies, or children, one request may name.
MAX_ITEMS = 50


# What the API shows


class StrategyDiscussionOut(Schema):
    id: uuid.UUID
    household: Ref
    held_on: date
    agencies_present: list[Ref]
    outcome: StrategyDiscussionOutcome
    outcome_name: str
    outcome_notes: str


class StrategyDiscussionSummary(Schema):
    id: uuid.UUID
    held_on: date
    outcome: StrategyDiscussionOutcome


class ChildConsidered(Schema):
    """A child of the household: every one is considered, and one left out has a reason (R-CH-1)."""

    id: uuid.UUID
    name: str
    included: bool
    not_included_reason: str


class EnquiryOut(Schema):
    id: uuid.UUID
    household: Ref
    started_on: date
    strategy_discussion: StrategyDiscussionSummary | None
    children: list[ChildConsidered]
    contributing_agencies: list[Ref]
    outcome: EnquiryOutcome
    outcome_name: str
    outcome_reason: str
    outcome_on: date | None
    conferences: list[uuid.UUID] = Field(description="The conferences it called for.")


def _agencies(agencies: list[Agency]) -> list[dict[str, Any]]:
    return [{"id": agency.public_id, "name": agency.name} for agency in agencies]


def discussion_out(discussion: StrategyDiscussion) -> dict[str, Any]:
    return {
        "id": discussion.public_id,
        "household": {"id": discussion.household.public_id, "name": discussion.household.name},
        "held_on": discussion.held_on,
        "agencies_present": _agencies(list(discussion.agencies_present.all())),
        "outcome": discussion.outcome,
        "outcome_name": discussion.get_outcome_display(),
        "outcome_notes": discussion.outcome_notes,
    }


def enquiry_out(enquiry: Section47Enquiry) -> dict[str, Any]:
    """An enquiry loaded with its children, agencies and conferences, as the API shows it."""
    discussion = enquiry.strategy_discussion
    return {
        "id": enquiry.public_id,
        "household": {"id": enquiry.household.public_id, "name": enquiry.household.name},
        "started_on": enquiry.started_on,
        "strategy_discussion": None
        if discussion is None
        else {"id": discussion.public_id, "held_on": discussion.held_on, "outcome": discussion.outcome},
        "children": [
            {
                "id": row.child.public_id,
                "name": row.child.full_name,
                "included": row.included,
                "not_included_reason": row.not_included_reason,
            }
            for row in enquiry.enquiry_children.all()
        ],
        "contributing_agencies": _agencies(list(enquiry.contributing_agencies.all())),
        "outcome": enquiry.outcome,
        "outcome_name": enquiry.get_outcome_display(),
        "outcome_reason": enquiry.outcome_reason,
        "outcome_on": enquiry.outcome_on,
        "conferences": [conference.public_id for conference in enquiry.conferences.all()],
    }


def _agencies_named(authority_id: int, public_ids: list[uuid.UUID], field: str) -> list[Agency]:
    agencies, missing = selectors.agencies_in(authority_id, public_ids)
    if missing:
        index = public_ids.index(missing[0])
        raise refuse(f"{field}.{index}", "No agency of your authority has this identifier.")
    return agencies


# Enquiries


class EnquiryFilters(Schema):
    outcome: EnquiryOutcome | None = Field(None, description="Only enquiries with this outcome.")


@router.get(
    "/enquiries",
    response={200: list[EnquiryOut], **REFUSALS},
    operation_id="enquiries_list",
    summary="List Section 47 enquiries",
)
@paginate(Page)
def enquiries_list(request: HttpRequest, filters: Query[EnquiryFilters]) -> Shaped[Section47Enquiry]:
    """The Section 47 enquiries of your authority, newest first: for social care staff and the
    authority's own system."""
    authority = enquiry_selectors.authority_for(acting_user(request), what="enquiry-list", request=request)
    enquiries = enquiry_selectors.enquiries_for(authority)
    if filters.outcome is not None:
        enquiries = enquiries.filter(outcome=filters.outcome)
    return Shaped(selectors.enquiry_list(enquiries), enquiry_out)


@router.get(
    "/enquiries/{uuid:enquiry_id}",
    response={200: EnquiryOut, **RECORD_REFUSALS},
    operation_id="enquiry_read",
    summary="Read a Section 47 enquiry",
)
def enquiry_read(request: HttpRequest, enquiry_id: uuid.UUID) -> dict[str, Any]:
    """An enquiry with every child of its household, whether each is included and why not (R-CH-1)."""
    user = acting_user(request)
    authority = enquiry_selectors.authority_for(user, what=enquiry_selectors.ENQUIRY, request=request)
    return enquiry_out(enquiry_selectors.enquiry_for(user, authority, enquiry_id, request=request))


class StrategyDiscussionIn(Schema):
    household_id: uuid.UUID
    held_on: Day = Field(description="Today or earlier.")
    agencies_present: list[uuid.UUID] = Field(min_length=1, max_length=MAX_ITEMS)
    outcome: StrategyDiscussionOutcome
    outcome_notes: Text = ""


@router.post(
    "/strategy-discussions",
    response={201: StrategyDiscussionOut, **REFUSALS},
    operation_id="strategy_discussion_create",
    summary="Record a strategy discussion",
)
def strategy_discussion_create(request: HttpRequest, payload: StrategyDiscussionIn) -> Status[dict[str, Any]]:
    """The discussion between social care, police and health that decides whether to start a Section 47
    enquiry; the initial conference is due counted from it (R-CT-1)."""
    user = acting_user(request)
    authority = enquiry_selectors.authority_for(
        user, what=enquiry_selectors.STRATEGY_DISCUSSION, request=request
    )
    household = selectors.household_in(authority.pk, payload.household_id)
    if household is None:
        raise refuse("household_id", "No household of your authority has this identifier.")
    agencies = _agencies_named(authority.pk, payload.agencies_present, "agencies_present")
    with service_fields():
        discussion = services.strategy_discussion_record(
            authority=authority,
            household=household,
            held_on=payload.held_on,
            agencies_present=agencies,
            outcome=payload.outcome,
            outcome_notes=payload.outcome_notes,
            acting_user=user,
        )
    return Status(201, discussion_out(selectors.strategy_discussion_reloaded(discussion)))


class ChildLeftOut(Schema):
    child_id: uuid.UUID
    reason: Text = Field(description="Why this child of the household is not included (R-CH-1).")


class EnquiryStartIn(Schema):
    household_id: uuid.UUID
    started_on: Day = Field(description="Today or earlier, and not before the strategy discussion.")
    strategy_discussion_id: uuid.UUID | None = Field(
        None, description="The strategy discussion that decided to start it, if there was one."
    )
    contributing_agencies: list[uuid.UUID] = Field([], max_length=MAX_ITEMS)
    children_left_out: list[ChildLeftOut] = Field(
        [], max_length=MAX_ITEMS, description="Every child of the household is included unless named here."
    )


@router.post(
    "/enquiries",
    response={201: EnquiryOut, **REFUSALS},
    operation_id="enquiry_start",
    summary="Start a Section 47 enquiry",
)
def enquiry_start(request: HttpRequest, payload: EnquiryStartIn) -> Status[dict[str, Any]]:
    """An enquiry about every child of a household, unless a child is left out with a reason (R-CH-1)."""
    user = acting_user(request)
    authority = enquiry_selectors.authority_for(user, what=enquiry_selectors.ENQUIRY, request=request)
    household = selectors.household_in(authority.pk, payload.household_id)
    if household is None:
        raise refuse("household_id", "No household of your authority has this identifier.")
    discussion = None
    if payload.strategy_discussion_id is not None:
        discussion = selectors.strategy_discussion_in(authority.pk, payload.strategy_discussion_id)
        if discussion is None:
            raise refuse(
                "strategy_discussion_id", "No strategy discussion of your authority has this identifier."
            )
    agencies = _agencies_named(authority.pk, payload.contributing_agencies, "contributing_agencies")
    members = selectors.household_children(household)
    left_out = {}
    for index, row in enumerate(payload.children_left_out):
        child = members.get(row.child_id)
        if child is None:
            raise refuse(
                f"children_left_out.{index}.child_id", "No child of this household has this identifier."
            )
        if child in left_out:
            raise refuse(f"children_left_out.{index}.child_id", "Name each child once.")
        left_out[child] = row.reason
    with service_fields(children="children_left_out"):
        enquiry = services.enquiry_start(
            authority=authority,
            household=household,
            started_on=payload.started_on,
            strategy_discussion=discussion,
            contributing_agencies=agencies,
            left_out=left_out,
            acting_user=user,
        )
    return Status(201, enquiry_out(selectors.enquiry_reloaded(enquiry)))


class OutcomeIn(Schema):
    outcome: Literal["conference_needed", "no_conference"] = Field(
        description="Whether an initial conference is needed."
    )
    reason: Text
    concluded_on: Day = Field(description="Today or earlier, and not before the enquiry started.")


class OutcomeOut(Schema):
    enquiry: EnquiryOut
    conference: ConferenceOut | None = Field(
        description="The initial conference requested, if one is needed."
    )


@router.post(
    "/enquiries/{uuid:enquiry_id}/outcome",
    response={200: OutcomeOut, **RECORD_REFUSALS},
    operation_id="enquiry_outcome_record",
    summary="Record the outcome of a Section 47 enquiry",
)
def enquiry_outcome_record(request: HttpRequest, enquiry_id: uuid.UUID, payload: OutcomeIn) -> dict[str, Any]:
    """ "Conference needed" requests the initial conference (a pre-birth one when every child included is
    unborn), due by the statutory clock (R-CT-1, R-CT-3), and answers with it."""
    user = acting_user(request)
    authority = enquiry_selectors.authority_for(user, what=enquiry_selectors.ENQUIRY, request=request)
    enquiry = enquiry_selectors.enquiry_for(user, authority, enquiry_id, request=request)
    with service_fields():
        conference = services.enquiry_conclude(
            enquiry=enquiry,
            outcome=payload.outcome,
            reason=payload.reason,
            concluded_on=payload.concluded_on,
            acting_user=user,
        )
    return {
        "enquiry": enquiry_out(selectors.enquiry_reloaded(enquiry)),
        "conference": None
        if conference is None
        else conference_out(selectors.conference_reloaded(conference)),
    }
