"""Invitations to a conference (R-PR-1 to R-PR-3, R-AF-4, R-AF-5): who is invited, what the family were
told of their rights, the emails with their calendar invitations, and the replies.

Every write here is one transaction that validates everything first, then writes the rows with their
audit history entries; email goes through the notifications outbox in the same transaction, so an email
is queued exactly when the change that causes it is kept.

Invitation emails and their calendar files name no child (``notify_naming_no_child``): they give the
conference's reference, the authority, the date, time and place, so they may go to any address (a parent's
own, an advocate's). What would let an outsider into the meeting, the online joining details, goes only to
addresses at the authority's secure domains (R-AF-5: virtual attendees must be private). See
docs/email.md, "Invitations".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cpconf import clock
from cpconf.access.log import audit_record, audit_snapshot
from cpconf.conferences import ics, links
from cpconf.conferences.models import (
    Conference,
    ConferenceStatus,
    Invitation,
    InviteeRole,
    Reply,
)
from cpconf.conferences.selectors.invitations import (
    NAMED_PERSON_ROLES,
    needs_sending,
    sendable_problem,
    when_in_words,
)
from cpconf.conferences.services.reports import reports_sync
from cpconf.notifications.secure import is_secure_address
from cpconf.notifications.services import Attachment, notify_naming_no_child
from cpconf.people.models import Child, FamilyMember, Professional, User

# The conference office's address, for the calendar's organiser and for people to write to: the setting
# if there is one, otherwise the address of the person who sends the invitations.
REPLIES = (Reply.ATTENDING, Reply.NOT_ATTENDING, Reply.SENDING_COLLEAGUE)
NOTE_MAX_LENGTH = 2000


class EmailKind(StrEnum):
    INVITATION = "invitation"
    UPDATE = "update"
    CANCELLATION = "cancellation"
    WITHDRAWN = "withdrawn"


# What each kind of email is: its purpose in the outbox, the calendar method, the subject's first words.
_KINDS = {
    EmailKind.INVITATION: ("conference-invitation", ics.Method.REQUEST, "Invitation to conference"),
    EmailKind.UPDATE: ("conference-update", ics.Method.REQUEST, "Changed: conference"),
    EmailKind.CANCELLATION: ("conference-cancellation", ics.Method.CANCEL, "Cancelled: conference"),
    EmailKind.WITHDRAWN: (
        "conference-invitation-withdrawn",
        ics.Method.CANCEL,
        "No longer invited: conference",
    ),
}


@dataclass(frozen=True)
class SendResult:
    sent: int
    # Invited, with no email address and no record of how they were invited.
    without_email: tuple[str, ...]


# ---- Helpers --------------------------------------------------------------------------------------


def _check_open(conference: Conference) -> None:
    if not conference.is_open:
        raise ValidationError(
            f"This conference is {conference.get_status_display().lower()}: its invitations can no longer change."
        )


def _create(invitation: Invitation, acting_user: User | None) -> Invitation:
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=acting_user, action="create", instance=invitation, before=None, after=audit_snapshot(invitation)
    )
    return invitation


def _change(
    invitation: Invitation, before: dict[str, object], acting_user: User | None, reason: str = ""
) -> Invitation:
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=acting_user,
        action="change",
        instance=invitation,
        before=before,
        after=audit_snapshot(invitation),
        reason=reason,
    )
    return invitation


def _lock(invitation: Invitation) -> None:
    """Read the invitation again, locked until the transaction ends: two changes at once wait in turn, and
    each sees the other's (a reply, a sending) rather than writing over it."""
    invitation.refresh_from_db(from_queryset=Invitation.objects.select_for_update())


def _children(conference: Conference) -> list[Child]:
    return list(Child.objects.filter(conference_children__conference=conference).order_by("pk"))


