"""Reads for invitations: whom to invite (R-PR-2, R-CT-3), the invitations page, and the invitation a
reply link is for.

The conference comes from ``cpconf.access.gateways.conference_for``, which has decided that the person
may see it; what they see of it is decided here (only those who arrange it see family members' email
addresses). Every list is a fixed number of queries, whatever the number of people.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone

from cpconf import clock, timescales
from cpconf.access.rules import MANAGE_CONFERENCE, may
from cpconf.conferences import deadlines
from cpconf.conferences.models import (
    Conference,
    ConferenceStatus,
    ConferenceType,
    Invitation,
    InviteeRole,
    Reply,
)
from cpconf.people.models import (
    AgencyType,
    Allocation,
    Child,
    ChildRelationship,
    FamilyMember,
    Professional,
    User,
)
from cpconf.people.selectors import allocation_current_on
from cpconf.timescales.policy import Agency as PolicyAgency
from cpconf.timescales.policy import Policy

# R-PR-2 (Medway, Bolton): children's social care, the police and health are the minimum, whatever the
# policy adds.
MINIMUM_AGENCY_TYPES = (AgencyType.CHILDRENS_SOCIAL_CARE, AgencyType.POLICE, AgencyType.HEALTH)
# The policy's names for agencies, as agency types (those with no type of their own are not checked).
POLICY_AGENCY_TYPES = {
    PolicyAgency.CHILDRENS_SOCIAL_CARE: AgencyType.CHILDRENS_SOCIAL_CARE,
    PolicyAgency.POLICE: AgencyType.POLICE,
    PolicyAgency.HEALTH: AgencyType.HEALTH,
    PolicyAgency.EDUCATION: AgencyType.EDUCATION,
    PolicyAgency.PROBATION: AgencyType.PROBATION,
    PolicyAgency.CAFCASS: AgencyType.CAFCASS,
    PolicyAgency.HOUSING: AgencyType.HOUSING,
}
AGENCY_IN_WORDS = {
    AgencyType.CHILDRENS_SOCIAL_CARE: "children's social care",
    AgencyType.POLICE: "the police",
    AgencyType.HEALTH: "health",
    AgencyType.EDUCATION: "education",
    AgencyType.PROBATION: "probation",
    AgencyType.CAFCASS: "the Children and Family Court Advisory and Support Service (Cafcass)",
    AgencyType.HOUSING: "housing",
}
MIDWIFERY_FIELD = "midwifery"
# Roles someone named on the page (not from the records) can have.
NAMED_PERSON_ROLES = (
    InviteeRole.SUPPORTER,
    InviteeRole.ADVOCATE,
    InviteeRole.OBSERVER,
    InviteeRole.LEGAL_REPRESENTATIVE,
)
# The order of the invitations table.
ROLE_ORDER = {role: position for position, role in enumerate(InviteeRole)}


def is_midwifery(professional: Professional) -> bool:
    """A midwife, or someone from a midwifery service (R-CT-3). Agencies have no finer type than health,
    so the job title and the agency's name tell."""
    words = f"{professional.job_title} {professional.agency.name}".casefold()
    return professional.agency.agency_type == AgencyType.HEALTH and "midwi" in words


def professional_in_words(professional: Professional) -> str:
    return f"{professional.full_name}, {professional.job_title}, {professional.agency.name}"


@dataclass(frozen=True)
class Suggestion:
    """Someone the records suggest inviting, with why."""

    value: str  # the checkbox's value: their public identifier
    name: str
    role: InviteeRole
    description: str
    reasons: tuple[str, ...]
    invited: bool  # already invited (and not withdrawn)
    has_email: bool
    suggested: bool = True  # False: listed so that they can be invited, but the policy does not suggest it
    note: str = ""
    professional: Professional | None = None
    family_member: FamilyMember | None = None
    child: Child | None = None


@dataclass(frozen=True)
class AgencyToChoose:
    """A minimum agency (or midwifery) that nobody involved comes from: pick someone from it."""

    name: str  # the form field
    label: str
    message: str
    professionals: dict[str, Professional]  # by public identifier, in the order to list them

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(value, professional_in_words(person)) for value, person in self.professionals.items()]


