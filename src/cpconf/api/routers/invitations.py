"""Invitations to a conference (R-PR-1 to R-PR-3, R-AF-4): who is invited, inviting people from the
records, sending the emails with their calendar files, and recording a reply that came by letter, phone or
in person. Each read goes through ``gateways.conference_for`` (logged); each change, for whoever arranges
the conference (MANAGE_CONFERENCE), through ``cpconf.conferences.services.invitations`` (audited).

An authority's own system (a service account) reads the invitations but never invites, sends or records a
reply: invitations and the emails they send are a coordinator's acts, like arranging the conference
(docs/api.md, "Who may do what"). Only those who arrange the conference see email addresses, as on the
pages."""

# No "from __future__ import annotations" here: django-ninja reads the handlers' annotations at import.

import uuid
from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cpconf.access import gateways
from cpconf.access.rules import MANAGE_CONFERENCE, may
from cpconf.api import selectors
from cpconf.api.auth import acting_user
from cpconf.api.errors import refuse, service_fields
from cpconf.api.pagination import Page, Shaped
from cpconf.api.schemas import RECORD_REFUSALS, Error, Ref, ShortText, Text
from cpconf.conferences.models import Invitation, InviteeRole
from cpconf.conferences.selectors import invitations as invitation_selectors
from cpconf.conferences.services import invitations as services

router = Router(tags=["Invitations"])

#: What the access log calls these reads and changes (as the pages do).
WHAT = "conference-invitations"
#: The most people one request may invite.
MAX_PEOPLE = 50
NOT_FOUND = "There is no invitation here, or you do not have access to it."
#: A reply to a conference that has happened (the pages' reply link says the same, R-PR-3).


# What the API shows of an invitation


class InvitationOut(Schema):
    id: uuid.UUID
    role: InviteeRole
    role_name: str
    name: str
    description: str = Field(description="A professional's job and agency, or the agency invited.")
    agency: Ref | None
    professional_id: uuid.UUID | None
    family_member_id: uuid.UUID | None
    child_id: uuid.UUID | None = Field(description="For a child of the conference who is invited.")
    email: str | None = Field(
        description="Where the invitation is emailed; null for those who may see but not arrange the "
        "conference, as on the pages. Empty when they have no address."
    )
    invited_how: str = Field(description="How they were invited when not by email.")
    sent_at: datetime | None = Field(description="When the invitation (or its latest update) was emailed.")
    has_latest_details: bool = Field(
        description="Emailed the conference's date, time and place as they are now (R-AF-4)."
    )
    reply: Literal["", "attending", "not_attending", "sending_colleague"] = Field(
        description="Empty until they reply (R-PR-3)."
    )
    reply_name: str
    colleague_name: str = Field(description="Who comes in their place, when sending a colleague.")
    colleague_email: str | None = Field(description="Null for those who may not arrange the conference.")
    replied_at: datetime | None
    told_of_right_to_supporter: bool
    told_of_right_to_advocate: bool
    withdrawn_at: datetime | None


def invitation_out(invitation: Invitation, *, show_email: bool) -> dict[str, Any]:
    """An invitation loaded with its professional, agency, family member and child, as the API shows it."""
    conference = invitation.conference
    professional = invitation.professional
    agency = invitation.agency
    return {
        "id": invitation.public_id,
        "role": invitation.role,
        "role_name": invitation.get_role_display(),
        "name": invitation.name,
        "description": (
            f"{professional.job_title}, {professional.agency.name}"
            if professional is not None
            else (agency.name if agency is not None else "")
        ),
        "agency": None if agency is None else {"id": agency.public_id, "name": agency.name},
        "professional_id": None if professional is None else professional.public_id,
        "family_member_id": None if invitation.family_member is None else invitation.family_member.public_id,
        "child_id": None if invitation.child is None else invitation.child.public_id,
        "email": invitation.email if show_email else None,
        "invited_how": invitation.invited_how,
        "sent_at": invitation.sent_at,
        "has_latest_details": invitation.sent_sequence == conference.schedule_sequence,
        "reply": invitation.reply,
        "reply_name": invitation.get_reply_display(),
        "colleague_name": invitation.colleague_name,
        "colleague_email": invitation.colleague_email if show_email else None,
        "replied_at": invitation.replied_at,
        "told_of_right_to_supporter": invitation.told_of_right_to_supporter,
        "told_of_right_to_advocate": invitation.told_of_right_to_advocate,
        "withdrawn_at": invitation.withdrawn_at,
    }