def _office(conference: Conference, acting_user: User | None) -> ics.Person:
    configured = settings.CPCONF_CONFERENCE_OFFICE_EMAIL
    fallback = acting_user.email if acting_user is not None and acting_user.email else ""
    email = configured or fallback or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return ics.Person(name=f"{conference.authority.name} conference office", email=email)


def _queue_email(
    *,
    conference: Conference,
    invitation: Invitation,
    kind: EmailKind,
    office: ics.Person,
    children: Iterable[Child],
    acting_user: User | None,
    now: datetime,
) -> None:
    """Queue one email, with its calendar file, to one invitee (R-AF-5: it names no child)."""
    purpose, method, subject_start = _KINDS[kind]
    day, times = when_in_words(conference)
    secure = is_secure_address(authority=conference.authority, email_address=invitation.email)
    online = conference.venue_kind in {"online", "blended"}
    is_professional = invitation.role == InviteeRole.PROFESSIONAL
    reply_url = (
        links.reply_url(invitation=invitation, conference=conference)
        if is_professional and method is ics.Method.REQUEST
        else ""
    )
    context = {
        "kind": kind.value,
        "name": invitation.name,
        "authority": conference.authority.name,
        "reference": conference.reference,
        "day": day,
        "times": times,
        "place": ics.place_in_words(conference),
        "online": online,
        # R-AF-5: the way into the meeting only to a secure address.
        "joining_details": conference.joining_details.strip() if online and secure else "",
        "reply_url": reply_url,
        "is_professional": is_professional,
        "is_parent": invitation.role == InviteeRole.PARENT_OR_CARER,
        "office": office,
    }
    body = render_to_string("conferences/invitations/email/message.txt", context).strip() + "\n"
    description = render_to_string("conferences/invitations/email/calendar.txt", context).strip()
    calendar = ics.conference_calendar(
        conference=conference,
        method=method,
        organizer=office,
        attendee=ics.Person(name=invitation.name, email=invitation.email),
        description=description,
        stamp=now,
    )
    filename = "invitation.ics" if method is ics.Method.REQUEST else "cancellation.ics"
    try:
        notify_naming_no_child(
            authority=conference.authority,
            recipient_email=invitation.email,
            subject=f"{subject_start} {conference.reference} on {day}",
            body=body,
            purpose=purpose,
            children_not_named=children,
            attachments=[Attachment(filename, f"text/calendar; method={method.value}", calendar)],
            acting_user=acting_user,
        )
    except ValueError:
        # The invitee's name (or the place) reads like a child's name: the email is not sent.
        raise ValidationError(
            f"The email to {invitation.name} would name one of the children, so nothing was sent. Invite "
            f"{invitation.name} another way and record how."
        ) from None
    except ValidationError:
        raise ValidationError(
            {"email": f"{invitation.name}'s email address, {invitation.email}, is not a valid address."}
        ) from None


def _mark_sent(
    invitation: Invitation, conference: Conference, acting_user: User | None, now: datetime
) -> None:
    before = audit_snapshot(invitation)
    invitation.sent_sequence = conference.schedule_sequence
    invitation.sent_at = now
    _change(invitation, before, acting_user)


# ---- Who is invited (R-PR-2) ------------------------------------------------------------------------


