"""Reads of the minutes (R-EX-5, R-AF-1, R-AF-2, R-PR-6). The conference comes from
``cpconf.access.gateways.conference_for``, which decided that the person may see it and logged the read;
everything here reads only that conference's rows, in a fixed number of queries however many sections,
invitations, exclusions and reports it has.

Each person's copy is built by ``cpconf.minutes.redaction.redact`` from what they may receive
(DESIGN principle 5): ``copy_for`` gathers its inputs, and nothing else decides what is in a copy.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from cpconf import clock
from cpconf.access.rules import is_social_care_staff, visible_conferences_filter
from cpconf.conferences.agenda import AGENDA
from cpconf.conferences.models import (
    Category,
    ChildDecision,
    Conference,
    ConferenceChild,
    Invitation,
    InviteeRole,
    Recommendation,
)
from cpconf.conferences.selectors.exclusions import excluded_sections_for
from cpconf.conferences.selectors.reports import withheld_parts_for
from cpconf.minutes import deadlines
from cpconf.minutes.models import Circulation, Document, Minutes, MinutesSection
from cpconf.minutes.redaction import FAMILY, PROFESSIONAL, Copy, Recipient, ReportPart, SectionIn, redact
from cpconf.people.models import User
from cpconf.people.selectors import professional_for_user


def minutes_of(conference: Conference) -> Minutes | None:
    """The conference's minutes with their sections and each section's audience (three queries), or None."""
    sections = MinutesSection.objects.select_related("updated_by").prefetch_related(
        Prefetch("family_audience", queryset=Invitation.objects.only("pk", "public_id"))
    )
    minutes = (
        Minutes.objects.filter(conference=conference)
        .select_related("approved_by")
        .prefetch_related(Prefetch("sections", queryset=sections))
        .first()
    )
    if minutes is not None:
        minutes.conference = conference  # the gateway's copy
    return minutes


def sections_by_key(minutes: Minutes) -> dict[str, MinutesSection]:
    """The loaded sections by agenda key (no query)."""
    return {section.key: section for section in minutes.sections.all()}


def section_inputs(minutes: Minutes) -> list[SectionIn]:
    """The sections as ``redact`` takes them (no query once loaded by ``minutes_of``)."""
    return [
        SectionIn(
            key=section.key,
            text=section.text,
            family_audience=frozenset(
                str(invitation.public_id) for invitation in section.family_audience.all()
            ),
        )
        for section in minutes.sections.all()
    ]


def recipients_of(conference: Conference) -> list[Invitation]:
    """Everyone the minutes go to: the conference's standing invitations, by name (one query)."""
    return list(
        conference.invitations.filter(withdrawn_at__isnull=True)
        .select_related("professional")
        .order_by("role", "name", "pk")
    )


def family_invitations(conference: Conference) -> list[Invitation]:
    """The invitations of people who are not professionals: whom a section's audience can name."""
    return list(
        conference.invitations.filter(withdrawn_at__isnull=True)
        .exclude(role=InviteeRole.PROFESSIONAL)
        .order_by("name", "pk")
    )


def recipient_for(invitation: Invitation) -> Recipient:
    role = PROFESSIONAL if invitation.role == InviteeRole.PROFESSIONAL else FAMILY
    return Recipient(role=role, invitation_id=str(invitation.public_id))


@dataclass(frozen=True)
class RedactionInputs:
    """What every copy of one conference's minutes is built from, read once (three queries)."""

    sections: list[SectionIn]
    excluded: dict[uuid.UUID, list[str]]
    withheld: list[ReportPart]

    def copy_for(self, invitation: Invitation) -> Copy:
        return redact(
            sections=self.sections,
            recipient=recipient_for(invitation),
            excluded_sections=self.excluded.get(invitation.public_id, []),
            withheld_parts=self.withheld,
        )

    def full_copy(self) -> Copy:
        """The whole minutes, as the chair, the minute taker and social care staff read them."""
        return redact(
            sections=self.sections,
            recipient=Recipient(role=PROFESSIONAL),
            excluded_sections=(),
            withheld_parts=self.withheld,
        )


def redaction_inputs(minutes: Minutes) -> RedactionInputs:
    conference = minutes.conference
    withheld = [ReportPart(agency=part.agency, text=part.parts) for part in withheld_parts_for(conference)]
    return RedactionInputs(
        sections=section_inputs(minutes), excluded=excluded_sections_for(conference), withheld=withheld
    )


def invitation_in(conference: Conference, invitation_id: uuid.UUID) -> Invitation | None:
    return conference.invitations.filter(public_id=invitation_id, withdrawn_at__isnull=True).first()


