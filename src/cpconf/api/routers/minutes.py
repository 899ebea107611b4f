"""The minutes of a held conference (R-EX-5, R-AF-1, R-AF-2, R-AF-5): reading one's own copy, saving a
section with its version (409 when someone else saved it first), the chair's approval, and circulation.

Reads go through ``gateways.conference_for`` with ``READ_MINUTES`` (logged as "minutes"); what a reader
receives is their own copy from ``cpconf.minutes.redaction.redact``: the whole minutes for social care
staff, an invited professional's own copy otherwise (never a section they were excluded from). An
authority's own system reads no minutes. Changes go through ``cpconf.minutes.services`` (audited)."""

# No "from __future__ import annotations" here: django-ninja reads the handlers' annotations at import.

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from pydantic import AfterValidator

from cpconf.access import gateways
from cpconf.access.rules import APPROVE_MINUTES, READ_MINUTES, WRITE_MINUTES, may
from cpconf.api.auth import acting_user
from cpconf.api.errors import refuse, service_fields
from cpconf.api.routers.conferences import MAX_VERSION
from cpconf.api.schemas import CHANGE_REFUSALS, RECORD_REFUSALS, _no_control_characters
from cpconf.conferences.agenda import SECTION_KEYS
from cpconf.conferences.models import Conference
from cpconf.minutes import render, selectors, services
from cpconf.minutes.models import Channel, Document, Minutes, MinutesStatus

router = Router(tags=["Minutes"])

WHAT = "minutes"
NO_MINUTES = "There are no minutes of this conference yet."

#: A section of the minutes: at most 50,000 characters, no control characters.
SectionText = Annotated[
    str, Field(max_length=services.TEXT_MAX_LENGTH), AfterValidator(_no_control_characters)
]


class SectionOut(Schema):
    key: str = Field(description="The agenda section's key ('agency-reports').")
    title: str
    text: str


class ReportPartOut(Schema):
    agency: str
    parts: str = Field(description="Which parts the chair agreed to withhold from the family (R-PR-6).")


class SectionVersionOut(Schema):
    key: str
    version: int = Field(description="Send it back as expected_version when saving this section.")


class MinutesOut(Schema):
    id: uuid.UUID
    conference_id: uuid.UUID
    status: MinutesStatus
    signed_by: str = Field(description="The chair's name as signed; empty until approved.")
    approved_at: datetime | None
    edition: int
    version: int = Field(description="Send it back as expected_version when approving.")
    decisions_due_on: date | None
    decisions_due_at: datetime | None
    minutes_due_on: date | None
    minutes_due_at: datetime | None
    amend_until_on: date | None
    amend_until_at: datetime | None
    sections: list[SectionOut] = Field(
        description="Your own copy: the sections you may read, in agenda order."
    )
    report_parts_withheld_from_family: list[ReportPartOut]
    parts_withheld: bool = Field(description="Whether parts were left out of your copy (never which).")
    withheld_notice: str
    section_versions: list[SectionVersionOut] = Field(
        description="For whoever writes the minutes: each section's version; empty for anyone else."
    )


def _minutes_or_404(conference: Conference) -> Minutes:
    minutes = selectors.minutes_of(conference)
    if minutes is None:
        raise Http404(NO_MINUTES)
    return minutes


def minutes_out(request: HttpRequest, conference: Conference, minutes: Minutes) -> dict[str, Any]:
    user = acting_user(request)
    copy = selectors.copy_for_reader(user, minutes)
    versions = []
    if may(user, WRITE_MINUTES, conference):
        versions = [{"key": s.key, "version": s.version} for s in minutes.sections.all()]
    return {
        "id": minutes.public_id,
        "conference_id": conference.public_id,
        "status": minutes.status,
        "signed_by": minutes.signed_name,
        "approved_at": minutes.approved_at,
        "edition": minutes.edition,
        "version": minutes.version,
        "decisions_due_on": minutes.decisions_due_on,
        "decisions_due_at": minutes.decisions_due_at,
        "minutes_due_on": minutes.minutes_due_on,
        "minutes_due_at": minutes.minutes_due_at,
        "amend_until_on": minutes.amend_until_on,
        "amend_until_at": minutes.amend_until_at,
        **render.copy_json(copy),
        "section_versions": versions,
    }