@dataclass(frozen=True)
class Suggestions:
    professionals: tuple[Suggestion, ...]
    family: tuple[Suggestion, ...]
    children: tuple[Suggestion, ...]
    to_choose: tuple[AgencyToChoose, ...]
    # Minimum agencies nobody is invited from yet, in words (R-PR-2), and midwifery for a pre-birth
    # conference (R-CT-3).
    not_invited: tuple[str, ...]
    midwifery_needed: bool
    midwifery_invited: bool

    @property
    def anyone_to_add(self) -> bool:
        people = (*self.professionals, *self.family, *self.children)
        return any(not person.invited for person in people) or bool(self.to_choose)


@dataclass(frozen=True)
class RightsRow:
    """One person to be told of a right (R-PR-2): a parent of the right to bring a supporter, a child
    over the policy's age of the right to an advocate."""

    invitation: Invitation
    field: str
    label: str
    told: bool


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    description: str
    how: str
    sent: str
    reply: str
    reply_detail: str


@dataclass(frozen=True)
class InvitationsPage:
    conference: Conference
    may_manage: bool
    rows: tuple[InvitationRow, ...]
    withdrawn: tuple[InvitationRow, ...]
    suggestions: Suggestions | None  # only for someone who may invite
    rights: tuple[RightsRow, ...]
    advocacy_not_invited: tuple[str, ...]  # children over the advocacy age who are not invited
    to_send: int  # invitations an email would go to now
    without_email: tuple[str, ...]  # names of those with no email and no record of how they were invited
    why_not_send: str  # "" when invitations can be sent


def policy_for(conference: Conference) -> Policy:
    """The policy in force on the conference's day (or today, before it has one)."""
    return deadlines.policy_on(conference.authority, conference.starts_at or clock.today())


def age_on(child: Child, day: date) -> int | None:
    if child.date_of_birth is None:
        return None
    return timescales.age_in_years(child.date_of_birth, day)


def advocacy_applies(policy: Policy, age: int | None) -> bool:
    """Whether a child of this age is told of their right to an advocate (R-PR-2)."""
    offer = policy.advocacy_offered
    if offer is None or age is None:
        return False
    return offer.from_age is None or age >= offer.from_age


def _child_note(policy: Policy, age: int) -> tuple[bool, str]:
    """Whether the policy suggests inviting a child of this age, and what it says (R-PR-2)."""
    rule = policy.child_invited
    if rule is not None and rule.from_age is not None:
        if age >= rule.from_age:
            return True, (
                f"Aged {age}. Children aged {rule.from_age} and over are invited, unless the chair and "
                "social worker agree it is not in their interest."
            )
        return False, (
            f"Aged {age}. Children under {rule.from_age} are invited only if the chair and social worker agree."
        )
    if rule is not None and rule.age_and_understanding:
        return True, (
            f"Aged {age}. Invite them if they are of an age and understanding to take part: the chair and "
            "social worker decide, and how much of the conference they attend."
        )
    return False, f"Aged {age}. Your authority's policy sets no age: the chair and social worker decide."


def _advocacy_words(policy: Policy) -> str:
    offer = policy.advocacy_offered
    service = f" ({offer.service})" if offer is not None and offer.service else ""
    return f"They must be told of their right to an advocate{service}."


def minimum_agency_types(policy: Policy) -> tuple[str, ...]:
    """The agencies always invited: the national minimum, and any the policy adds (R-PR-2)."""
    types = list(MINIMUM_AGENCY_TYPES)
    quorum = policy.quorum
    named = (*policy.always_invited, *(quorum.required_agencies if quorum is not None else ()))
    for agency in named:
        agency_type = POLICY_AGENCY_TYPES.get(agency)
        if agency_type is not None and agency_type not in types:
            types.append(agency_type)
    return tuple(types)


def _invitations(conference: Conference) -> list[Invitation]:
    invitations = list(
        conference.invitations.select_related("professional__agency", "family_member", "child", "agency")
    )
    invitations.sort(key=lambda invitation: (ROLE_ORDER[InviteeRole(invitation.role)], invitation.pk))
    return invitations


def _conference_children(conference: Conference) -> list[Child]:
    return list(Child.objects.filter(conference_children__conference=conference).order_by("pk"))


