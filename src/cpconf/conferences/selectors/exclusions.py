"""Reads of exclusion requests and decisions (R-EX-1 to R-EX-3; R-EX-5 groundwork).

The conference comes from ``cpconf.access.gateways.conference_for``, which has decided that the acting
person may see it and logged the read; these functions read only that conference's rows, each in a
fixed number of queries however many requests and invitees it has.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import QuerySet

from cpconf.clock import date_in_words, time_in_words
from cpconf.conferences.agenda import SECTION_KEYS, titles
from cpconf.conferences.models import (
    EXCLUDABLE_ROLES,
    ChairDecision,
    Conference,
    Exclusion,
    ExclusionGround,
    Invitation,
    InviteeRole,
    ViewsRoute,
)

#: R-EX-1's grounds in plain English, as anyone (a parent included) may read them: no acronyms.
GROUND_TITLES: dict[str, str] = {
    ExclusionGround.INTIMIDATION: "Intimidation of people taking part in the conference",
    ExclusionGround.THIRD_PARTY: "Information about someone else that they have not agreed to share",
    ExclusionGround.CRIMINAL_INVESTIGATION: "A live criminal investigation",
    # R-EX-1's "MARAC", written out.
    ExclusionGround.MARAC: (
        "Information from a multi-agency risk assessment conference (a meeting about domestic abuse), "
        "with the alleged perpetrator present"
    ),
    ExclusionGround.DISCLOSURE_SCHEME: (
        "A request under the Domestic Violence Disclosure Scheme (also called Clare's Law)"
    ),
    ExclusionGround.DISRUPTION: "Disruption: alcohol, drugs or a threat of violence",
    ExclusionGround.LEGAL_ADVICE: "The chair or children's social care need legal advice",
}

#: Whom an exclusion can be about, in words (R-EX-1).
EXCLUDABLE_ROLE_WORDS = "a parent or carer, a child, a supporter, an advocate or a legal representative"


def ground_titles(grounds: list[str]) -> list[str]:
    """The grounds in words, in R-EX-1's order; an unknown stored value is shown as it is."""
    known = [GROUND_TITLES[value] for value in ExclusionGround.values if value in grounds]
    unknown = [value for value in grounds if value not in ExclusionGround.values]
    return known + unknown


def sections_in_words(keys: list[str]) -> list[str]:
    """The agenda sections' titles in agenda order, or one line for the whole conference."""
    if set(SECTION_KEYS) <= set(keys):
        return ["The whole conference"]
    return titles(keys)


def invitee_in_words(invitation: Invitation) -> str:
    """ "Morwen Fairbrass (parent or carer)"."""
    return f"{invitation.name} ({invitation.get_role_display().lower()})"


@dataclass(frozen=True)
class ExclusionRow:
    """One request as the exclusions page shows it."""

    exclusion: Exclusion
    person: str
    status: str
    status_tag: str  # the GOV.UK tag colour modifier
    late: bool
    requested_by: str
    requested_at: str
    recorded_by: str  # "" unless someone else recorded it for them (by phone)
    grounds: list[str]
    sections: list[str]
    decided: str  # "" while waiting
    told: str  # "" until recorded
    views_route: str
    views_details: str


def exclusions_for(conference: Conference) -> QuerySet[Exclusion]:
    """Every exclusion request for ``conference``, oldest first, with whom and who loaded (one query)."""
    return (
        Exclusion.objects.filter(conference=conference)
        .select_related("invitation", "requested_by__agency", "decided_by", "created_by")
        .order_by("requested_at", "pk")
    )


_STATUS_TAGS = {
    ChairDecision.PENDING: "govuk-tag--yellow",
    ChairDecision.AGREED: "govuk-tag--red",
    ChairDecision.REFUSED: "govuk-tag--grey",
}


def exclusion_rows(conference: Conference) -> list[ExclusionRow]:
    """The exclusions page: each request with its status, grounds, sections, decision and what the person
    was told (one query)."""
    rows = []
    for exclusion in exclusions_for(conference):
        requested_by = exclusion.requested_by
        created_by = exclusion.created_by
        recorded_by = ""
        if created_by is not None and requested_by.user_id != created_by.pk:
            recorded_by = created_by.get_full_name() or created_by.email
        decided = ""
        if exclusion.decision != ChairDecision.PENDING and exclusion.decided_at is not None:
            who = exclusion.decided_by.full_name if exclusion.decided_by else "the chair"
            decided = f"{exclusion.get_decision_display()} by {who} on {time_in_words(exclusion.decided_at)}"
        told = ""
        if exclusion.told_on is not None:
            told = f"{date_in_words(exclusion.told_on)}: {exclusion.told_how}"
        rows.append(
            ExclusionRow(
                exclusion=exclusion,
                person=invitee_in_words(exclusion.invitation),
                status=exclusion.get_decision_display(),
                status_tag=_STATUS_TAGS.get(ChairDecision(exclusion.decision), ""),
                late=exclusion.requested_late,
                requested_by=f"{requested_by.full_name}, {requested_by.agency.name}",
                requested_at=time_in_words(exclusion.requested_at),
                recorded_by=recorded_by,
                grounds=ground_titles(list(exclusion.grounds)),
                sections=sections_in_words(list(exclusion.sections)),
                decided=decided,
                told=told,
                views_route=exclusion.get_views_route_display() if exclusion.views_route else "",
                views_details=exclusion.views_details,
            )
        )
    return rows


def exclusion_in(conference: Conference, public_id: uuid.UUID) -> Exclusion | None:
    """The request with this identifier if it belongs to ``conference`` (else None: a request of another
    conference is not found through this one)."""
    return exclusions_for(conference).filter(public_id=public_id).first()


def excludable_invitations(conference: Conference) -> QuerySet[Invitation]:
    """Who may be excluded (R-EX-1): the conference's standing invitations of a family role, a
    supporter, an advocate or a legal representative."""
    return conference.invitations.filter(role__in=EXCLUDABLE_ROLES, withdrawn_at__isnull=True).order_by(
        "name", "pk"
    )


def invited_professionals(conference: Conference) -> QuerySet[Invitation]:
    """The professionals invited to ``conference`` (standing invitations), with their agencies: who a
    coordinator may record a request for, made by phone (R-EX-2)."""
    return (
        conference.invitations.filter(
            role=InviteeRole.PROFESSIONAL, professional__isnull=False, withdrawn_at__isnull=True
        )
        .select_related("professional__agency")
        .order_by("name", "pk")
    )


def excluded_sections_for(conference: Conference) -> dict[uuid.UUID, list[str]]:
    """For each invitation with an agreed exclusion, the agenda sections they are excluded from: the union
    of every agreed request about them, in agenda order (R-EX-5: the minutes leave these out of that
    person's copy). A request waiting for the chair, or refused, excludes nothing. One query."""
    agreed = Exclusion.objects.filter(conference=conference, decision=ChairDecision.AGREED).values_list(
        "invitation__public_id", "sections"
    )
    union: dict[uuid.UUID, set[str]] = {}
    for invitation_id, sections in agreed:
        union.setdefault(invitation_id, set()).update(sections or [])
    return {
        invitation_id: [key for key in SECTION_KEYS if key in keys]
        for invitation_id, keys in union.items()
        if any(key in SECTION_KEYS for key in keys)
    }


#: How an excluded person's views reach the conference, for the form's choices (R-EX-3).
VIEWS_ROUTE_CHOICES = ViewsRoute.choices
