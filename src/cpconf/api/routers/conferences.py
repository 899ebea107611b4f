"""Conferences: the list, one conference, and every change to its booking and its outcome (R-CT-1 to
R-CT-6, R-AF-4). Each read goes through ``gateways.conference_for`` (logged); each change through
``cpconf.conferences.services.scheduling`` (audited), with ``expected_version`` so that a change made
since the client read the conference is refused with 409, never overwritten."""

# No "from __future__ import annotations" here: django-ninja reads the handlers' annotations at import.

import uuid
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cpconf.access import gateways
from cpconf.access.rules import CHAIR_CONFERENCE, MANAGE_CONFERENCE, REQUEST_REVIEW
from cpconf.api import selectors
from cpconf.api.auth import acting_user
from cpconf.api.errors import refuse, service_fields
from cpconf.api.pagination import Page, Shaped
from cpconf.api.schemas import (
    CHANGE_REFUSALS,
    RECORD_REFUSALS,
    REFUSALS,
    ChildRef,
    Day,
    Moment,
    Ref,
    Text,
)
from cpconf.conferences.models import Conference, ConferenceStatus, ConferenceType, VenueKind
from cpconf.conferences.quorum import Outcome
from cpconf.conferences.selectors.quorum import quorum_for
from cpconf.conferences.services import scheduling
from cpconf.enquiries import selectors as enquiry_selectors
from cpconf.people.models import Authority, Professional

router = Router(tags=["Conferences"])

#: The largest version number a client may send (PositiveIntegerField's range on every database).
MAX_VERSION = 2_147_483_647


# What the API shows of a conference


class ScheduleOut(Schema):
    starts_at: datetime | None
    ends_at: datetime | None
    venue_kind: VenueKind | None
    venue_address: str
    joining_details: str
    chair: Ref | None
    minute_taker: Ref | None
    out_of_timescale_reason: str = Field(description="Why it is booked after its due date, if it is.")
    sequence: int = Field(description="Raised each time the date, time or place changes (R-AF-4).")


class ConferenceOut(Schema):
    id: uuid.UUID
    reference: str = Field(description="A short reference for letters and calendars; it names no one.")
    conference_type: ConferenceType
    conference_type_name: str
    status: ConferenceStatus
    status_name: str
    children: list[ChildRef]
    household: Ref | None
    enquiry_id: uuid.UUID | None = Field(description="The Section 47 enquiry that called for it.")
    previous_id: uuid.UUID | None = Field(
        description="The conference it follows (a review, a reconvened one)."
    )
    counted_from: date | None
    earliest_date: date | None = Field(description="A pre-birth window's first day (R-CT-3).")
    due_date: date | None
    due_date_basis: str = Field(description="The rule the due date comes from, in words.")
    overdue: bool = Field(description="Still to happen, and its due date has passed.")
    out_of_timescale: bool = Field(description="Booked (or held) after its due date.")
    schedule: ScheduleOut
    cancelled_reason: str
    version: int = Field(description="Send it back as expected_version with a change.")


class QuorumOut(Schema):
    """Whether the conference will be quorate under its authority's policy, from the replies and reports
    so far (R-QU-1), and why."""

    outcome: Outcome = Field(description="'quorate', 'at_risk' (someone has not replied) or 'not_quorate'.")
    headline: str
    rule_in_words: str = Field(description="The policy's quorum rule, in words.")
    reasons: list[str]
    notes: list[str] = Field(description="What else the chair should know (R-QU-2).")
    attending: list[str] = Field(description="The agencies expected, by name.")


class ConferenceDetailOut(ConferenceOut):
    quorum: QuorumOut | None = Field(
        description="While the conference is still to happen (requested or scheduled); null after."
    )


def quorum_out(conference: Conference) -> dict[str, Any] | None:
    """The quorum of a conference still to happen (as its page shows it), or None."""
    if not conference.is_open:
        return None
    assessment = quorum_for(conference)
    return {
        "outcome": assessment.outcome,
        "headline": assessment.headline,
        "rule_in_words": assessment.rule_in_words,
        "reasons": list(assessment.reasons),
        "notes": list(assessment.notes),
        "attending": list(assessment.attending),
    }


