"""Reads of the reports owed to conferences (R-PR-4 to R-PR-6): one conference's reports with the state of
each, the deadlines that apply to them, and every report missing or late across the conferences a person
may see.

Deadlines come from the statutory clock through ``cpconf.conferences.deadlines`` (DESIGN principle 1);
whether a deadline has passed is asked of ``cpconf.clock``. Each read takes a fixed number of queries,
however many reports there are.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from cpconf import clock, timescales
from cpconf.access.rules import (
    CHAIR_CONFERENCE,
    SEND_REPORT,
    actor_for,
    is_social_care_staff,
    may,
    visible_conferences_filter,
)
from cpconf.clock import date_in_words, time_in_words
from cpconf.conferences import deadlines
from cpconf.conferences.models import (
    OPEN_STATUSES,
    ChairDecision,
    Conference,
    ConferenceChild,
    Report,
)
from cpconf.conferences.uploads import FileKind, size_in_words
from cpconf.people.models import User
from cpconf.people.selectors import working_calendar_for
from cpconf.timescales import Deadline, WorkingCalendar
from cpconf.timescales.durations import local_date

# R-PR-6: a request to withhold part of a report is made at least 2 working days before the conference,
# where the policy sets no deadline of its own for it (its "exclusion-requests-due", which the seeds tie
# to the same notice to the chair).
WITHHOLD_NOTICE = "2 wd"
# The list of missing and late reports shows those due within this time too, so they can be chased.
DUE_SOON = "2 days"
# Whom a report goes to that counts as the family (R-PR-6), in the policies' words (REPORT_RECIPIENTS).
FAMILY_RECIPIENTS = frozenset({"family", "parents", "child"})
RECIPIENT_WORDS = {
    "chair": "the chair",
    "family": "the family",
    "parents": "the parents",
    "child": "the child",
    "attendees": "everyone attending",
    "conference-office": "the conference office",
}


class ReportState(StrEnum):
    RECEIVED = "received"  # received by its deadline (or with no deadline)
    LATE = "late"  # received after its deadline
    OVERDUE = "overdue"  # not received, and its deadline has passed
    DUE = "due"  # not received yet, and not yet due


#: Each state as the pages show it: its words and its GOV.UK tag colour.
STATE_TAGS = {
    ReportState.RECEIVED: ("Received", "govuk-tag--green"),
    ReportState.LATE: ("Received late", "govuk-tag--yellow"),
    ReportState.OVERDUE: ("Overdue", "govuk-tag--red"),
    ReportState.DUE: ("Not received yet", "govuk-tag--grey"),
}


def _after(moment: datetime | date, deadline: Deadline) -> bool:
    """Whether ``moment`` is after ``deadline``: a deadline in hours is a moment, any other is the last
    allowed day (docs/domain.md, "Within N working days")."""
    if isinstance(deadline, datetime):
        return moment > deadline if isinstance(moment, datetime) else moment > local_date(deadline)
    return local_date(moment) > deadline


def report_deadline(report: Report) -> Deadline | None:
    """The report's deadline as stored by ``reports_sync``: a moment for a deadline in hours, else a day."""
    return report.due_at or report.due_on


def report_state(report: Report, now: datetime) -> ReportState:
    """Received, received late, overdue, or not yet due (R-PR-5), at ``now``."""
    deadline = report_deadline(report)
    if report.received_at is not None:
        late = deadline is not None and _after(report.received_at, deadline)
        return ReportState.LATE if late else ReportState.RECEIVED
    if deadline is not None and _after(now, deadline):
        return ReportState.OVERDUE
    return ReportState.DUE


def due_in_words(report: Report) -> str:
    """ "19 November 2026", "19 November 2026 at 2:00pm" for a deadline in hours, or why there is none."""
    if report.due_at is not None:
        return time_in_words(report.due_at)
    if report.due_on is not None:
        return date_in_words(report.due_on)
    return "When the conference has a date"


@dataclass(frozen=True)
class ReportDeadlines:
    """The deadlines before one conference that its reports answer to (R-PR-5, R-PR-6)."""

    conference_on: date | None
    reports_due: Deadline | None
    #: Whom the policy says reports go to by then ("chair", "family", ...).
    recipients: tuple[str, ...]
    #: By when the family should have had each report: the reports' deadline where the policy sends
    #: reports to the family, otherwise only "before the conference" (R-PR-6).
    family_due: Deadline | None
    withhold_due: Deadline | None
    #: Whether ``withhold_due`` is the policy's own deadline, or R-PR-6's 2 working days.
    withhold_due_from_policy: bool

    @property
    def reports_due_in_words(self) -> str:
        return _deadline_in_words(self.reports_due) if self.reports_due is not None else ""

    @property
    def recipients_in_words(self) -> str:
        """Whom reports go to by their deadline: "the family and the chair"."""
        words = [RECIPIENT_WORDS.get(recipient, recipient) for recipient in self.recipients]
        return " and ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)

    @property
    def family_due_in_words(self) -> str:
        if self.family_due is not None:
            return _deadline_in_words(self.family_due)
        if self.conference_on is not None:
            return f"before the conference on {date_in_words(self.conference_on)}"
        return "before the conference"

    @property
    def withhold_due_in_words(self) -> str:
        return _deadline_in_words(self.withhold_due) if self.withhold_due is not None else ""

    def shared_late(self, shared_on: date | None) -> bool:
        """R-PR-6: shared with the family after the policy's deadline for them, or not before the conference."""
        if shared_on is None:
            return False
        if self.family_due is not None:
            return _after(shared_on, self.family_due)
        return self.conference_on is not None and shared_on >= self.conference_on

    def withhold_late(self, requested_at: datetime | None) -> bool:
        """R-PR-6: asked later than 2 working days (or the policy's deadline) before the conference."""
        return (
            requested_at is not None
            and self.withhold_due is not None
            and _after(requested_at, self.withhold_due)
        )


