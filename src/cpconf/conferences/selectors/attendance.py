"""Reads of who attended a conference, how, and for which parts of the agenda (R-PR-3, R-EX-1).

The conference comes from ``cpconf.access.gateways.conference_for``; these read only its rows, in a fixed
number of queries however many people were invited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import QuerySet

from cpconf.conferences.agenda import SECTION_KEYS, titles
from cpconf.conferences.models import Attendance, Conference, Invitation, InviteeRole
from cpconf.conferences.selectors.exclusions import excluded_sections_for


@dataclass(frozen=True)
class AttendanceRow:
    """One invitee as the attendance page shows them."""

    invitation: Invitation
    invited_as: str  # the agency for a professional, else the role
    attendance: Attendance | None
    mode: str  # in words; "Not recorded yet"
    sections: list[str]  # the parts they were present for, in words
    attended_by: str  # a colleague who came instead (R-PR-3)
    excluded_from: list[str]  # the parts an agreed exclusion keeps them out of, in words


def present_for_in_words(keys: list[str]) -> list[str]:
    if not keys:
        return []
    if set(SECTION_KEYS) <= set(keys):
        return ["All of the conference"]
    return titles(keys)


def invited_as(invitation: Invitation) -> str:
    if invitation.role == InviteeRole.PROFESSIONAL and invitation.agency is not None:
        return invitation.agency.name
    return invitation.get_role_display()


def invitations_for_attendance(conference: Conference) -> QuerySet[Invitation]:
    """The conference's standing invitations with their agency and attendance (one query)."""
    return (
        conference.invitations.filter(withdrawn_at__isnull=True)
        .select_related("agency", "attendance")
        .order_by("pk")
    )


def attendance_rows(conference: Conference) -> list[AttendanceRow]:
    """Everyone invited, with their attendance and what they were excluded from (two queries)."""
    excluded = excluded_sections_for(conference)
    rows = []
    for invitation in invitations_for_attendance(conference):
        attendance: Attendance | None = getattr(invitation, "attendance", None)
        rows.append(
            AttendanceRow(
                invitation=invitation,
                invited_as=invited_as(invitation),
                attendance=attendance,
                mode=attendance.get_mode_display() if attendance else "Not recorded yet",
                sections=present_for_in_words(list(attendance.sections)) if attendance else [],
                attended_by=attendance.attended_by if attendance else "",
                excluded_from=titles(excluded.get(invitation.public_id, [])),
            )
        )
    return rows


def invitation_for_attendance(conference: Conference, public_id: uuid.UUID) -> Invitation | None:
    """The standing invitation with this identifier if it is to ``conference`` (else None)."""
    return invitations_for_attendance(conference).filter(public_id=public_id).first()


def excluded_sections_of(invitation: Invitation) -> list[str]:
    """The agenda sections an agreed exclusion keeps this invitee out of, in agenda order."""
    return excluded_sections_for(invitation.conference).get(invitation.public_id, [])
