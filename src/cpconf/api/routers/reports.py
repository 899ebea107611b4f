"""Reports owed to a conference (R-PR-4 to R-PR-6): each agency's report with its deadline and state
(due, received, received late, overdue), whether it was shared with the family and when, and whether parts
of it are to be withheld with the chair's decision; and recording that a report was shared with the
family. Reads go through ``gateways.conference_for`` (logged); the change through
``cpconf.conferences.services.reports`` (audited), by whoever may send that agency's report, as on the
pages: social care staff for any agency, a professional for their own agency's (R-PR-4).

A report's file is uploaded and downloaded through the pages only (a checked, virus-scanned upload; a
logged download): the API shows that it arrived, not what it says. An authority's own system reads
reports but records nothing about them."""

# No "from __future__ import annotations" here: django-ninja reads the handlers' annotations at import.

import uuid
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from cpconf import clock
from cpconf.access import gateways
from cpconf.access.log import access_record
from cpconf.access.rules import SEND_REPORT
from cpconf.api.auth import acting_user
from cpconf.api.errors import service_fields
from cpconf.api.pagination import Page, Shaped
from cpconf.api.routers.conferences import MAX_VERSION
from cpconf.api.schemas import CHANGE_REFUSALS, RECORD_REFUSALS, Day, Ref, ShortText
from cpconf.conferences.models import ChairDecision, Conference, Report
from cpconf.conferences.selectors import reports as report_selectors
from cpconf.conferences.selectors.reports import ReportDeadlines, ReportState
from cpconf.conferences.services import reports as services
from cpconf.people.models import Professional, User

router = Router(tags=["Reports"])

#: What the access log calls these reads and changes (as the pages do).
WHAT = "conference-reports"
SHARED_WHAT = "report-shared"
NOT_FOUND = "There is no report here, or you do not have access to it."
OWN_AGENCY = "You can send and update reports only for your own agency."


# What the API shows of a report


class WithholdingOut(Schema):
    """A request to withhold parts of the report from the family, and the chair's decision (R-PR-6). What
    the parts are is on the pages, for the chair."""

    requested_at: datetime
    late: bool = Field(description="Asked for later than the deadline before the conference.")
    decision: ChairDecision
    decision_name: str
    decided_at: datetime | None
    decided_by: Ref | None


class ReportOut(Schema):
    id: uuid.UUID
    agency: Ref
    state: ReportState = Field(
        description="'due' (not received, not yet due), 'received' (by its deadline), 'late' (received "
        "after it), 'overdue' (not received, deadline passed)."
    )
    state_name: str
    due_on: date | None = Field(
        description="The last day to send it (R-PR-5); null until the conference has a date."
    )
    due_at: datetime | None = Field(description="The moment it is due, for a deadline in hours.")
    received_at: datetime | None
    received_from: Ref | None
    file_name: str = Field(description="The name of the file received; empty before it arrives.")
    shared_with_family_on: date | None = Field(description="When it was shared with the family (R-PR-6).")
    shared_how: str
    shared_late: bool = Field(description="Shared after the family should have had it.")
    withholding: WithholdingOut | None = Field(description="Null when nobody asked to withhold any part.")
    version: int = Field(description="Send it back as expected_version with a change.")


def _person(professional: Professional | None) -> dict[str, Any] | None:
    return None if professional is None else {"id": professional.public_id, "name": professional.full_name}


def report_out(report: Report, deadlines: ReportDeadlines, now: datetime) -> dict[str, Any]:
    """A report loaded by ``reports_of`` (with its agency, sender and decider), as the API shows it."""
    state = report_selectors.report_state(report, now)
    withholding = None
    if report.withhold_requested_at is not None:
        withholding = {
            "requested_at": report.withhold_requested_at,
            "late": deadlines.withhold_late(report.withhold_requested_at),
            "decision": report.withhold_decision or ChairDecision.PENDING,
            "decision_name": ChairDecision(report.withhold_decision or ChairDecision.PENDING).label,
            "decided_at": report.withhold_decided_at,
            "decided_by": _person(report.withhold_decided_by),
        }
    return {
        "id": report.public_id,
        "agency": {"id": report.agency.public_id, "name": report.agency.name},
        "state": state,
        "state_name": report_selectors.STATE_TAGS[state][0],
        "due_on": report.due_on,
        "due_at": report.due_at,
        "received_at": report.received_at,
        "received_from": _person(report.received_from),
        "file_name": report.file_name if report.received_at is not None else "",
        "shared_with_family_on": report.shared_with_family_on,
        "shared_how": report.shared_how,
        "shared_late": deadlines.shared_late(report.shared_with_family_on),
        "withholding": withholding,
        "version": report.version,
    }