def _deadline_in_words(deadline: Deadline) -> str:
    return time_in_words(deadline) if isinstance(deadline, datetime) else date_in_words(deadline)


def report_deadlines(conference: Conference) -> ReportDeadlines:
    """The deadlines before ``conference`` for its reports, from its authority's policy on its day; all
    None while it has no date (one query, for the authority's closure days)."""
    if conference.starts_at is None:
        return ReportDeadlines(None, None, (), None, None, False)
    calendar = working_calendar_for(conference.authority)
    before = deadlines.before_conference(conference, calendar)
    policy = deadlines.policy_on(conference.authority, conference.starts_at)
    recipients = policy.report_recipients(conference.clock_name)
    reports_due = before.get("reports-due")
    withhold_due = before.get("exclusion-requests-due")
    from_policy = withhold_due is not None
    if withhold_due is None:
        # The policy's closure days count as well as the authority's (as deadlines_before_conference does).
        working_days = calendar.with_closure_days(policy.closure_days)
        withhold_due = timescales.parse_duration(WITHHOLD_NOTICE).before(conference.starts_at, working_days)
    return ReportDeadlines(
        conference_on=conference.held_on,
        reports_due=reports_due,
        recipients=recipients,
        family_due=reports_due if FAMILY_RECIPIENTS & set(recipients) else None,
        withhold_due=withhold_due,
        withhold_due_from_policy=from_policy,
    )


def still_to_happen(conference: Conference, now: datetime) -> bool:
    """Requested or scheduled, and not yet started: a report may still be replaced or parts withheld."""
    return conference.is_open and (conference.starts_at is None or now < conference.starts_at)


@dataclass(frozen=True)
class ReportRow:
    """One agency's report, as the conference's reports page shows it."""

    report: Report
    state: ReportState
    due: str
    received: str
    file: str
    shared: str
    shared_late: bool
    withhold_requested: bool
    withhold_late: bool
    decision: str
    may_send: bool

    @property
    def state_text(self) -> str:
        return STATE_TAGS[self.state][0]

    @property
    def state_class(self) -> str:
        return STATE_TAGS[self.state][1]

    @property
    def decision_pending(self) -> bool:
        return self.withhold_requested and self.report.withhold_decision == ChairDecision.PENDING


def file_in_words(report: Report) -> str:
    """ "Family report.pdf (PDF, 1.2 MB)"; "" before it arrives."""
    if not report.received_at:
        return ""
    kind = next((kind for kind in FileKind if kind.content_type == report.content_type), None)
    what = kind.in_words if kind else "file"
    return f"{report.file_name} ({what}, {size_in_words(report.size or 0)})"


def decision_in_words(report: Report) -> str:
    if report.withhold_requested_at is None:
        return ""
    if report.withhold_decision == ChairDecision.AGREED:
        return "The chair agreed"
    if report.withhold_decision == ChairDecision.REFUSED:
        return "The chair refused"
    return "Waiting for the chair's decision"


@dataclass(frozen=True)
class ReportsPage:
    conference: Conference
    children: list[str]
    rows: list[ReportRow]
    deadlines: ReportDeadlines
    may_chair: bool
    still_to_happen: bool

    @property
    def conference_when(self) -> str:
        starts_at = self.conference.starts_at
        return time_in_words(starts_at) if starts_at else ""


def reports_of(conference: Conference) -> QuerySet[Report]:
    """The reports owed to ``conference`` (created by ``reports_sync``), by agency, with what each shows."""
    return conference.reports.select_related("agency", "received_from", "withhold_decided_by").order_by(
        "agency__name", "pk"
    )


def report_in(conference: Conference, report_id: uuid.UUID) -> Report | None:
    """The report with this public identifier owed to ``conference``; None if it has no such report."""
    report = reports_of(conference).filter(public_id=report_id).first()
    if report is not None:
        report.conference = conference  # the gateway's copy, with its authority
    return report