def suggestions_for(
    *, conference: Conference, invitations: list[Invitation], children: list[Child], policy: Policy
) -> Suggestions:
    """Whom to invite (R-PR-2): the professionals allocated to each child now, each child's parents and
    carers (parental responsibility, or living with the child), the children themselves as the policy
    says, someone from each minimum agency nobody involved comes from, and midwifery for a pre-birth
    conference (R-CT-3)."""
    active = [invitation for invitation in invitations if invitation.withdrawn_at is None]
    invited_professionals = {
        invitation.professional_id for invitation in active if invitation.professional_id
    }
    invited_family = {invitation.family_member_id for invitation in active if invitation.family_member_id}
    invited_children = {invitation.child_id for invitation in active if invitation.child_id}
    day = conference.held_on or clock.today()

    # The professionals involved: allocated to a child of the conference now.
    allocations = (
        Allocation.objects.filter(allocation_current_on(clock.today()), child__in=children)
        .filter(professional__is_active=True)
        .select_related("professional__agency", "child")
        .order_by("professional__agency__name", "professional__family_name", "professional__given_name", "pk")
    )
    reasons: dict[int, list[str]] = {}
    involved: dict[int, Professional] = {}
    for allocation in allocations:
        involved.setdefault(allocation.professional_id, allocation.professional)
        reasons.setdefault(allocation.professional_id, []).append(
            f"{allocation.get_case_role_display()} for {allocation.child.full_name}"
        )
    professionals = tuple(
        Suggestion(
            value=str(person.public_id),
            name=person.full_name,
            role=InviteeRole.PROFESSIONAL,
            description=f"{person.job_title}, {person.agency.name}",
            reasons=tuple(reasons[pk]),
            invited=pk in invited_professionals,
            has_email=bool(person.email),
            professional=person,
        )
        for pk, person in involved.items()
    )

    # The family: each child's parents and carers.
    relationships = (
        ChildRelationship.objects.filter(child__in=children)
        .filter(Q(parental_responsibility=True) | Q(lives_with_child=True))
        .select_related("family_member", "child")
        .order_by("family_member__family_name", "family_member__given_name", "family_member_id", "child_id")
    )
    members: dict[int, FamilyMember] = {}
    family_reasons: dict[int, list[str]] = {}
    for relationship in relationships:
        members.setdefault(relationship.family_member_id, relationship.family_member)
        facts = [
            fact
            for fact, true in (
                ("has parental responsibility", relationship.parental_responsibility),
                ("lives with them", relationship.lives_with_child),
            )
            if true
        ]
        family_reasons.setdefault(relationship.family_member_id, []).append(
            f"{relationship.get_relationship_display()} of {relationship.child.full_name}: {' and '.join(facts)}"
        )
    family = tuple(
        Suggestion(
            value=str(member.public_id),
            name=member.full_name,
            role=InviteeRole.PARENT_OR_CARER,
            description="Parent or carer",
            reasons=tuple(family_reasons[pk]),
            invited=pk in invited_family,
            has_email=bool(member.email),
            family_member=member,
        )
        for pk, member in members.items()
    )

    # The children, as the policy says (an unborn child is not listed).
    kids = []
    for child in children:
        age = age_on(child, day)
        if age is None:
            continue
        suggested, note = _child_note(policy, age)
        if advocacy_applies(policy, age):
            note = f"{note} {_advocacy_words(policy)}"
        kids.append(
            Suggestion(
                value=str(child.public_id),
                name=child.full_name,
                role=InviteeRole.CHILD,
                description="Child",
                reasons=(),
                invited=child.pk in invited_children,
                has_email=False,
                suggested=suggested,
                note=note,
                child=child,
            )
        )

    # The minimum agencies (R-PR-2) and midwifery (R-CT-3): invited, suggested, or to choose.
    invited_types = {
        invitation.agency.agency_type
        for invitation in active
        if invitation.role == InviteeRole.PROFESSIONAL and invitation.agency is not None
    }
    involved_types = {person.agency.agency_type for person in involved.values()}
    minimum = minimum_agency_types(policy)
    not_invited = [agency_type for agency_type in minimum if agency_type not in invited_types]
    to_find = [agency_type for agency_type in not_invited if agency_type not in involved_types]
    midwifery_needed = conference.conference_type == ConferenceType.PRE_BIRTH or any(
        child.is_unborn for child in children
    )
    invited_people = [invitation.professional for invitation in active if invitation.professional is not None]
    midwifery_invited = any(is_midwifery(person) for person in invited_people)
    midwifery_suggested = any(is_midwifery(person) for person in involved.values())
    find_midwife = midwifery_needed and not midwifery_invited and not midwifery_suggested
    wanted_types = set(to_find) | ({AgencyType.HEALTH} if find_midwife else set())
    candidates: list[Professional] = []
    if wanted_types:
        candidates = list(
            Professional.objects.filter(
                agency__authority=conference.authority,
                agency__agency_type__in=wanted_types,
                is_active=True,
            )
            .exclude(pk__in=invited_professionals)
            .select_related("agency")
            .order_by("agency__name", "family_name", "given_name", "pk")
        )
    to_choose = []
    for agency_type in to_find:
        words = AGENCY_IN_WORDS.get(AgencyType(agency_type), AgencyType(agency_type).label)
        to_choose.append(
            AgencyToChoose(
                name=f"agency_{agency_type}",
                label=f"Someone from {words}",
                message=f"Nobody from {words} is involved with the children: choose someone from {words} to "
                "invite. Children's social care, the police and health are always invited.",
                professionals={
                    str(person.public_id): person
                    for person in candidates
                    if person.agency.agency_type == agency_type
                },
            )
        )
    if find_midwife:
        midwives = [person for person in candidates if is_midwifery(person)]
        health = [person for person in candidates if person.agency.agency_type == AgencyType.HEALTH]
        to_choose.append(
            AgencyToChoose(
                name=MIDWIFERY_FIELD,
                label="A midwife",
                message="Midwifery is always invited to a pre-birth conference, and no midwife is involved with "
                "the family or invited yet: choose one.",
                professionals={str(person.public_id): person for person in (midwives or health)},
            )
        )
    not_invited_words = [
        AGENCY_IN_WORDS.get(AgencyType(agency_type), AgencyType(agency_type).label)
        for agency_type in not_invited
    ]
    if midwifery_needed and not midwifery_invited:
        not_invited_words.append("midwifery (a pre-birth conference)")
    return Suggestions(
        professionals=professionals,
        family=family,
        children=tuple(kids),
        to_choose=tuple(to_choose),
        not_invited=tuple(not_invited_words),
        midwifery_needed=midwifery_needed,
        midwifery_invited=midwifery_invited,
    )


