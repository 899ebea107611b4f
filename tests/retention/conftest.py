"""Families whose records are past retention, or not, for the retention tests. Every name is invented.

Records are made on CREATED (25 November 2026); the tests then look at them on LATER (1 June 2075): a
child born in 2019 is 56, and 2026 plus cpconf's default 35 years after the last activity is 2061, so the
record is past retention. A child born in 2055 is 20 on LATER: not past (25 years after birth).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings

from cpconf.conferences.models import (
    ChairDecision,
    ChildDecision,
    Conference,
    Exclusion,
    Invitation,
    InviteeRole,
    Recommendation,
    Report,
)
from cpconf.conferences.services.reports import report_receive
from cpconf.enquiries.models import EnquiryChild, Section47Enquiry
from cpconf.minutes.models import Channel, Circulation, Document, Minutes, MinutesStatus
from cpconf.notifications.models import OutboxMessage, OutboxStatus
from cpconf.people.models import Authority, Child, FamilyMember, Household, Professional
from cpconf.plans.models import (
    ChildProtectionPlan,
    CoreGroupMeeting,
    PlanNotification,
    PlanNotificationEvent,
    Visit,
)
from tests import factories

CREATED = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
LATER = datetime(2075, 6, 1, 9, 0, tzinfo=UTC)
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def upload_root(settings: Settings, tmp_path: Path) -> Path:
    root = tmp_path / "uploads"
    settings.CPCONF_UPLOAD_ROOT = root
    return root


@pytest.fixture
def at_creation() -> Iterator[None]:
    with time_machine.travel(CREATED, tick=False):
        yield


def later() -> time_machine.travel:
    return time_machine.travel(LATER, tick=False)


@dataclass
class Family:
    authority: Authority
    children: list[Child]
    parent: FamilyMember
    household: Household
    enquiry: Section47Enquiry
    conference: Conference
    report: Report
    files: list[str] = field(default_factory=list)  # every stored file: the replaced one, then the current

    @property
    def child(self) -> Child:
        return self.children[0]


def pdf(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def build_family(
    authority: Authority,
    chair: Professional,
    *,
    born: tuple[date, ...] = (date(2019, 4, 12),),
    surname: str = "Fennimore",
) -> Family:
    """A household of children with a parent, an enquiry, a conference with an invitation, an exclusion,
    a report uploaded twice (so one file was replaced), a decision and a plan, and a sent email."""
    children = [
        factories.ChildFactory(
            authority=authority, given_name=f"Linnet{i}", family_name=surname, date_of_birth=day
        )
        for i, day in enumerate(born)
    ]
    parent = factories.FamilyMemberFactory(authority=authority, given_name="Odile", family_name=surname)
    for child in children:
        factories.ChildRelationshipFactory(child=child, family_member=parent)
    household = factories.HouseholdFactory(
        authority=authority, name=f"the {surname} household", children=children, adults=[parent]
    )
    enquiry = factories.Section47EnquiryFactory(authority=authority, household=household)
    for child in children:
        EnquiryChild.objects.create(enquiry=enquiry, child=child)
    conference = factories.ConferenceFactory(
        authority=authority, household=household, enquiry=enquiry, children=children, chair=chair
    )
    invitation = Invitation.objects.create(
        conference=conference,
        role=InviteeRole.PARENT_OR_CARER,
        family_member=parent,
        name=f"Odile {surname}",
    )
    Exclusion.objects.create(
        conference=conference,
        invitation=invitation,
        requested_by=chair,
        requested_at=CREATED,
        grounds=["intimidation"],
        details="Fictional details.",
        sections=[],
        decision=ChairDecision.PENDING,
    )
    report = factories.ReportFactory(conference=conference, agency=chair.agency)
    files = []
    for upload in ("first.pdf", "second.pdf"):
        report = report_receive(report=report, upload=pdf(upload), received_from=chair, acting_user=None)
        files.append(report.file.name)
    for child in children:
        decision = ChildDecision.objects.create(
            conference=conference,
            child=child,
            suffered_significant_harm=True,
            likely_to_suffer_significant_harm=True,
            outcome=Recommendation.PLAN,
            categories=["neglect"],
            decision_rule="majority",
            decided_how="Fictional: 3 of 3 agencies recommended a plan.",
            chair_view=Recommendation.PLAN,
            decided_by=chair,
            recorded_at=CREATED,
        )
        plan = ChildProtectionPlan.objects.create(
            authority=authority,
            child=child,
            decision=decision,
            start_date=date(2026, 11, 25),
            categories=["neglect"],
            lead_professional=chair,
            outcomes="Fictional outcomes.",
            contingency="Fictional contingency.",
        )
        CoreGroupMeeting.objects.create(
            plan=plan,
            held_on=date(2026, 12, 4),
            chaired_by="Fictional",
            decisions="Fictional.",
            recorded_at=CREATED,
        )
        Visit.objects.create(
            plan=plan,
            visited_on=date(2026, 12, 1),
            visited_by=chair,
            seen_alone=True,
            seen_with_family=True,
            recorded_at=CREATED,
        )
        told = OutboxMessage.objects.create(
            authority=authority,
            child=child,
            purpose="plan-started",
            recipient="health@westmere.example",
            secure=True,
            subject="Fictional",
            body="Fictional",
            status=OutboxStatus.SENT,
            created_at=CREATED,
            next_attempt_at=CREATED,
            sent_at=CREATED,
        )
        PlanNotification.objects.create(
            plan=plan,
            event=PlanNotificationEvent.STARTED,
            professional=chair,
            agency_type=chair.agency.agency_type,
            name=chair.full_name,
            email="health@westmere.example",
            secure=True,
            message=told,
            sent_at=CREATED,
        )
        OutboxMessage.objects.create(
            authority=authority,
            child=child,
            purpose="test",
            recipient="someone@westmere.example",
            secure=True,
            subject="Fictional",
            body="Fictional",
            status=OutboxStatus.SENT,
            created_at=CREATED,
            next_attempt_at=CREATED,
            sent_at=CREATED,
        )
    # Approved minutes sent to the parent (the circulation refers to the invitation).
    minutes = Minutes.objects.create(
        conference=conference,
        started_at=CREATED,
        status=MinutesStatus.APPROVED,
        approved_at=CREATED,
        signed_name="Fictional chair",
    )
    Circulation.objects.create(
        minutes=minutes,
        invitation=invitation,
        document=Document.MINUTES,
        channel=Channel.POST,
        sent_at=CREATED,
    )
    return Family(authority, children, parent, household, enquiry, conference, report, files)


@dataclass
class Place:
    authority: Authority
    chair: Professional


@pytest.fixture
def place(at_creation: None) -> Place:
    authority = factories.AuthorityFactory(name="Harrowdene Test Council", slug="harrowdene")
    chair = factories.ProfessionalFactory(
        agency__authority=authority, user__first_name="Ptolemy", user__last_name="Vantongeren"
    )
    return Place(authority, chair)