def own_invitation(user: User | AnonymousUser, conference: Conference) -> Invitation | None:
    """The person's own standing invitation to the conference as a professional, if any."""
    me = professional_for_user(user)
    if me is None:
        return None
    return conference.invitations.filter(
        professional=me, role=InviteeRole.PROFESSIONAL, withdrawn_at__isnull=True
    ).first()


def reads_whole_minutes(user: User | AnonymousUser) -> bool:
    """Social care staff of the authority (the chair, minute taker and coordinator among them) read the
    whole minutes; an invited professional from another agency reads their own copy."""
    return bool(is_social_care_staff(user))


def copy_for_reader(user: User | AnonymousUser, minutes: Minutes) -> Copy:
    """The copy ``user`` reads: the whole minutes for social care staff, else their own redacted copy
    (someone not invited receives nothing: the view refuses them before this)."""
    inputs = redaction_inputs(minutes)
    if reads_whole_minutes(user):
        return inputs.full_copy()
    invitation = own_invitation(user, minutes.conference)
    if invitation is None:
        return redact(sections=(), recipient=Recipient(role=""), excluded_sections=(), withheld_parts=())
    return inputs.copy_for(invitation)


# The decisions and recommendations (R-AF-1)


@dataclass(frozen=True)
class ChildDecisionLine:
    child: str
    outcome: str
    categories: list[str]
    family_consent_needed: bool


def decisions_of(conference: Conference) -> list[ChildDecisionLine]:
    """Each child's decision, as the short document says it (one query); empty if none is recorded."""
    rows = (
        ChildDecision.objects.filter(conference=conference)
        .select_related("child")
        .order_by("child__date_of_birth", "pk")
    )
    lines = []
    for row in rows:
        lines.append(
            ChildDecisionLine(
                child=row.child.full_name,
                outcome=Recommendation(row.outcome).label
                if row.outcome in Recommendation.values
                else row.outcome,
                categories=[Category(value).label for value in row.categories if value in Category.values],
                family_consent_needed=row.outcome == Recommendation.CHILD_IN_NEED,
            )
        )
    return lines


# Circulation


def circulations_of(minutes: Minutes) -> dict[tuple[uuid.UUID, str], Circulation]:
    """The latest edition's circulations by (invitation, document) (one query)."""
    rows = Circulation.objects.filter(minutes=minutes).select_related("invitation").order_by("sent_at", "pk")
    found: dict[tuple[uuid.UUID, str], Circulation] = {}
    for row in rows:
        if row.document == Document.DECISIONS or row.edition == minutes.edition:
            found[(row.invitation.public_id, row.document)] = row
    return found


# Late circulation (R-AF-1, R-AF-2), across conferences


@dataclass(frozen=True)
class LateRow:
    minutes: Minutes
    conference: Conference
    children: list[str]
    document: str
    due: str


def late_circulations(user: User | AnonymousUser, at: datetime | None = None) -> list[LateRow]:
    """Minutes and decisions not circulated by their due date, of the conferences ``user`` may see,
    oldest deadline first (two queries however many)."""
    now = at or clock.now()
    today = clock.today()
    visible = Conference.objects.filter(visible_conferences_filter(user))
    decisions_late = Q(decisions_circulated_at__isnull=True) & (
        Q(decisions_due_at__lt=now) | Q(decisions_due_on__lt=today)
    )
    minutes_late = Q(minutes_circulated_at__isnull=True) & (
        Q(minutes_due_at__lt=now) | Q(minutes_due_on__lt=today)
    )
    children = ConferenceChild.objects.select_related("child").order_by("pk")
    rows: QuerySet[Minutes] = (
        Minutes.objects.filter(conference__in=visible)
        .filter(decisions_late | minutes_late)
        .select_related("conference")
        .prefetch_related(Prefetch("conference__conference_children", queryset=children))
        .order_by("conference__starts_at", "pk")
    )
    late: list[LateRow] = []
    for minutes in rows:
        names = [link.child.full_name for link in minutes.conference.conference_children.all()]
        checks = (
            (
                Document.DECISIONS,
                minutes.decisions_circulated_at,
                minutes.decisions_due_on,
                minutes.decisions_due_at,
            ),
            (Document.MINUTES, minutes.minutes_circulated_at, minutes.minutes_due_on, minutes.minutes_due_at),
        )
        for document, circulated_at, due_on, due_at in checks:
            due = deadlines.joined(due_on, due_at)
            if circulated_at is None and deadlines.passed(due, now):
                late.append(
                    LateRow(
                        minutes=minutes,
                        conference=minutes.conference,
                        children=names,
                        document=Document(document).label,
                        due=deadlines.in_words(due),
                    )
                )
    return late


#: The agenda, for templates.
AGENDA_ROWS = AGENDA