def _person(professional: Professional | None) -> dict[str, Any] | None:
    return None if professional is None else {"id": professional.public_id, "name": professional.full_name}


def conference_out(conference: Conference) -> dict[str, Any]:
    """A conference loaded by ``selectors.conference_shape``, as the API shows it."""
    rows = getattr(conference, "children_in_order", None)
    children = [row.child for row in rows] if rows is not None else list(conference.children.order_by("pk"))
    household = conference.household
    return {
        "id": conference.public_id,
        "reference": conference.reference,
        "conference_type": conference.conference_type,
        "conference_type_name": conference.get_conference_type_display(),
        "status": conference.status,
        "status_name": conference.get_status_display(),
        "children": [{"id": child.public_id, "name": child.full_name} for child in children],
        "household": None if household is None else {"id": household.public_id, "name": household.name},
        "enquiry_id": conference.enquiry.public_id if conference.enquiry else None,
        "previous_id": conference.previous.public_id if conference.previous else None,
        "counted_from": conference.counted_from,
        "earliest_date": conference.earliest_date,
        "due_date": conference.due_date,
        "due_date_basis": conference.due_date_basis,
        "overdue": conference.is_overdue,
        "out_of_timescale": conference.out_of_timescale,
        "schedule": {
            "starts_at": conference.starts_at,
            "ends_at": conference.ends_at,
            "venue_kind": conference.venue_kind or None,
            "venue_address": conference.venue_address,
            "joining_details": conference.joining_details,
            "chair": _person(conference.chair),
            "minute_taker": _person(conference.minute_taker),
            "out_of_timescale_reason": conference.out_of_timescale_reason,
            "sequence": conference.schedule_sequence,
        },
        "cancelled_reason": conference.cancelled_reason,
        "version": conference.version,
    }


def reloaded_out(conference: Conference) -> dict[str, Any]:
    return conference_out(selectors.conference_reloaded(conference))


# The list


class ConferenceFilters(Schema):
    status: ConferenceStatus | None = Field(None, description="Only conferences with this status.")
    type: ConferenceType | None = Field(None, description="Only conferences of this type.")
    overdue: bool | None = Field(None, description="Only those still to happen past their due date (or not).")
    out_of_timescale: bool | None = Field(
        None, description="Only those booked or held after their due date (or not)."
    )


@router.get(
    "/conferences",
    response={200: list[ConferenceOut], **REFUSALS},
    operation_id="conferences_list",
    summary="List conferences",
)
@paginate(Page)
def conferences_list(request: HttpRequest, filters: Query[ConferenceFilters]) -> Shaped[Conference]:
    """The conferences you may see, soonest due first. A service account sees every conference of its
    own authority; a person, those the pages show them."""
    user = acting_user(request)
    conferences = gateways.conferences_for(user, request=request)
    return Shaped(
        selectors.conference_list(
            conferences,
            status=filters.status,
            conference_type=filters.type,
            overdue=filters.overdue,
            out_of_timescale=filters.out_of_timescale,
        ),
        conference_out,
    )


# One conference


@router.get(
    "/conferences/{uuid:conference_id}",
    response={200: ConferenceDetailOut, **RECORD_REFUSALS},
    operation_id="conference_read",
    summary="Read a conference",
)
def conference_read(request: HttpRequest, conference_id: uuid.UUID) -> dict[str, Any]:
    """A conference with its children, due date and the rule it comes from, its booking and status, and
    while it is still to happen whether it will be quorate (R-QU-1). Its invitations and reports are
    at ``/invitations`` and ``/reports`` under it."""
    conference = gateways.conference_for(acting_user(request), conference_id, request=request)
    return {**reloaded_out(conference), "quorum": quorum_out(conference)}


# Changes to a conference