@transaction.atomic
def invitations_add(
    *,
    conference: Conference,
    acting_user: User | None,
    professionals: Iterable[Professional] = (),
    family_members: Iterable[FamilyMember] = (),
    children: Iterable[Child] = (),
) -> list[Invitation]:
    """Invite professionals, parents and carers, and children (R-PR-2); every invited agency then owes a
    report (R-PR-4). All or nothing: one who cannot be invited stops the rest, with the reason."""
    _check_open(conference)
    professionals, family_members, children = list(professionals), list(family_members), list(children)
    if not (professionals or family_members or children):
        raise ValidationError("Select at least one person to invite.")
    active = conference.invitations.filter(withdrawn_at__isnull=True)
    invited_professionals = set(active.exclude(professional=None).values_list("professional_id", flat=True))
    invited_family = set(active.exclude(family_member=None).values_list("family_member_id", flat=True))
    invited_children = set(active.exclude(child=None).values_list("child_id", flat=True))
    conference_children = set(conference.conference_children.values_list("child_id", flat=True))
    problems: list[str] = []
    new: list[Invitation] = []
    for professional in dict.fromkeys(professionals):
        if professional.agency.authority_id != conference.authority_id:
            problems.append(f"{professional.full_name} works for another authority and cannot be invited.")
        elif not professional.is_active:
            problems.append(f"{professional.full_name} has left and cannot be invited.")
        elif professional.pk in invited_professionals:
            problems.append(f"{professional.full_name} is already invited.")
        else:
            new.append(
                Invitation(
                    conference=conference,
                    role=InviteeRole.PROFESSIONAL,
                    professional=professional,
                    agency=professional.agency,
                    name=professional.full_name,
                    email=professional.email,
                    created_by=acting_user,
                )
            )
    for member in dict.fromkeys(family_members):
        if member.authority_id != conference.authority_id:
            problems.append(f"{member.full_name} belongs to another authority and cannot be invited.")
        elif member.pk in invited_family:
            problems.append(f"{member.full_name} is already invited.")
        else:
            new.append(
                Invitation(
                    conference=conference,
                    role=InviteeRole.PARENT_OR_CARER,
                    family_member=member,
                    name=member.full_name,
                    email=member.email,
                    created_by=acting_user,
                )
            )
    for child in dict.fromkeys(children):
        if child.pk not in conference_children:
            problems.append(f"{child.full_name} is not one of the children this conference is about.")
        elif child.is_unborn:
            problems.append(f"{child.full_name} is not born yet and cannot be invited.")
        elif child.pk in invited_children:
            problems.append(f"{child.full_name} is already invited.")
        else:
            new.append(
                Invitation(
                    conference=conference,
                    role=InviteeRole.CHILD,
                    child=child,
                    name=child.full_name,
                    created_by=acting_user,
                )
            )
    if problems:
        raise ValidationError(problems)
    created = [_create(invitation, acting_user) for invitation in new]
    if any(invitation.role == InviteeRole.PROFESSIONAL for invitation in created):
        reports_sync(conference=conference, acting_user=acting_user)  # R-PR-4
    return created