# The list


class InvitationFilters(Schema):
    withdrawn: bool = Field(False, description="Include withdrawn invitations too.")


@router.get(
    "/conferences/{uuid:conference_id}/invitations",
    response={200: list[InvitationOut], **RECORD_REFUSALS},
    operation_id="invitations_list",
    summary="List a conference's invitations",
)
@paginate(Page)
def invitations_list(
    request: HttpRequest, conference_id: uuid.UUID, filters: Query[InvitationFilters]
) -> Shaped[Invitation]:
    """Everyone invited, in the pages' order (professionals, then the family, then anyone else), with how
    they were invited and their reply. Email addresses only for those who arrange the conference."""
    user = acting_user(request)
    conference = gateways.conference_for(user, conference_id, what=WHAT, request=request)
    show_email = may(user, MANAGE_CONFERENCE, conference)

    def shape(invitation: Invitation) -> dict[str, Any]:
        invitation.conference = conference  # the gateway's copy: no query per invitation
        return invitation_out(invitation, show_email=show_email)

    return Shaped(
        selectors.invitation_list(conference, include_withdrawn=filters.withdrawn),
        shape,
    )


# Inviting people from the records (R-PR-2)


class InviteIn(Schema):
    professional_ids: list[uuid.UUID] = Field(
        [], max_length=MAX_PEOPLE, description="Professionals of the conference's authority."
    )
    family_member_ids: list[uuid.UUID] = Field(
        [], max_length=MAX_PEOPLE, description="Parents and carers recorded by the authority."
    )
    child_ids: list[uuid.UUID] = Field(
        [], max_length=MAX_PEOPLE, description="Children the conference is about (born, not yet invited)."
    )


def _once(field: str, public_ids: list[uuid.UUID]) -> None:
    seen: set[uuid.UUID] = set()
    for index, public_id in enumerate(public_ids):
        if public_id in seen:
            raise refuse(f"{field}.{index}", "Name each person once.")
        seen.add(public_id)


@router.post(
    "/conferences/{uuid:conference_id}/invitations",
    response={201: list[InvitationOut], **RECORD_REFUSALS},
    operation_id="invitations_add",
    summary="Invite professionals, parents and carers, and children",
)
def invitations_add(request: HttpRequest, conference_id: uuid.UUID, payload: InviteIn) -> Status[list[Any]]:
    """Invite people from the records (R-PR-2). All or nothing: if one cannot be invited (already invited,
    has left, not one of the conference's children), nobody is, and the answer says why. Every agency
    invited then owes a report (R-PR-4). Answers with the new invitations; nothing is emailed until
    the invitations are sent."""
    user = acting_user(request)
    conference = gateways.conference_for(
        user, conference_id, what=WHAT, permission=MANAGE_CONFERENCE, request=request
    )
    for field in ("professional_ids", "family_member_ids", "child_ids"):
        _once(field, getattr(payload, field))
    authority_id = conference.authority_id
    professionals, missing = selectors.professionals_in(authority_id, payload.professional_ids)
    if missing:
        raise refuse(
            f"professional_ids.{missing[0]}", "No professional of this authority has this identifier."
        )
    family_members, missing = selectors.family_members_in(authority_id, payload.family_member_ids)
    if missing:
        raise refuse(
            f"family_member_ids.{missing[0]}",
            "No family member recorded by this authority has this identifier.",
        )
    children = selectors.conference_children(conference)
    for index, child_id in enumerate(payload.child_ids):
        if child_id not in children:
            raise refuse(f"child_ids.{index}", "No child this conference is about has this identifier.")
    with service_fields():
        created = services.invitations_add(
            conference=conference,
            acting_user=user,
            professionals=professionals,
            family_members=family_members,
            children=[children[child_id] for child_id in payload.child_ids],
        )
    shown = []
    for invitation in selectors.invitations_reloaded(created):
        invitation.conference = conference
        shown.append(invitation_out(invitation, show_email=True))
    return Status(201, shown)


