"""Pages about agencies' reports (R-PR-4 to R-PR-6) and the conference's quorum (R-QU-1).

Thin: every conference comes from ``cpconf.access.gateways.conference_for`` with the permission the page
needs (reading: ``VIEW_CONFERENCE``; sending a report for an agency: ``SEND_REPORT``; the chair's decision:
``CHAIR_CONFERENCE``), which checks need-to-know and writes the access log; the selectors read and the
services write. An agency professional may send only their own agency's report: asked about another
agency's, they are refused (403, logged), as the gateway refuses what they may see but not do.
"""

from __future__ import annotations

import logging
import uuid
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from cpconf import clock
from cpconf.access import gateways
from cpconf.access.log import access_record
from cpconf.access.rules import (
    CHAIR_CONFERENCE,
    SEE_CONFERENCES,
    SEND_REPORT,
    actor_for,
    is_social_care_staff,
    may,
)
from cpconf.clock import time_in_words
from cpconf.conferences import uploads
from cpconf.conferences.forms.reports import (
    ReportSharedForm,
    ReportUploadForm,
    WithholdDecisionForm,
    WithholdRequestForm,
)
from cpconf.conferences.models import Conference, Report
from cpconf.conferences.selectors import reports as selectors
from cpconf.conferences.selectors.quorum import quorum_for
from cpconf.conferences.services import reports as services
from cpconf.people.models import User

logger = logging.getLogger(__name__)

# What each page logs as read (cpconf.access.log): the conference's reports, and one report's file.
REPORTS_PAGE = "conference-reports"
REPORT_FILE = "report"
REPORT_UPLOAD = "report-upload"
REPORT_SHARED = "report-shared"
REPORT_WITHHOLD = "report-withhold"
REPORT_WITHHOLD_DECISION = "report-withhold-decision"
MISSING_REPORTS = "missing-reports"

REPORT_NOT_FOUND_MESSAGE = "There is no report here, or you do not have access to it."
NOT_RECEIVED_MESSAGE = (
    "There is no file to download until the agency's report arrives. Its status is on the conference's "
    "reports page."
)
FILE_MISSING_MESSAGE = (
    "The file for this report cannot be found. Ask the conference coordinator to upload it again."
)
OWN_AGENCY_MESSAGE = "You can send and update reports only for your own agency."
MISSING_PAGE_MESSAGE = "The list of missing and late reports is for children's social care staff."
MISSING_PER_PAGE = 50


def _user(request: HttpRequest) -> User:
    # login_required has turned away anyone signed out.
    return cast("User", request.user)


def _report(conference: Conference, report_id: uuid.UUID) -> Report:
    report = selectors.report_in(conference, report_id)
    if report is None:
        raise Http404(REPORT_NOT_FOUND_MESSAGE)
    return report


def _refuse(user: User, *, what: str, object_id: uuid.UUID, request: HttpRequest, message: str) -> None:
    """Log a refused attempt in a transaction of its own (as the gateways do), then refuse with 403."""
    with transaction.atomic(durable=True):
        access_record(
            user=user, what=what, object_id=object_id, reason="Not allowed.", allowed=False, request=request
        )
    raise PermissionDenied(message)


def _report_to_send(
    request: HttpRequest, conference_id: uuid.UUID, report_id: uuid.UUID, *, what: str
) -> tuple[Conference, Report]:
    """The conference and one of its reports, for someone who may send that report (R-PR-4)."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=what, permission=SEND_REPORT, request=request, object_id=report_id
    )
    report = _report(conference, report_id)
    if not selectors.may_send(user, report):
        _refuse(user, what=what, object_id=report_id, request=request, message=OWN_AGENCY_MESSAGE)
    return conference, report


def _add_service_error(form: BaseForm, error: ValidationError, fields: dict[str, str] | None = None) -> None:
    """Put a service's refusal on the form: each message beside the field it is about (``fields`` maps the
    service's names to the form's where they differ), anything else in the error summary alone."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages_ in error.message_dict.items():
        field = (fields or {}).get(name, name)
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


def _reports_url(conference: Conference) -> str:
    return reverse("conferences:reports", kwargs={"conference_id": conference.public_id})


def _context(conference: Conference, report: Report, form: object, **extra: object) -> dict[str, object]:
    return {
        "conference": conference,
        "report": report,
        "form": form,
        "children": selectors.children_named(conference),
        "back_url": _reports_url(conference),
        **extra,
    }