def conference_suggestions(*, conference: Conference) -> Suggestions:
    """Whom to invite to ``conference`` (for a person who may invite: the gateway has checked)."""
    return suggestions_for(
        conference=conference,
        invitations=_invitations(conference),
        children=_conference_children(conference),
        policy=policy_for(conference),
    )


def when_in_words(conference: Conference) -> tuple[str, str]:
    """The day and the times in England's time, ("Wednesday 3 March 2027", "10:00am to 12:00pm"), or
    ("Not arranged yet", "") before the conference has a date."""
    if conference.starts_at is None:
        return "Not arranged yet", ""
    start = timezone.localtime(conference.starts_at)
    day = f"{start:%A} {clock.date_in_words(start.date())}"
    if conference.ends_at is None:
        return day, f"From {clock.time_of_day_in_words(conference.starts_at)}"
    return day, (
        f"{clock.time_of_day_in_words(conference.starts_at)} to {clock.time_of_day_in_words(conference.ends_at)}"
    )


def sendable_problem(conference: Conference) -> str:
    """Why invitations cannot be emailed for this conference yet, or "" if they can."""
    if conference.status != ConferenceStatus.SCHEDULED:
        return (
            f"Invitations can be sent only for a scheduled conference: this one is "
            f"{conference.get_status_display().lower()}."
        )
    if conference.starts_at is None or conference.ends_at is None:
        return "Invitations can be sent once the conference has a date and a start and end time."
    if not conference.venue_kind or (
        conference.venue_kind != "online" and not conference.venue_address.strip()
    ):
        return "Invitations can be sent once the conference has a place: an address, or online."
    return ""


def needs_sending(invitation: Invitation, conference: Conference) -> bool:
    """Whether an email would go to this invitee now: they have an address and have not been sent the
    conference as it is scheduled now (R-AF-4)."""
    return (
        invitation.withdrawn_at is None
        and bool(invitation.email)
        and invitation.sent_sequence != conference.schedule_sequence
    )


def _sent_words(invitation: Invitation, conference: Conference) -> str:
    if invitation.sent_sequence is None or invitation.sent_at is None:
        return "Not sent"
    when = clock.date_in_words(timezone.localtime(invitation.sent_at).date())
    if invitation.sent_sequence != conference.schedule_sequence:
        return f"Sent {when}, before the latest change: not sent the change yet"
    return f"Sent {when}"


def _how_words(invitation: Invitation, *, show_email: bool) -> str:
    if invitation.email:
        return f"By email: {invitation.email}" if show_email else "By email"
    if invitation.invited_how:
        return invitation.invited_how
    return "No email address: invite them another way and record how"