@transaction.atomic
def invitation_add_person(
    *, conference: Conference, acting_user: User | None, name: str, email: str, role: str
) -> Invitation:
    """Invite someone who is not in the records: a supporter, an advocate, an observer or a legal
    representative (R-PR-2)."""
    _check_open(conference)
    errors: dict[str, str] = {}
    name = name.strip()
    email = email.strip()
    if not name:
        errors["name"] = "Enter the person's name."
    if role not in NAMED_PERSON_ROLES:
        errors["role"] = (
            "Select whether they are a supporter, an advocate, an observer or a legal representative."
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = (
                "Enter an email address in the correct format, like name@example.com, or leave it empty."
            )
    if errors:
        raise ValidationError(errors)
    invitation = Invitation(conference=conference, role=role, name=name, email=email, created_by=acting_user)
    return _create(invitation, acting_user)


@transaction.atomic
def invitations_record_rights(
    *,
    conference: Conference,
    acting_user: User | None,
    supporter: Mapping[uuid.UUID, bool],
    advocate: Mapping[uuid.UUID, bool],
) -> int:
    """Record which parents have been told of their right to bring a supporter, and which children of
    their right to an advocate (R-PR-2). Returns how many invitations changed."""
    wanted = set(supporter) | set(advocate)
    invitations = {
        invitation.public_id: invitation
        for invitation in conference.invitations.filter(public_id__in=wanted, withdrawn_at__isnull=True)
    }
    problems = []
    for public_id in sorted(wanted, key=str):
        invitation = invitations.get(public_id)
        if invitation is None:
            problems.append("One of these people is no longer invited: reload the page and try again.")
        elif public_id in supporter and invitation.role != InviteeRole.PARENT_OR_CARER:
            problems.append(
                f"{invitation.name} is not a parent or carer: the right to a supporter is theirs."
            )
        elif public_id in advocate and invitation.role != InviteeRole.CHILD:
            problems.append(
                f"{invitation.name} is not a child of the conference: the right to an advocate is theirs."
            )
    if problems:
        raise ValidationError(sorted(set(problems)))
    changed = 0
    for public_id, invitation in invitations.items():
        before = audit_snapshot(invitation)
        if public_id in supporter:
            invitation.told_of_right_to_supporter = supporter[public_id]
        if public_id in advocate:
            invitation.told_of_right_to_advocate = advocate[public_id]
        if audit_snapshot(invitation) != before:
            _change(invitation, before, acting_user)
            changed += 1
    return changed


@transaction.atomic
def invitation_record_how(
    *, invitation: Invitation, acting_user: User | None, invited_how: str
) -> Invitation:
    """Record how someone was invited when not by email (by letter, in person)."""
    invited_how = invited_how.strip()
    if not invited_how:
        raise ValidationError(
            {"invited_how": "Enter how they were invited, for example by letter on 3 March."}
        )
    if len(invited_how) > 200:
        raise ValidationError({"invited_how": "Keep how they were invited to 200 characters or fewer."})
    _lock(invitation)
    if invitation.withdrawn_at is not None:
        raise ValidationError("This invitation has been withdrawn.")
    before = audit_snapshot(invitation)
    invitation.invited_how = invited_how
    return _change(invitation, before, acting_user)


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, acting_user: User | None, reason: str = "") -> Invitation:
    """Withdraw an invitation: it stays, marked withdrawn, with who did it and why. Someone already emailed
    is sent a cancellation for their calendar."""
    conference = invitation.conference
    _check_open(conference)
    _lock(invitation)
    if invitation.withdrawn_at is not None:
        raise ValidationError(f"The invitation to {invitation.name} has already been withdrawn.")
    now = clock.now()
    before = audit_snapshot(invitation)
    invitation.withdrawn_at = now
    _change(invitation, before, acting_user, reason=reason.strip()[:NOTE_MAX_LENGTH])
    if invitation.email and invitation.sent_sequence is not None and not sendable_problem(conference):
        _queue_email(
            conference=conference,
            invitation=invitation,
            kind=EmailKind.WITHDRAWN,
            office=_office(conference, acting_user),
            children=_children(conference),
            acting_user=acting_user,
            now=now,
        )
    if invitation.role == InviteeRole.PROFESSIONAL:
        reports_sync(conference=conference, acting_user=acting_user)
    return invitation


# ---- Email (R-PR-1, R-AF-4) -------------------------------------------------------------------------


@transaction.atomic
def invitations_send(*, conference: Conference, acting_user: User | None) -> SendResult:
    """Email the invitation, with its calendar file, to everyone invited who has an address and has not
    been sent the conference as it is scheduled now. Sending again when nothing changed sends nothing
    (R-AF-4). Only for a scheduled conference with a date, times and a place."""
    problem = sendable_problem(conference)
    if problem:
        raise ValidationError(problem)
    invitations = list(
        conference.invitations.filter(withdrawn_at__isnull=True).select_for_update().order_by("pk")
    )
    office = _office(conference, acting_user)
    children = _children(conference)
    now = clock.now()
    sent = 0
    for invitation in invitations:
        if not needs_sending(invitation, conference):
            continue
        kind = EmailKind.INVITATION if invitation.sent_sequence is None else EmailKind.UPDATE
        _queue_email(
            conference=conference,
            invitation=invitation,
            kind=kind,
            office=office,
            children=children,
            acting_user=acting_user,
            now=now,
        )
        _mark_sent(invitation, conference, acting_user, now)
        sent += 1
    without = tuple(
        invitation.name for invitation in invitations if not invitation.email and not invitation.invited_how
    )
    return SendResult(sent=sent, without_email=without)