@login_required
def reports(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """Every report owed to the conference (R-PR-4): due when, received or not, shared with the family, parts
    withheld; and whether the conference will be quorate (R-QU-1)."""
    user = _user(request)
    conference = gateways.conference_for(user, conference_id, what=REPORTS_PAGE, request=request)
    context = {
        "conference": conference,
        "page": selectors.reports_page_for(user, conference),
        "quorum": quorum_for(conference),
    }
    return render(request, "conferences/reports/list.html", context)


@csrf_exempt  # the token is checked by csrf_protect below, once the upload handler is in place
@login_required
def report_upload(request: HttpRequest, conference_id: uuid.UUID, report_id: uuid.UUID) -> HttpResponse:
    """Upload an agency's report (R-PR-4; issue 3, item 8)."""
    # Before the body is read: a file past the size limit is counted, not kept (uploads.py).
    request.upload_handlers = [uploads.SizeLimitedUploadHandler(request)]
    return _report_upload(request, conference_id, report_id)


@csrf_protect
def _report_upload(request: HttpRequest, conference_id: uuid.UUID, report_id: uuid.UUID) -> HttpResponse:
    conference, report = _report_to_send(request, conference_id, report_id, what=REPORT_UPLOAD)
    if request.method == "POST":
        form = ReportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            professional = actor_for(_user(request)).professional
            try:
                report = services.report_receive(
                    report=report,
                    upload=form.cleaned_data.get("file"),
                    received_from=professional,
                    acting_user=_user(request),
                    expected_version=form.expected_version(),
                )
            except ValidationError as error:
                _add_service_error(form, error)
            else:
                messages.success(request, f"Report received from {report.agency.name}")
                return redirect(_reports_url(conference))
    else:
        form = ReportUploadForm(initial={"version": report.version})
    replacing = report.received_at is not None
    still_to_happen = selectors.still_to_happen(conference, clock.now())
    context = _context(
        conference,
        report,
        form,
        replacing=replacing,
        may_replace=not replacing or still_to_happen,
        accept=uploads.ACCEPT,
        file_in_words=selectors.file_in_words(report),
        due=selectors.due_in_words(report),
    )
    return render(request, "conferences/reports/upload.html", context)


def _no_file(
    request: HttpRequest, conference: Conference, report: Report, heading: str, message: str
) -> HttpResponse:
    """A 404 that says why: the person may see the conference, so there is nothing to hide."""
    context = {
        "conference": conference,
        "report": report,
        "back_url": _reports_url(conference),
        "heading": heading,
        "message": message,
    }
    return render(request, "conferences/reports/no_file.html", context, status=404)


@login_required
def report_file(request: HttpRequest, conference_id: uuid.UUID, report_id: uuid.UUID) -> HttpResponseBase:
    """Download a report that has been received: checked, logged, and never shown in the browser."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=REPORT_FILE, request=request, object_id=report_id
    )
    report = _report(conference, report_id)
    if report.received_at is None or not report.file:
        return _no_file(
            request, conference, report, "This report has not been received yet", NOT_RECEIVED_MESSAGE
        )
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        logger.error("The stored file of report %s is missing.", report.public_id)
        return _no_file(
            request, conference, report, "The report's file cannot be found", FILE_MISSING_MESSAGE
        )
    response = FileResponse(
        handle, as_attachment=True, filename=report.file_name, content_type=report.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def report_shared(request: HttpRequest, conference_id: uuid.UUID, report_id: uuid.UUID) -> HttpResponse:
    """Record when and how the report was shared with the family (R-PR-6)."""
    conference, report = _report_to_send(request, conference_id, report_id, what=REPORT_SHARED)
    deadlines = selectors.report_deadlines(conference)
    if request.method == "POST":
        form = ReportSharedForm(request.POST)
        if form.is_valid():
            try:
                report = services.report_record_shared(
                    report=report,
                    shared_on=form.cleaned_data["shared_on"],
                    shared_how=form.cleaned_data["shared_how"],
                    acting_user=_user(request),
                    expected_version=form.expected_version(),
                )
            except ValidationError as error:
                _add_service_error(form, error, {"shared_on": "shared_on_day"})
            else:
                message = f"Sharing recorded for the report from {report.agency.name}"
                if deadlines.shared_late(report.shared_with_family_on):
                    message += (
                        f". It was shared later than it should have been: the family should have had it "
                        f"by {deadlines.family_due_in_words}"
                    )
                messages.success(request, message)
                return redirect(_reports_url(conference))
    else:
        initial: dict[str, object] = {"version": report.version, "shared_how": report.shared_how}
        if report.shared_with_family_on is not None:
            shared_on = report.shared_with_family_on
            initial |= {
                "shared_on_day": shared_on.day,
                "shared_on_month": shared_on.month,
                "shared_on_year": shared_on.year,
            }
        form = ReportSharedForm(initial=initial)
    return render(
        request, "conferences/reports/shared.html", _context(conference, report, form, deadlines=deadlines)
    )


@login_required
def report_withhold(request: HttpRequest, conference_id: uuid.UUID, report_id: uuid.UUID) -> HttpResponse:
    """The author asks the chair to agree that parts of the report are withheld from the family (R-PR-6)."""
    conference, report = _report_to_send(request, conference_id, report_id, what=REPORT_WITHHOLD)
    deadlines = selectors.report_deadlines(conference)
    if request.method == "POST":
        form = WithholdRequestForm(request.POST)
        if form.is_valid():
            try:
                report = services.report_withhold_request(
                    report=report,
                    parts=form.cleaned_data["parts"],
                    reason=form.cleaned_data["reason"],
                    acting_user=_user(request),
                    expected_version=form.expected_version(),
                )
            except ValidationError as error:
                _add_service_error(form, error)
            else:
                message = f"The chair has been asked to agree to withhold parts of the report from {report.agency.name}"
                if deadlines.withhold_late(report.withhold_requested_at):
                    message += f". The request is late: it should have been made by {deadlines.withhold_due_in_words}"
                messages.success(request, message)
                return redirect(_reports_url(conference))
    else:
        form = WithholdRequestForm(
            initial={
                "version": report.version,
                "parts": report.withhold_parts,
                "reason": report.withhold_reason,
            }
        )
    context = _context(
        conference,
        report,
        form,
        deadlines=deadlines,
        late_now=deadlines.withhold_late(clock.now()),
        still_to_happen=selectors.still_to_happen(conference, clock.now()),
    )
    return render(request, "conferences/reports/withhold.html", context)


@login_required
def report_withhold_decision(
    request: HttpRequest, conference_id: uuid.UUID, report_id: uuid.UUID
) -> HttpResponse:
    """The chair agrees or refuses a request to withhold parts of a report, with a reason (R-PR-6)."""
    user = _user(request)
    conference = gateways.conference_for(
        user,
        conference_id,
        what=REPORT_WITHHOLD_DECISION,
        permission=CHAIR_CONFERENCE,
        request=request,
        object_id=report_id,
    )
    report = _report(conference, report_id)
    deadlines = selectors.report_deadlines(conference)
    if request.method == "POST":
        form = WithholdDecisionForm(request.POST)
        if form.is_valid():
            try:
                report = services.report_withhold_decide(
                    report=report,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["decision_reason"],
                    chair=actor_for(user).professional,
                    acting_user=user,
                    expected_version=form.expected_version(),
                )
            except ValidationError as error:
                _add_service_error(form, error)
            else:
                messages.success(
                    request,
                    f"Your decision on the report from {report.agency.name} is recorded: "
                    f"{selectors.decision_in_words(report).removeprefix('The chair ')}",
                )
                return redirect(_reports_url(conference))
    else:
        initial: dict[str, object] = {"version": report.version}
        if report.withhold_decided_at is not None:
            initial |= {
                "decision": report.withhold_decision,
                "decision_reason": report.withhold_decision_reason,
            }
        form = WithholdDecisionForm(initial=initial)
    context = _context(
        conference,
        report,
        form,
        deadlines=deadlines,
        requested=report.withhold_requested_at is not None,
        requested_at=time_in_words(report.withhold_requested_at) if report.withhold_requested_at else "",
        requested_late=deadlines.withhold_late(report.withhold_requested_at),
        decision=selectors.decision_in_words(report),
    )
    return render(request, "conferences/reports/decision.html", context)


@login_required
def reports_missing(request: HttpRequest) -> HttpResponse:
    """Reports not received for the conferences still to happen that the person may see: overdue, or due
    within 2 days (R-PR-4, R-PR-5), for the coordinators and chairs who chase them."""
    user = _user(request)
    if not (may(user, SEE_CONFERENCES) and is_social_care_staff(user)):
        with transaction.atomic(durable=True):
            access_record(
                user=user, what=MISSING_REPORTS, reason="Not allowed.", allowed=False, request=request
            )
        raise PermissionDenied(MISSING_PAGE_MESSAGE)
    access_record(user=user, what=MISSING_REPORTS, allowed=True, request=request)
    paginator = Paginator(selectors.reports_missing_or_late(user), MISSING_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
        "rows": selectors.missing_report_rows(list(page.object_list)),
    }
    return render(request, "conferences/reports/missing.html", context)


urlpatterns: list[URLPattern] = [
    path("conferences/reports/missing/", reports_missing, name="reports-missing"),
    path("conferences/<uuid:conference_id>/reports/", reports, name="reports"),
    path(
        "conferences/<uuid:conference_id>/reports/<uuid:report_id>/upload/",
        report_upload,
        name="report-upload",
    ),
    path("conferences/<uuid:conference_id>/reports/<uuid:report_id>/file/", report_file, name="report-file"),
    path(
        "conferences/<uuid:conference_id>/reports/<uuid:report_id>/shared/",
        report_shared,
        name="report-shared",
    ),
    path(
        "conferences/<uuid:conference_id>/reports/<uuid:report_id>/withhold/",
        report_withhold,
        name="report-withhold",
    ),
    path(
        "conferences/<uuid:conference_id>/reports/<uuid:report_id>/withhold/decision/",
        report_withhold_decision,
        name="report-withhold-decision",
    ),
]
