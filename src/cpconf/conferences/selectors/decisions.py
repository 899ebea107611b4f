"""Reads of each child's decision at a conference, and each agency's view on it (R-DE-1 to R-DE-6).

The conference comes from ``cpconf.access.gateways.conference_for`` (which decides who may see it and logs
the read); these read only its rows, in a fixed number of queries however many children and agencies.

For other areas (the plan, made from a decision for a plan; the minutes' decision section):
``decision_for_child(conference, child)`` and ``decisions_for(conference)``; ``decision_summary`` in
``cpconf.conferences.services.decisions`` says a decision in words.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from cpconf.conferences.models import (
    AgencyView,
    AttendanceMode,
    ChildDecision,
    Conference,
    Invitation,
    InviteeRole,
    Report,
)
from cpconf.people.models import Agency, Child

#: The attendance answers that mean someone was there to give their agency's view.
PRESENT_MODES = frozenset({AttendanceMode.IN_PERSON, AttendanceMode.ONLINE})


@dataclass(frozen=True)
class ViewSource:
    """Where an agency's view can come from: someone of the agency present, or its written report when
    nobody from it was there (R-DE-2)."""

    key: str  # "invitation:<uuid>" or "report:<uuid>", as forms and the API name it
    agency: Agency
    invitation: Invitation | None = None
    report: Report | None = None

    @property
    def label(self) -> str:
        if self.invitation is not None:
            name = self.invitation.name
            attendance = getattr(self.invitation, "attendance", None)
            if attendance is not None and attendance.attended_by:
                name = f"{attendance.attended_by} (instead of {self.invitation.name})"
            return f"{name}, {self.agency.name}, at the conference"
        return f"{self.agency.name}'s written report (nobody from the agency was there)"


@dataclass(frozen=True)
class AgencyStill:
    """An agency expected to give a view on a child that has not yet (R-DE-2)."""

    agency: Agency
    present: bool  # someone from it attended
    report: Report | None  # its written report, if received
    sources: list[ViewSource] = field(default_factory=list)


@dataclass(frozen=True)
class ChildDecisions:
    """One child at the conference: each agency's view, who has not given one, and the decision."""

    child: Child
    views: list[AgencyView]
    not_given: list[AgencyStill]
    decision: ChildDecision | None
    sources: list[ViewSource]  # where the views not yet given can come from

    @property
    def decided(self) -> bool:
        return self.decision is not None


def _standing_professionals(conference: Conference) -> list[Invitation]:
    return list(
        conference.invitations.filter(
            role=InviteeRole.PROFESSIONAL, withdrawn_at__isnull=True, agency__isnull=False
        )
        .select_related("agency", "attendance")
        .order_by("agency__name", "pk")
    )


def _reports(conference: Conference) -> list[Report]:
    return list(conference.reports.select_related("agency").order_by("agency__name", "pk"))


def view_sources(conference: Conference) -> list[ViewSource]:
    """Everyone who can give an agency's view at ``conference`` (two queries): each professional who
    attended, and the received written report of each agency nobody attended for."""
    return _sources(_standing_professionals(conference), _reports(conference))


def _sources(invitations: list[Invitation], reports: list[Report]) -> list[ViewSource]:
    sources: list[ViewSource] = []
    present_agencies: set[int] = set()
    for invitation in invitations:
        attendance = getattr(invitation, "attendance", None)
        if attendance is not None and attendance.mode in PRESENT_MODES and invitation.agency is not None:
            present_agencies.add(invitation.agency.pk)
            sources.append(
                ViewSource(
                    key=f"invitation:{invitation.public_id}", agency=invitation.agency, invitation=invitation
                )
            )
    for report in reports:
        if report.received_at is not None and report.agency_id not in present_agencies:
            sources.append(ViewSource(key=f"report:{report.public_id}", agency=report.agency, report=report))
    return sources


def decisions_for(conference: Conference) -> list[ChildDecisions]:
    """Each child of ``conference`` (youngest last, as the decisions are ordered) with every agency's view,
    the agencies still to give one, and the decision: five queries, whatever the numbers."""
    children = list(conference.children.order_by("date_of_birth", "pk"))
    views = list(
        AgencyView.objects.filter(conference=conference)
        .select_related("agency", "invitation", "report", "recorded_by")
        .order_by("agency__name", "pk")
    )
    decisions = {
        decision.child_id: decision
        for decision in ChildDecision.objects.filter(conference=conference).select_related(
            "decided_by", "recorded_by"
        )
    }
    invitations = _standing_professionals(conference)
    reports = _reports(conference)
    sources = _sources(invitations, reports)
    expected: dict[int, Agency] = {}
    for invitation in invitations:
        if invitation.agency is not None:
            expected.setdefault(invitation.agency.pk, invitation.agency)
    for report in reports:
        expected.setdefault(report.agency.pk, report.agency)
    present = {source.agency.pk for source in sources if source.invitation is not None}
    received = {report.agency_id: report for report in reports if report.received_at is not None}
    rows = []
    for child in children:
        child_views = [view for view in views if view.child_id == child.pk]
        given = {view.agency_id for view in child_views}
        still = [
            AgencyStill(
                agency=agency,
                present=agency.pk in present,
                report=received.get(agency.pk),
                sources=[source for source in sources if source.agency.pk == agency.pk],
            )
            for agency in sorted(expected.values(), key=lambda agency: (agency.name, agency.pk))
            if agency.pk not in given
        ]
        decision = decisions.get(child.pk)
        if decision is not None:
            decision.child = child  # so that saying it in words needs no query
        rows.append(
            ChildDecisions(
                child=child,
                views=child_views,
                not_given=still,
                decision=decision,
                sources=[source for source in sources if source.agency.pk not in given],
            )
        )
    return rows


def child_in(conference: Conference, public_id: uuid.UUID) -> Child | None:
    """The child with this identifier if the conference is about them (else None)."""
    return conference.children.filter(public_id=public_id).first()


def decision_for_child(conference: Conference, child: Child) -> ChildDecision | None:
    """The decision recorded for ``child`` at ``conference``, or None (one query)."""
    return (
        ChildDecision.objects.filter(conference=conference, child=child)
        .select_related("child", "decided_by", "conference")
        .first()
    )


def views_for_child(conference: Conference, child: Child) -> list[AgencyView]:
    """Every agency's view on ``child`` at ``conference``, by agency name (one query)."""
    return list(
        AgencyView.objects.filter(conference=conference, child=child)
        .select_related("agency", "invitation", "report")
        .order_by("agency__name", "pk")
    )


def view_in(conference: Conference, public_id: uuid.UUID) -> AgencyView | None:
    """The agency view with this identifier if it was given at ``conference`` (else None)."""
    return (
        AgencyView.objects.filter(conference=conference, public_id=public_id)
        .select_related("agency", "child", "invitation", "report", "conference")
        .first()
    )