@transaction.atomic
def invitations_send_updates(*, conference: Conference, acting_user: User | None) -> int:
    """After the date, time or place changed (the caller raised ``schedule_sequence``): send the new details
    to everyone already emailed an earlier version, with the same calendar event (R-AF-4: only when a
    date changes). Nobody else is emailed. Returns how many."""
    problem = sendable_problem(conference)
    if problem:
        raise ValidationError(problem)
    return _resend(conference, EmailKind.UPDATE, acting_user)


@transaction.atomic
def invitations_send_cancellation(*, conference: Conference, acting_user: User | None) -> int:
    """The conference is cancelled (the caller raised ``schedule_sequence``): send a cancellation, which
    removes the event from calendars, to everyone emailed an earlier version. Calling it again sends
    nothing. Returns how many."""
    if conference.starts_at is None or conference.ends_at is None:
        return 0  # never had a date, so nobody was sent a calendar invitation
    return _resend(conference, EmailKind.CANCELLATION, acting_user)


def _resend(conference: Conference, kind: EmailKind, acting_user: User | None) -> int:
    """Email ``kind`` to everyone sent an earlier version of the conference than its current sequence."""
    invitations = list(
        conference.invitations.filter(
            withdrawn_at__isnull=True,
            sent_sequence__isnull=False,
            sent_sequence__lt=conference.schedule_sequence,
        )
        .exclude(email="")
        .select_for_update()
        .order_by("pk")
    )
    office = _office(conference, acting_user)
    children = _children(conference)
    now = clock.now()
    for invitation in invitations:
        _queue_email(
            conference=conference,
            invitation=invitation,
            kind=kind,
            office=office,
            children=children,
            acting_user=acting_user,
            now=now,
        )
        _mark_sent(invitation, conference, acting_user, now)
    return len(invitations)


# ---- Replies (R-PR-3) -------------------------------------------------------------------------------


def _check_reply(
    reply: str, colleague_name: str, colleague_email: str, note: str, *, email_required: bool
) -> None:
    errors: dict[str, str] = {}
    if reply not in REPLIES:
        errors["reply"] = "Select whether they will attend, cannot attend, or are sending a colleague."
    if reply == Reply.SENDING_COLLEAGUE:
        if not colleague_name.strip():
            errors["colleague_name"] = "Enter the name of the colleague who will attend."
        if email_required and not colleague_email.strip():
            errors["colleague_email"] = "Enter the email address of the colleague who will attend."
    if colleague_email.strip():
        try:
            validate_email(colleague_email.strip())
        except ValidationError:
            errors["colleague_email"] = "Enter an email address in the correct format, like name@example.com."
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer."
    if errors:
        raise ValidationError(errors)


def _set_reply(
    invitation: Invitation, reply: str, colleague_name: str, colleague_email: str, note: str
) -> None:
    sending = reply == Reply.SENDING_COLLEAGUE
    invitation.reply = reply
    invitation.colleague_name = colleague_name.strip() if sending else ""
    invitation.colleague_email = colleague_email.strip() if sending else ""
    invitation.reply_note = note.strip()
    invitation.replied_at = clock.now()


#: Replies close once the conference has taken place (or was adjourned): who came is then attendance.
REPLIES_CLOSED_TAKEN_PLACE = "This conference has already taken place, so replies are closed."


class AlreadyRepliedError(ValidationError):
    """A reply was recorded first, perhaps a moment ago by someone else: read it before changing it."""

    def __init__(self, invitation: Invitation, replied_at: datetime) -> None:
        when = clock.date_in_words(timezone.localtime(replied_at).date())
        super().__init__(
            f"{invitation.name} has already replied on {when}: {invitation.get_reply_display()}. Read the "
            "invitation again and send 'replace': true to change the reply.",
            code="stale",
        )


