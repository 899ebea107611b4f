"""Reports owed to a conference (R-PR-4 to R-PR-6): who owes one and by when, receiving each (a checked,
safely stored upload), sharing it with the family, and withholding parts of it with the chair's agreement.

Every write here locks the report, refuses a form made before someone else's change (``expected_version``),
validates everything before it changes anything, and writes the audit history in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from cpconf import clock
from cpconf.access.log import audit_record, audit_snapshot
from cpconf.conferences import deadlines, uploads
from cpconf.conferences.models import ChairDecision, Conference, ConferenceStatus, InviteeRole, Report
from cpconf.conferences.selectors.reports import still_to_happen
from cpconf.people.models import Professional, User
from cpconf.people.selectors import working_calendar_for
from cpconf.timescales.durations import local_date


@transaction.atomic
def reports_sync(*, conference: Conference, acting_user: User | None) -> list[Report]:
    """Make sure every agency invited to ``conference`` owes it a report (R-PR-4: whether or not it attends),
    and that each report's deadline is the policy's for this conference's type and date (R-PR-5).

    Call it after invitations change and after the conference is (re)scheduled. A report already received
    is kept as it is; an agency whose invitations are all withdrawn keeps its row (the history of what was
    owed), since a report it sent still belongs to the conference.
    """
    agency_ids = set(
        conference.invitations.filter(
            role=InviteeRole.PROFESSIONAL, withdrawn_at__isnull=True, agency__isnull=False
        ).values_list("agency_id", flat=True)
    )
    existing = {report.agency_id: report for report in conference.reports.all()}
    before = deadlines.before_conference(conference, working_calendar_for(conference.authority))
    due = before.get("reports-due")
    due_on = None if due is None else local_date(due)
    due_at = due if isinstance(due, datetime) else None
    for agency_id in sorted(agency_ids - existing.keys()):
        report = Report(conference=conference, agency_id=agency_id, due_on=due_on, due_at=due_at)
        report.full_clean()
        report.save()
        audit_record(
            actor=acting_user, action="create", instance=report, before=None, after=audit_snapshot(report)
        )
        existing[agency_id] = report
    for report in existing.values():
        if report.received_at is None and (report.due_on, report.due_at) != (due_on, due_at):
            snapshot = audit_snapshot(report)
            report.due_on, report.due_at = due_on, due_at
            report.version += 1
            report.save(update_fields=["due_on", "due_at", "version", "updated_at"])
            audit_record(
                actor=acting_user,
                action="change",
                instance=report,
                before=snapshot,
                after=audit_snapshot(report),
            )
    return sorted(existing.values(), key=lambda report: report.agency_id)


# Receiving a report, sharing it with the family, and withholding parts of it (R-PR-4, R-PR-6)

STALE_MESSAGE = (
    "Someone else changed this report while you were working on it. Check what it says now and try again."
)
CANCELLED_MESSAGE = "This conference has been cancelled, so nothing more can be recorded about its reports."
REPLACE_TOO_LATE_MESSAGE = (
    "The conference has started or taken place, so its report can no longer be replaced."
)
SHARED_HOW_MAX_LENGTH = Report._meta.get_field("shared_how").max_length or 200
TEXT_MAX_LENGTH = 5000


def _fresh(report: Report, expected_version: int | None) -> Report:
    """The report as it is now, locked until the transaction ends, with its conference; refused if it
    changed since the person's form was made (``expected_version``)."""
    fresh = Report.objects.select_for_update().select_related("conference__authority").get(pk=report.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ValidationError(STALE_MESSAGE, code="stale")
    if fresh.conference.status == ConferenceStatus.CANCELLED:
        raise ValidationError(CANCELLED_MESSAGE, code="cancelled")
    return fresh


def _save(report: Report, before: dict[str, Any], fields: list[str], acting_user: User | None) -> Report:
    report.version += 1
    report.full_clean()
    report.save(update_fields=[*fields, "version", "updated_at"])
    audit_record(
        actor=acting_user, action="change", instance=report, before=before, after=audit_snapshot(report)
    )
    return report


def _text(value: str, *, field: str, missing: str, max_length: int = TEXT_MAX_LENGTH) -> str:
    text = value.strip()
    if not text:
        raise ValidationError({field: missing}, code="required")
    if len(text) > max_length:
        raise ValidationError({field: f"Keep this to {max_length} characters or fewer"}, code="max_length")
    return text


@transaction.atomic
def report_receive(
    *,
    report: Report,
    upload: UploadedFile[bytes] | None,
    received_from: Professional | None,
    acting_user: User | None,
    expected_version: int | None = None,
) -> Report:
    """Keep an agency's report (R-PR-4), checked as issue 3, item 8 asks: PDF or Word by its content, within
    the size limit, passed by the virus scanner, stored under a random name outside the web root.

    A report already received is replaced only while the conference is still to happen; the file it
    replaces stays in storage, and the audit history keeps what each upload was (name, size, hash).
    """
    report = _fresh(report, expected_version)
    now = clock.now()
    if report.received_at is not None and not still_to_happen(report.conference, now):
        raise ValidationError({"file": REPLACE_TOO_LATE_MESSAGE}, code="too_late")
    checked = uploads.check_upload(upload)
    uploads.scan(checked.file.file)  # type: ignore[arg-type]
    before = audit_snapshot(report)
    report.file.save(uploads.stored_name(checked.kind), checked.file, save=False)
    stored = report.file.name or ""
    try:
        report.file_name = checked.file_name
        report.content_type = checked.content_type
        report.size = checked.size
        report.sha256 = checked.sha256
        report.received_at = now
        report.received_from = received_from
        fields = ["file", "file_name", "content_type", "size", "sha256", "received_at", "received_from"]
        return _save(report, before, fields, acting_user)
    except BaseException:
        # Nothing half-saved: a file whose row was not written is not kept either.
        report.file.storage.delete(stored)
        raise


@transaction.atomic
def report_record_shared(
    *,
    report: Report,
    shared_on: date,
    shared_how: str,
    acting_user: User | None,
    expected_version: int | None = None,
) -> Report:
    """Record when and how a report was shared with the family (R-PR-6: before the conference, talked
    through, in their language). Sharing it late is recorded as it happened; the page says it was late."""
    report = _fresh(report, expected_version)
    how = _text(
        shared_how,
        field="shared_how",
        missing="Enter how the report was shared with the family",
        max_length=SHARED_HOW_MAX_LENGTH,
    )
    if shared_on > clock.today():
        raise ValidationError(
            {"shared_on": "The date the report was shared must be today or in the past"}, code="future"
        )
    before = audit_snapshot(report)
    report.shared_with_family_on = shared_on
    report.shared_how = how
    return _save(report, before, ["shared_with_family_on", "shared_how"], acting_user)


@transaction.atomic
def report_withhold_request(
    *,
    report: Report,
    parts: str,
    reason: str,
    acting_user: User | None,
    expected_version: int | None = None,
) -> Report:
    """The author asks the chair to agree that parts of their report are not shared with the family
    (R-PR-6), while the conference is still to happen. Asking again replaces the request and waits for a
    new decision; asking later than the deadline is allowed, and shown to the chair as late."""
    report = _fresh(report, expected_version)
    now = clock.now()
    if not still_to_happen(report.conference, now):
        raise ValidationError(
            "The conference has started or taken place: parts of a report can be withheld only before it.",
            code="too_late",
        )
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for field, value, missing in (
        ("parts", parts, "Enter which parts of the report the family should not see"),
        ("reason", reason, "Enter why the family should not see these parts"),
    ):
        try:
            cleaned[field] = _text(value, field=field, missing=missing)
        except ValidationError as error:
            errors.update({key: messages[0] for key, messages in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    before = audit_snapshot(report)
    report.withhold_parts = cleaned["parts"]
    report.withhold_reason = cleaned["reason"]
    report.withhold_requested_at = now
    report.withhold_decision = ChairDecision.PENDING
    report.withhold_decision_reason = ""
    report.withhold_decided_at = None
    report.withhold_decided_by = None
    fields = [
        "withhold_parts",
        "withhold_reason",
        "withhold_requested_at",
        "withhold_decision",
        "withhold_decision_reason",
        "withhold_decided_at",
        "withhold_decided_by",
    ]
    return _save(report, before, fields, acting_user)


@transaction.atomic
def report_withhold_decide(
    *,
    report: Report,
    decision: str,
    reason: str,
    chair: Professional | None,
    acting_user: User | None,
    expected_version: int | None = None,
) -> Report:
    """The chair agrees or refuses a request to withhold parts of a report from the family, with a reason
    (R-PR-6). The parts agreed are kept as data, for the minutes and the family's copies."""
    report = _fresh(report, expected_version)
    if report.withhold_requested_at is None:
        raise ValidationError("Nobody has asked to withhold any part of this report.", code="no_request")
    if not report.conference.is_open:
        raise ValidationError(
            "The conference has taken place, so this decision can no longer be made here.", code="too_late"
        )
    errors: dict[str, str] = {}
    if decision not in {ChairDecision.AGREED, ChairDecision.REFUSED}:
        errors["decision"] = "Select whether you agree to withhold these parts from the family"
    if not reason.strip():
        errors["decision_reason"] = "Enter the reason for your decision"
    elif len(reason.strip()) > TEXT_MAX_LENGTH:
        errors["decision_reason"] = f"Keep this to {TEXT_MAX_LENGTH} characters or fewer"
    if errors:
        raise ValidationError(errors)
    before = audit_snapshot(report)
    report.withhold_decision = decision
    report.withhold_decision_reason = reason.strip()
    report.withhold_decided_at = clock.now()
    report.withhold_decided_by = chair
    fields = ["withhold_decision", "withhold_decision_reason", "withhold_decided_at", "withhold_decided_by"]
    return _save(report, before, fields, acting_user)