# Sending (R-PR-1, R-AF-4)


class SendOut(Schema):
    sent: int = Field(description="How many emails were queued, each with its calendar invitation.")
    without_email: list[str] = Field(
        description="Invited people with no email address and no record of how they were invited: "
        "invite them another way."
    )


@router.post(
    "/conferences/{uuid:conference_id}/invitations/send",
    response={200: SendOut, **RECORD_REFUSALS},
    operation_id="invitations_send",
    summary="Email the invitations",
)
def invitations_send(request: HttpRequest, conference_id: uuid.UUID) -> dict[str, Any]:
    """Email everyone invited who has an address and has not been sent the conference as it is scheduled
    now, each with a calendar invitation (R-PR-1). Sending again when nothing changed sends nothing
    (R-AF-4). Only for a scheduled conference with a date, times and a place (422 otherwise)."""
    user = acting_user(request)
    conference = gateways.conference_for(
        user, conference_id, what=WHAT, permission=MANAGE_CONFERENCE, request=request
    )
    with service_fields():
        result = services.invitations_send(conference=conference, acting_user=user)
    return {"sent": result.sent, "without_email": list(result.without_email)}


# Replies that came by letter, phone or in person (R-PR-3)


class ReplyIn(Schema):
    reply: Literal["attending", "not_attending", "sending_colleague"]
    how: ShortText = Field(description="How the reply came, for example 'By phone on 3 March'.")
    colleague_name: ShortText = Field("", description="Required when sending a colleague.")
    colleague_email: ShortText = ""
    note: Text = ""
    replace: bool = Field(
        False,
        description="Change a reply already recorded (the history keeps the one before). Without it, an "
        "invitation that has a reply is refused with 409.",
    )


@router.post(
    "/conferences/{uuid:conference_id}/invitations/{uuid:invitation_id}/reply",
    response={200: InvitationOut, **RECORD_REFUSALS, 409: Error},
    operation_id="invitation_reply_record",
    summary="Record a reply to an invitation",
)
def invitation_reply_record(
    request: HttpRequest, conference_id: uuid.UUID, invitation_id: uuid.UUID, payload: ReplyIn
) -> dict[str, Any]:
    """A reply that came by letter, phone or in person (R-PR-3): attending, cannot attend, or sending a
    named colleague. Replies close when the conference is cancelled or has taken place (422). A reply
    already recorded is changed only with ``replace`` (409 otherwise), so that two people recording the
    same reply do not overwrite each other unseen."""
    user = acting_user(request)
    conference = gateways.conference_for(
        user, conference_id, what=WHAT, permission=MANAGE_CONFERENCE, request=request, object_id=invitation_id
    )
    invitation = invitation_selectors.invitation_in_conference(
        conference=conference, invitation_id=invitation_id
    )
    if invitation is None:
        raise Http404(NOT_FOUND)
    invitation.conference = conference
    # "Already replied" is checked under the row lock (a 409), so two first replies at once cannot both pass.
    with service_fields():
        services.invitation_record_reply(
            invitation=invitation,
            acting_user=user,
            reply=payload.reply,
            how=payload.how,
            colleague_name=payload.colleague_name,
            colleague_email=payload.colleague_email,
            note=payload.note,
            replace=payload.replace,
        )
    [reloaded] = selectors.invitations_reloaded([invitation])
    reloaded.conference = conference
    return invitation_out(reloaded, show_email=True)