@router.get(
    "/conferences/{uuid:conference_id}/minutes",
    response={200: MinutesOut, **RECORD_REFUSALS},
    operation_id="minutes_read",
    summary="Read your copy of a conference's minutes",
)
def minutes_read(request: HttpRequest, conference_id: uuid.UUID) -> dict[str, Any]:
    """Your own copy (R-AF-5, R-EX-5): social care staff read the whole minutes; a professional invited
    to the conference reads every section they were not excluded from. 404 until the minutes are started."""
    conference = gateways.conference_for(
        acting_user(request), conference_id, what=WHAT, permission=READ_MINUTES, request=request
    )
    return minutes_out(request, conference, _minutes_or_404(conference))


class SectionIn(Schema):
    section: str = Field(
        max_length=40, description=f"The agenda section's key: one of {', '.join(SECTION_KEYS)}."
    )
    text: SectionText
    expected_version: int = Field(
        ge=1,
        le=MAX_VERSION,
        description="The section's version you read. If it changed since, nothing is saved (409).",
    )


@router.post(
    "/conferences/{uuid:conference_id}/minutes/sections",
    response={200: MinutesOut, **CHANGE_REFUSALS},
    operation_id="minutes_section_save",
    summary="Save a section of draft minutes",
)
def minutes_section_save(
    request: HttpRequest, conference_id: uuid.UUID, payload: SectionIn
) -> dict[str, Any]:
    """Save one section's text, for the minute taker, the coordinator or the chair. 409 when someone saved
    the section after you read it (naming who and when); 422 once the chair has approved the minutes."""
    user = acting_user(request)
    conference = gateways.conference_for(
        user, conference_id, what=WHAT, permission=WRITE_MINUTES, request=request
    )
    minutes = _minutes_or_404(conference)
    if payload.section not in SECTION_KEYS:
        raise refuse("section", "Choose a section of the agenda.")
    with service_fields():
        services.section_save(
            minutes=minutes,
            key=payload.section,
            text=payload.text,
            expected_version=payload.expected_version,
            acting_user=user,
        )
    return minutes_out(request, conference, _minutes_or_404(conference))


class ApproveIn(Schema):
    expected_version: int = Field(ge=1, le=MAX_VERSION, description="The minutes' version you read.")


@router.post(
    "/conferences/{uuid:conference_id}/minutes/approve",
    response={200: MinutesOut, **CHANGE_REFUSALS},
    operation_id="minutes_approve",
    summary="Approve, sign and date the minutes (the chair)",
)
def minutes_approve(request: HttpRequest, conference_id: uuid.UUID, payload: ApproveIn) -> dict[str, Any]:
    """The chair approves the minutes, which signs them with their name and the date and freezes them
    (R-AF-2). 422 listing the sections still empty."""
    user = acting_user(request)
    conference = gateways.conference_for(
        user, conference_id, what=WHAT, permission=APPROVE_MINUTES, request=request
    )
    minutes = _minutes_or_404(conference)
    with service_fields():
        services.minutes_approve(minutes=minutes, expected_version=payload.expected_version, acting_user=user)
    return minutes_out(request, conference, _minutes_or_404(conference))


class CirculateIn(Schema):
    document: Document = Field(description="'minutes' (once approved) or 'decisions' (once recorded).")


class CirculationOut(Schema):
    invitation_id: uuid.UUID
    name: str
    channel: Channel
    sections: list[str]
    parts_withheld: bool
    sent_at: datetime


@router.post(
    "/conferences/{uuid:conference_id}/minutes/circulate",
    response={200: list[CirculationOut], **RECORD_REFUSALS},
    operation_id="minutes_circulate",
    summary="Circulate the minutes or the decisions",
)
def minutes_circulate(
    request: HttpRequest, conference_id: uuid.UUID, payload: CirculateIn
) -> list[dict[str, Any]]:
    """Send each invitee who has not had it their own copy (R-EX-5): by email with the document to a secure
    address, a sign-in notice to a professional elsewhere, by post for anyone else (R-AF-5). Returns the
    circulations made now (empty when everyone already has this edition)."""
    user = acting_user(request)
    conference = gateways.conference_for(
        user, conference_id, what=WHAT, permission=WRITE_MINUTES, request=request
    )
    minutes = _minutes_or_404(conference)
    with service_fields():
        sent = services.circulate(minutes=minutes, document=payload.document, acting_user=user)
    return [
        {
            "invitation_id": row.invitation.public_id,
            "name": row.invitation.name,
            "channel": row.channel,
            "sections": row.sections,
            "parts_withheld": row.parts_withheld,
            "sent_at": row.sent_at,
        }
        for row in sent
    ]