def reply_link_problem(invitation: Invitation, sequence: int) -> str:
    """Why a reply through the link cannot be taken now, in words for the person replying; "" if it can."""
    conference = invitation.conference
    if invitation.withdrawn_at is not None:
        return (
            "This invitation has been withdrawn, so there is nothing to reply to. If you think this is a "
            "mistake, contact the conference office."
        )
    if conference.status == ConferenceStatus.CANCELLED:
        return "This conference has been cancelled, so there is nothing to reply to."
    if conference.status in {ConferenceStatus.HELD, ConferenceStatus.INQUORATE} or (
        conference.starts_at is not None and conference.starts_at <= clock.now()
    ):
        return REPLIES_CLOSED_TAKEN_PLACE
    if sequence != conference.schedule_sequence:
        return (
            "The date, time or place of this conference has changed since this email was sent. Use the link "
            "in the latest email about it."
        )
    if invitation.replied_at is not None:
        when = clock.date_in_words(timezone.localtime(invitation.replied_at).date())
        return (
            f"You have already replied on {when}: {invitation.get_reply_display()}. To change it, contact the "
            "conference office."
        )
    return ""


@transaction.atomic
def invitation_reply_by_link(
    *,
    invitation_id: uuid.UUID,
    sequence: int,
    reply: str,
    colleague_name: str = "",
    colleague_email: str = "",
    note: str = "",
) -> Invitation:
    """A reply through the signed link in the invitation email, by someone with no account (R-PR-3):
    attending, cannot attend, or sending a named colleague (their name and email then). Taken once: a
    second reply is refused with the first, never written over."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("conference__authority")
        .filter(public_id=invitation_id)
        .first()
    )
    if invitation is None:
        raise ValidationError("This invitation no longer exists. Contact the conference office.")
    problem = reply_link_problem(invitation, sequence)
    if problem:
        raise ValidationError(problem)
    _check_reply(reply, colleague_name, colleague_email, note, email_required=True)
    before = audit_snapshot(invitation)
    _set_reply(invitation, reply, colleague_name, colleague_email, note)
    return _change(invitation, before, None, reason="Replied through the link in the invitation email.")


@transaction.atomic
def invitation_record_reply(
    *,
    invitation: Invitation,
    acting_user: User | None,
    reply: str,
    how: str,
    colleague_name: str = "",
    colleague_email: str = "",
    note: str = "",
    replace: bool = True,
) -> Invitation:
    """Record a reply that came by letter, phone or in person (R-PR-3). The conference office may change a
    reply: the history keeps the one before. With ``replace`` false, a reply already recorded (by anyone,
    up to the moment the lock is taken) is refused with ``AlreadyRepliedError`` instead."""
    conference = invitation.conference
    _lock(invitation)
    if not replace and invitation.replied_at is not None:
        raise AlreadyRepliedError(invitation, invitation.replied_at)
    if invitation.withdrawn_at is not None:
        raise ValidationError("This invitation has been withdrawn.")
    if conference.status == ConferenceStatus.CANCELLED:
        raise ValidationError("This conference has been cancelled, so there is no reply to record.")
    if conference.status in {ConferenceStatus.HELD, ConferenceStatus.INQUORATE}:
        raise ValidationError(REPLIES_CLOSED_TAKEN_PLACE)
    how = how.strip()
    _check_reply(reply, colleague_name, colleague_email, note, email_required=False)
    if not how:
        raise ValidationError({"how": "Enter how the reply came, for example by phone."})
    if len(how) > 200:
        raise ValidationError({"how": "Keep how the reply came to 200 characters or fewer."})
    before = audit_snapshot(invitation)
    _set_reply(invitation, reply, colleague_name, colleague_email, note)
    return _change(invitation, before, acting_user, reason=f"Reply received: {how}")