class ExpectedVersion(Schema):
    expected_version: int = Field(
        ge=1,
        le=MAX_VERSION,
        description="The version you read. If the conference has changed since, nothing is saved (409).",
    )


class ScheduleIn(ExpectedVersion):
    starts_at: Moment
    ends_at: Moment = Field(description="The same day as starts_at, and after it.")
    venue_kind: VenueKind
    venue_address: Text = Field("", description="Required in person or blended.")
    joining_details: Text = Field("", description="Required online or blended.")
    chair_id: uuid.UUID | None = Field(
        None, description="A professional of the authority with the chair role."
    )
    minute_taker_id: uuid.UUID | None = None
    out_of_timescale_reason: Text = Field("", description="Required when booked after the due date.")
    change_reason: Text = Field(
        "", description="Required when a scheduled conference's date, time or place changes."
    )
    accept_clashes: bool = Field(
        False, description="Book even if the chair or minute taker is booked elsewhere at that time."
    )


def _professional(authority: Authority, public_id: uuid.UUID | None, field: str) -> Professional | None:
    if public_id is None:
        return None
    professional = selectors.professional_in(authority.pk, public_id)
    if professional is None:
        raise refuse(field, "No professional of this authority has this identifier.")
    return professional


@router.post(
    "/conferences/{uuid:conference_id}/schedule",
    response={200: ConferenceOut, **CHANGE_REFUSALS},
    operation_id="conference_schedule",
    summary="Schedule or reschedule a conference",
)
def conference_schedule(
    request: HttpRequest, conference_id: uuid.UUID, payload: ScheduleIn
) -> dict[str, Any]:
    """Book the date, time, place, chair and minute taker, or change them (with a reason: invitees get an
    update, R-AF-4). A date after the due date needs the reason it cannot be held in time."""
    user = acting_user(request)
    conference = gateways.conference_for(
        user, conference_id, what="conference-schedule", permission=MANAGE_CONFERENCE, request=request
    )
    chair = _professional(conference.authority, payload.chair_id, "chair_id")
    minute_taker = _professional(conference.authority, payload.minute_taker_id, "minute_taker_id")
    with service_fields():
        conference = scheduling.conference_schedule(
            conference=conference,
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
            venue_kind=payload.venue_kind,
            venue_address=payload.venue_address,
            joining_details=payload.joining_details,
            chair=chair,
            minute_taker=minute_taker,
            out_of_timescale_reason=payload.out_of_timescale_reason,
            change_reason=payload.change_reason,
            accept_clashes=payload.accept_clashes,
            expected_version=payload.expected_version,
            acting_user=user,
        )
    return reloaded_out(conference)


class ReasonIn(ExpectedVersion):
    reason: Text


@router.post(
    "/conferences/{uuid:conference_id}/cancel",
    response={200: ConferenceOut, **CHANGE_REFUSALS},
    operation_id="conference_cancel",
    summary="Cancel a conference",
)
def conference_cancel(request: HttpRequest, conference_id: uuid.UUID, payload: ReasonIn) -> dict[str, Any]:
    """Cancel a conference still to happen, with the reason."""
    user = acting_user(request)
    conference = gateways.conference_for(
        user, conference_id, what="conference-cancel", permission=MANAGE_CONFERENCE, request=request
    )
    with service_fields():
        conference = scheduling.conference_cancel(
            conference=conference,
            reason=payload.reason,
            expected_version=payload.expected_version,
            acting_user=user,
        )
    return reloaded_out(conference)


@router.post(
    "/conferences/{uuid:conference_id}/held",
    response={200: ConferenceOut, **CHANGE_REFUSALS},
    operation_id="conference_mark_held",
    summary="Record that a conference was held",
)
def conference_mark_held(
    request: HttpRequest, conference_id: uuid.UUID, payload: ExpectedVersion
) -> dict[str, Any]:
    """Record that a scheduled conference went ahead (after it started)."""
    user = acting_user(request)
    conference = gateways.conference_for(
        user, conference_id, what="conference-outcome", permission=MANAGE_CONFERENCE, request=request
    )
    with service_fields():
        conference = scheduling.conference_mark_held(
            conference=conference, expected_version=payload.expected_version, acting_user=user
        )
    return reloaded_out(conference)