def may_send(user: User | AnonymousUser, report: Report) -> bool:
    """R-PR-4: social care staff send (or record) any agency's report; an agency professional their own
    agency's only. The conference must be one they may send reports to (``SEND_REPORT``)."""
    if not may(user, SEND_REPORT, report.conference):
        return False
    if is_social_care_staff(user):
        return True
    professional = actor_for(user).professional
    return professional is not None and professional.agency_id == report.agency_id


def children_named(conference: Conference) -> list[str]:
    return [
        link.child.full_name
        for link in ConferenceChild.objects.filter(conference=conference).select_related("child")
    ]


def reports_page_for(user: User | AnonymousUser, conference: Conference) -> ReportsPage:
    """Everything the conference's reports page shows, for ``user`` (who the gateway let see it)."""
    now = clock.now()
    reports = list(reports_of(conference))
    report_deadlines_ = report_deadlines(conference)
    may_send_any = may(user, SEND_REPORT, conference)
    social_care = is_social_care_staff(user)
    professional = actor_for(user).professional
    rows = []
    for report in reports:
        report.conference = conference
        received = ""
        if report.received_at is not None:
            sender = f" from {report.received_from.full_name}" if report.received_from else ""
            received = f"{time_in_words(report.received_at)}{sender}"
        shared = ""
        if report.shared_with_family_on is not None:
            shared = f"{date_in_words(report.shared_with_family_on)}: {report.shared_how}"
        rows.append(
            ReportRow(
                report=report,
                state=report_state(report, now),
                due=due_in_words(report),
                received=received,
                file=file_in_words(report),
                shared=shared,
                shared_late=report_deadlines_.shared_late(report.shared_with_family_on),
                withhold_requested=report.withhold_requested_at is not None,
                withhold_late=report_deadlines_.withhold_late(report.withhold_requested_at),
                decision=decision_in_words(report),
                may_send=may_send_any
                and (
                    social_care or (professional is not None and professional.agency_id == report.agency_id)
                ),
            )
        )
    return ReportsPage(
        conference=conference,
        children=children_named(conference),
        rows=rows,
        deadlines=report_deadlines_,
        may_chair=may(user, CHAIR_CONFERENCE, conference),
        still_to_happen=still_to_happen(conference, now),
    )


@dataclass(frozen=True)
class WithheldPart:
    """Parts of an agency's report the chair agreed to withhold from the family (R-PR-6): for the minutes
    and the family's copies, which are built from what each person may receive (DESIGN principle 5)."""

    agency: str
    parts: str
    reason: str


def withheld_parts_for(conference: Conference) -> list[WithheldPart]:
    """Every part of ``conference``'s reports withheld from the family with the chair's agreement."""
    return [
        WithheldPart(agency=report.agency.name, parts=report.withhold_parts, reason=report.withhold_reason)
        for report in reports_of(conference).filter(withhold_decision=ChairDecision.AGREED)
    ]


# Missing and late reports, across conferences (R-PR-4, R-PR-5)


def due_soon_until(today: date) -> date:
    """The last day a report can be due and still be listed as due soon."""
    return local_date(timescales.parse_duration(DUE_SOON).after(today, WorkingCalendar()))


def reports_missing_or_late(user: User | AnonymousUser) -> QuerySet[Report]:
    """Every report not received for a conference still to happen that ``user`` may see, overdue or due
    within ``DUE_SOON``, soonest first; each with its conference, agency and children (three queries for
    any number, two when paginated after a count)."""
    visible = Conference.objects.filter(visible_conferences_filter(user))
    children = ConferenceChild.objects.select_related("child").order_by("pk")
    return (
        Report.objects.filter(
            conference__in=visible,
            conference__status__in=OPEN_STATUSES,
            received_at__isnull=True,
            due_on__isnull=False,
            due_on__lte=due_soon_until(clock.today()),
        )
        .select_related("conference", "agency")
        .prefetch_related(Prefetch("conference__conference_children", queryset=children))
        .order_by("due_on", "due_at", "conference__starts_at", "agency__name", "pk")
    )


@dataclass(frozen=True)
class MissingReportRow:
    report: Report
    conference: Conference
    children: list[str]
    conference_on: str
    due: str
    state: ReportState

    @property
    def state_text(self) -> str:
        return "Overdue" if self.state is ReportState.OVERDUE else "Due soon"

    @property
    def state_class(self) -> str:
        return "govuk-tag--red" if self.state is ReportState.OVERDUE else "govuk-tag--yellow"


def missing_report_rows(reports: list[Report]) -> list[MissingReportRow]:
    """Rows for the list of missing and late reports, from ``reports_missing_or_late`` (no queries)."""
    now = clock.now()
    rows = []
    for report in reports:
        conference = report.conference
        rows.append(
            MissingReportRow(
                report=report,
                conference=conference,
                children=[link.child.full_name for link in conference.conference_children.all()],
                conference_on=time_in_words(conference.starts_at)
                if conference.starts_at
                else "Not booked yet",
                due=due_in_words(report),
                state=report_state(report, now),
            )
        )
    return rows