# The list


@router.get(
    "/conferences/{uuid:conference_id}/reports",
    response={200: list[ReportOut], **RECORD_REFUSALS},
    operation_id="reports_list",
    summary="List the reports owed to a conference",
)
@paginate(Page)
def reports_list(request: HttpRequest, conference_id: uuid.UUID) -> Shaped[Report]:
    """Every agency invited owes a report, whether or not it attends (R-PR-4): each with its deadline
    (R-PR-5), its state, and whether it was shared with the family and parts withheld (R-PR-6); by
    agency name."""
    conference = gateways.conference_for(acting_user(request), conference_id, what=WHAT, request=request)
    deadlines = report_selectors.report_deadlines(conference)
    now = clock.now()

    def shape(report: Report) -> dict[str, Any]:
        report.conference = conference  # the gateway's copy: no query per report
        return report_out(report, deadlines, now)

    return Shaped(report_selectors.reports_of(conference), shape)


# Shared with the family (R-PR-6)


def _refuse(user: User, *, object_id: uuid.UUID, request: HttpRequest) -> None:
    """Log the refused attempt in a transaction of its own (as the gateways do), then refuse with 403."""
    with transaction.atomic(durable=True):
        access_record(
            user=user,
            what=SHARED_WHAT,
            object_id=object_id,
            reason="Not allowed: not their agency's report.",
            allowed=False,
            request=request,
        )
    raise PermissionDenied(OWN_AGENCY)


def _report_to_send(
    request: HttpRequest, conference_id: uuid.UUID, report_id: uuid.UUID
) -> tuple[Conference, Report]:
    """The conference and one of its reports, for someone who may send that report (R-PR-4)."""
    user = acting_user(request)
    conference = gateways.conference_for(
        user, conference_id, what=SHARED_WHAT, permission=SEND_REPORT, request=request, object_id=report_id
    )
    report = report_selectors.report_in(conference, report_id)
    if report is None:
        raise Http404(NOT_FOUND)
    if not report_selectors.may_send(user, report):
        _refuse(user, object_id=report_id, request=request)
    return conference, report


class SharedIn(Schema):
    shared_on: Day = Field(description="Today or earlier.")
    shared_how: ShortText = Field(
        description="How it was shared: talked through at a home visit, in the family's language."
    )
    expected_version: int = Field(
        ge=1,
        le=MAX_VERSION,
        description="The report's version you read. If it has changed since, nothing is saved (409).",
    )


@router.post(
    "/conferences/{uuid:conference_id}/reports/{uuid:report_id}/shared",
    response={200: ReportOut, **CHANGE_REFUSALS},
    operation_id="report_shared_record",
    summary="Record that a report was shared with the family",
)
def report_shared_record(
    request: HttpRequest, conference_id: uuid.UUID, report_id: uuid.UUID, payload: SharedIn
) -> dict[str, Any]:
    """When and how the report was shared with the family (R-PR-6: before the conference, talked through,
    in their language). Sharing it late is recorded as it happened, and the answer says it was late
    (``shared_late``). Not for a cancelled conference (422)."""
    conference, report = _report_to_send(request, conference_id, report_id)
    with service_fields():
        report = services.report_record_shared(
            report=report,
            shared_on=payload.shared_on,
            shared_how=payload.shared_how,
            acting_user=acting_user(request),
            expected_version=payload.expected_version,
        )
    reloaded = report_selectors.report_in(conference, report.public_id) or report
    return report_out(reloaded, report_selectors.report_deadlines(conference), clock.now())