@router.post(
    "/conferences/{uuid:conference_id}/inquorate",
    response={201: ConferenceOut, **CHANGE_REFUSALS},
    operation_id="conference_mark_inquorate",
    summary="Record that a conference could not go ahead, and request the reconvened one",
)
def conference_mark_inquorate(
    request: HttpRequest, conference_id: uuid.UUID, payload: ReasonIn
) -> Status[dict[str, Any]]:
    """The chair found the conference not quorate, without enough information to go ahead (R-QU-2): it
    is adjourned and the reconvened conference is requested, due from this one's date (R-CT-6). Only the
    conference's chair may (its named chair; before one is named, anyone who chairs). Answers with the
    reconvened conference."""
    user = acting_user(request)
    conference = gateways.conference_for(
        user, conference_id, what="conference-outcome", permission=CHAIR_CONFERENCE, request=request
    )
    with service_fields():
        reconvened = scheduling.conference_mark_inquorate(
            conference=conference,
            reason=payload.reason,
            expected_version=payload.expected_version,
            acting_user=user,
        )
    return Status(201, reloaded_out(reconvened))


class ReviewIn(Schema):
    dual_process: bool = Field(
        False, description="Combine the review with the child's looked-after child review (R-CT-5)."
    )


@router.post(
    "/conferences/{uuid:conference_id}/review",
    response={201: ConferenceOut, **RECORD_REFUSALS},
    operation_id="conference_review_request",
    summary="Request the review that follows a held conference",
)
def conference_review_request(
    request: HttpRequest, conference_id: uuid.UUID, payload: ReviewIn
) -> Status[dict[str, Any]]:
    """The review after a held conference: within 3 months of an initial (or transfer-in) conference, then
    within 6 (R-CT-2, R-CT-4). Answers with the review conference."""
    user = acting_user(request)
    conference = gateways.conference_for(
        user, conference_id, what="conference-review-request", permission=REQUEST_REVIEW, request=request
    )
    with service_fields():
        review = scheduling.conference_request_review(
            previous=conference, dual_process=payload.dual_process, acting_user=user
        )
    return Status(201, reloaded_out(review))


class TransferInIn(Schema):
    household_id: uuid.UUID
    child_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=20, description="The household's children the other authority's plan is for."
    )
    decided_on: Day = Field(description="The day it was decided to hold the conference (R-CT-4).")


@router.post(
    "/conferences/transfer-in",
    response={201: ConferenceOut, **REFUSALS},
    operation_id="conference_transfer_in_request",
    summary="Request a transfer-in conference",
)
def conference_transfer_in_request(request: HttpRequest, payload: TransferInIn) -> Status[dict[str, Any]]:
    """For children on another authority's plan who have moved here for good: due counted from the
    decision to hold it, not from the move (R-CT-4)."""
    user = acting_user(request)
    # As the pages: for whoever manages enquiries (refused with 403, logged).
    authority = enquiry_selectors.authority_for(user, what="conference-transfer-in", request=request)
    household = selectors.household_in(authority.pk, payload.household_id)
    if household is None:
        raise refuse("household_id", "No household of your authority has this identifier.")
    members = selectors.household_children(household)
    if len(set(payload.child_ids)) != len(payload.child_ids):
        raise refuse("child_ids", "Name each child once.")
    for index, child_id in enumerate(payload.child_ids):
        if child_id not in members:
            raise refuse(f"child_ids.{index}", "No child of this household has this identifier.")
    with service_fields(children="child_ids"):
        conference = scheduling.conference_request_transfer_in(
            authority=authority,
            household=household,
            children=[members[child_id] for child_id in payload.child_ids],
            decided_on=payload.decided_on,
            acting_user=user,
        )
    return Status(201, reloaded_out(conference))
