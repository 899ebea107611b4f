"""Reports owed to a conference (R-PR-4 to R-PR-6): who owes one, and by when."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from cpconf.access.log import audit_record, audit_snapshot
from cpconf.conferences import deadlines
from cpconf.conferences.models import Conference, InviteeRole, Report
from cpconf.people.models import User
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