def _description(invitation: Invitation) -> str:
    if invitation.professional is not None:
        return f"{invitation.professional.job_title}, {invitation.professional.agency.name}"
    if invitation.agency is not None:
        return invitation.agency.name
    return ""


def _reply_detail(invitation: Invitation) -> str:
    parts = []
    if invitation.reply == Reply.SENDING_COLLEAGUE and invitation.colleague_name:
        parts.append(f"Sending {invitation.colleague_name}")
    if invitation.replied_at is not None:
        parts.append(f"on {clock.date_in_words(timezone.localtime(invitation.replied_at).date())}")
    return " ".join(parts)


def invitation_row(
    invitation: Invitation, conference: Conference, *, show_email: bool = True
) -> InvitationRow:
    return InvitationRow(
        invitation=invitation,
        description=_description(invitation),
        how=_how_words(invitation, show_email=show_email),
        sent=_sent_words(invitation, conference),
        reply=invitation.get_reply_display(),
        reply_detail=_reply_detail(invitation),
    )


def invitations_page(*, conference: Conference, acting_user: User | AnonymousUser) -> InvitationsPage:
    """What the invitations page shows ``acting_user``: everyone invited, and, for someone who may invite,
    the suggestions, the rights to record and what sending would do. Only they see email addresses."""
    may_manage = may(acting_user, MANAGE_CONFERENCE, conference)
    invitations = _invitations(conference)
    children = _conference_children(conference)
    policy = policy_for(conference)
    active = [invitation for invitation in invitations if invitation.withdrawn_at is None]
    withdrawn = [invitation for invitation in invitations if invitation.withdrawn_at is not None]
    day = conference.held_on or clock.today()
    rights: list[RightsRow] = []
    advocacy_not_invited: list[str] = []
    if may_manage:
        invited_children = {invitation.child_id for invitation in active if invitation.child_id}
        for invitation in active:
            if invitation.role == InviteeRole.PARENT_OR_CARER:
                rights.append(
                    RightsRow(
                        invitation=invitation,
                        field=f"supporter_{invitation.public_id}",
                        label=f"{invitation.name} has been told of their right to bring a supporter",
                        told=invitation.told_of_right_to_supporter,
                    )
                )
            if (
                invitation.role == InviteeRole.CHILD
                and invitation.child is not None
                and advocacy_applies(policy, age_on(invitation.child, day))
            ):
                rights.append(
                    RightsRow(
                        invitation=invitation,
                        field=f"advocate_{invitation.public_id}",
                        label=f"{invitation.name} has been told of their right to an advocate",
                        told=invitation.told_of_right_to_advocate,
                    )
                )
        advocacy_not_invited = [
            child.full_name
            for child in children
            if child.pk not in invited_children and advocacy_applies(policy, age_on(child, day))
        ]
    why_not = sendable_problem(conference)
    return InvitationsPage(
        conference=conference,
        may_manage=may_manage,
        rows=tuple(invitation_row(invitation, conference, show_email=may_manage) for invitation in active),
        withdrawn=tuple(
            invitation_row(invitation, conference, show_email=may_manage) for invitation in withdrawn
        ),
        suggestions=suggestions_for(
            conference=conference, invitations=invitations, children=children, policy=policy
        )
        if may_manage and conference.is_open
        else None,
        rights=tuple(rights),
        advocacy_not_invited=tuple(advocacy_not_invited),
        to_send=sum(1 for invitation in active if needs_sending(invitation, conference))
        if not why_not
        else 0,
        without_email=tuple(
            invitation.name for invitation in active if not invitation.email and not invitation.invited_how
        ),
        why_not_send=why_not,
    )


def invitation_in_conference(*, conference: Conference, invitation_id: uuid.UUID) -> Invitation | None:
    """One invitation of ``conference`` (which the gateway gave), or None."""
    return (
        Invitation.objects.select_related("professional__agency", "family_member", "child", "agency")
        .filter(conference=conference, public_id=invitation_id)
        .first()
    )


def invitation_for_reply(invitation_id: uuid.UUID) -> Invitation | None:
    """The invitation a signed reply link is for, with its conference and authority (no person is signed
    in: the link's signature is the permission)."""
    return (
        Invitation.objects.select_related("conference__authority", "professional")
        .filter(public_id=invitation_id)
        .first()
    )
