"""Excluding someone from part or all of a conference (R-EX-1 to R-EX-3): the request, the chair's decision,
and what the person was told.

Who may do each is decided before these are called (the views ask ``cpconf.access.gateways``:
``REQUEST_EXCLUSION``, ``CHAIR_CONFERENCE``, ``MANAGE_CONFERENCE``); these check the data. Each runs in one
transaction, checks everything before it writes, raises ``ValidationError`` with messages a person can act
on (keyed by the form's field names where one fits), and writes its audit history entry.

Decisions made here:

* **Who asks.** The signed-in professional, or, when a coordinator records a request made by phone
  (R-EX-2: agencies "telephone the independent conference chair"), a professional invited to the
  conference. ``requested_by`` is who asked; ``created_by`` is who recorded it.
* **Late requests** (R-EX-2) are kept and marked ``requested_late``: the chair still decides, and sees
  that the notice was short. The notice period is the policy's ``exclusion-requests-due`` deadline
  before the conference (``deadlines.before_conference``); a policy without one, or a conference with no
  date yet, makes no request late.
* **The chair may agree to part of a request, never to more.** Agreeing, the chair may leave out some of
  the sections asked for; to exclude someone from a section nobody asked about, a new request is made (the
  chair, as social care staff, may make it), so that every exclusion has its grounds and details on record.
  A narrowed agreement says so in its audit history entry.
* **A decision is final here.** Deciding a request twice is refused; a change of mind is a new request.
* **Telling the person** (R-EX-3) is recorded for an agreed exclusion only (a refused request excludes
  nobody), with how their views will still reach the conference. It may be corrected later; each change
  is in the history.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from cpconf import clock
from cpconf.access.log import audit_record, audit_snapshot
from cpconf.access.rules import is_social_care_staff
from cpconf.clock import date_in_words
from cpconf.conferences import deadlines
from cpconf.conferences.agenda import SECTION_KEYS, titles, validate_sections
from cpconf.conferences.models import (
    EXCLUDABLE_ROLES,
    ChairDecision,
    Conference,
    ConferenceStatus,
    Exclusion,
    ExclusionGround,
    Invitation,
    InviteeRole,
    ViewsRoute,
)
from cpconf.conferences.selectors.exclusions import EXCLUDABLE_ROLE_WORDS
from cpconf.notifications.secure import sign_in_url
from cpconf.notifications.services import notify_naming_no_child
from cpconf.people.models import Professional, User
from cpconf.people.selectors import professional_for_user, working_calendar_for
from cpconf.timescales.durations import local_date

logger = logging.getLogger(__name__)

DETAILS_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 5000
TOLD_HOW_MAX_LENGTH = 200  # Exclusion.told_how

# Why a conference takes no more requests, by its status.
_CLOSED_MESSAGES = {
    ConferenceStatus.CANCELLED: "This conference was cancelled, so nobody can be excluded from it.",
    ConferenceStatus.HELD: "This conference has been held, so it is too late to ask for an exclusion.",
    ConferenceStatus.INQUORATE: (
        "This conference could not go ahead. Ask for an exclusion from the conference that replaces it."
    ),
}


def _field_errors(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def exclusion_notice_deadline(conference: Conference) -> date | datetime | None:
    """The last day (or moment) to ask for an exclusion under the policy (R-EX-2); None without one."""
    return deadlines.before_conference(conference, working_calendar_for(conference.authority)).get(
        "exclusion-requests-due"
    )


def is_late(deadline: date | datetime | None, at: datetime) -> bool:
    """Whether a request made at ``at`` misses the notice deadline: after the day, or after the moment."""
    if deadline is None:
        return False
    if isinstance(deadline, datetime):
        return at > deadline
    return local_date(at) > deadline


def closed_to_requests(conference: Conference) -> str:
    """Why ``conference`` takes no new requests, or "" if it does."""
    if conference.is_open:
        return ""
    return _CLOSED_MESSAGES.get(
        ConferenceStatus(conference.status), "This conference takes no more requests for exclusion."
    )


def _clean_grounds(grounds: Iterable[str]) -> list[str]:
    chosen = set(grounds)
    unknown = chosen - set(ExclusionGround.values)
    if unknown:
        raise ValidationError({"grounds": ["Choose grounds from the list"]})
    if not chosen:
        raise ValidationError({"grounds": ["Select at least one reason for excluding them"]})
    return [value for value in ExclusionGround.values if value in chosen]


def _clean_sections(sections: Iterable[str], *, field: str = "sections") -> list[str]:
    try:
        keys = validate_sections(list(sections))
    except ValueError:
        raise ValidationError({field: ["Choose sections of the agenda from the list"]}) from None
    if not keys:
        raise ValidationError(
            {
                field: [
                    "Select the parts of the conference they should be excluded from, or the whole conference"
                ]
            }
        )
    return keys


def _may_ask(professional: Professional, conference: Conference) -> bool:
    """Someone a request made by phone may be recorded for: a professional with a standing invitation to
    the conference (as ``REQUEST_EXCLUSION`` lets an invited professional ask for themselves)."""
    return conference.invitations.filter(
        professional=professional, role=InviteeRole.PROFESSIONAL, withdrawn_at__isnull=True
    ).exists()


@transaction.atomic
def exclusion_request(
    *,
    conference: Conference,
    invitation: Invitation,
    grounds: Iterable[str],
    details: str,
    sections: Iterable[str],
    acting_user: User,
    requested_by: Professional | None = None,
) -> Exclusion:
    """Ask the chair to exclude ``invitation``'s invitee from ``sections`` of ``conference`` (R-EX-1).

    ``requested_by`` is the professional who asked, when a coordinator records a request made by phone;
    without it, the acting user asked. Late requests are accepted and marked (R-EX-2).
    """
    errors: dict[str, list[str]] = {}
    closed = closed_to_requests(conference)
    if closed:
        raise ValidationError(closed)
    me = professional_for_user(acting_user)
    if me is None:
        raise ValidationError("Only a professional with an active record can ask for an exclusion.")
    asker = requested_by or me
    if asker.pk != me.pk:
        # A request made by phone: recorded by social care staff for an invited professional.
        if not is_social_care_staff(acting_user):
            errors["requested_by"] = ["You can only ask for an exclusion yourself"]
        elif not asker.is_active or not _may_ask(asker, conference):
            errors["requested_by"] = ["Choose a professional invited to this conference"]
    if invitation.conference_id != conference.pk:
        errors["invitation"] = ["Choose someone invited to this conference"]
    elif invitation.withdrawn_at is not None:
        errors["invitation"] = [f"{invitation.name}'s invitation was withdrawn. Choose someone still invited"]
    elif invitation.role not in EXCLUDABLE_ROLES:
        errors["invitation"] = [
            f"{invitation.name} is invited as {invitation.get_role_display().lower()}. Only "
            f"{EXCLUDABLE_ROLE_WORDS} can be excluded"
        ]
    chosen_grounds: list[str] = []
    chosen_sections: list[str] = []
    try:
        chosen_grounds = _clean_grounds(grounds)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        chosen_sections = _clean_sections(sections)
    except ValidationError as error:
        errors.update(error.message_dict)
    details = (details or "").strip()
    if not details:
        errors["details"] = ["Enter what has happened and why they should be excluded"]
    elif len(details) > DETAILS_MAX_LENGTH:
        errors["details"] = [f"Details must be {DETAILS_MAX_LENGTH} characters or fewer"]
    _field_errors(errors)

    now = clock.now()
    exclusion = Exclusion(
        conference=conference,
        invitation=invitation,
        requested_by=asker,
        requested_at=now,
        requested_late=is_late(exclusion_notice_deadline(conference), now),
        grounds=chosen_grounds,
        details=details,
        sections=chosen_sections,
        created_by=acting_user,
    )
    exclusion.full_clean()
    exclusion.save()
    audit_record(
        actor=acting_user,
        action="create",
        instance=exclusion,
        before=None,
        after=audit_snapshot(exclusion),
        reason=""
        if asker.pk == me.pk
        else f"Asked by {asker.full_name} by phone; recorded by {me.full_name}.",
    )
    _tell_the_chair(exclusion, acting_user)
    return exclusion


#: The outbox purpose of the email telling the chair that a request waits for them.
CHAIR_NOTICE_PURPOSE = "exclusion-request-for-chair"


def _tell_the_chair(exclusion: Exclusion, acting_user: User) -> None:
    """Email the booked chair that a request waits for their decision (R-EX-1, R-EX-2: agencies tell the
    chair). By the conference's reference and a link only: no child, and not whom it is about, so it
    may go to any address. No chair booked yet: the request is on the chair's list once one is."""
    conference = exclusion.conference
    chair = conference.chair
    if chair is None or not chair.email:
        return
    when = f" on {clock.date_in_words(conference.held_on)}" if conference.held_on else ""
    late = (
        "\n\nIt came after the policy's notice deadline for exclusion requests."
        if exclusion.requested_late
        else ""
    )
    body = (
        f"{exclusion.requested_by.full_name} ({exclusion.requested_by.agency.name}) has asked for someone to "
        f"be excluded from part of conference {conference.reference}{when}. It needs your decision.{late}"
        f"\n\nSign in to read the request and decide: "
        f"{sign_in_url(reverse('conferences:exclusions', args=[conference.public_id]))}"
    )
    try:
        with transaction.atomic():
            notify_naming_no_child(
                authority=conference.authority,
                recipient_email=chair.email,
                subject=f"An exclusion request for conference {conference.reference} needs your decision",
                body=body,
                purpose=CHAIR_NOTICE_PURPOSE,
                children_not_named=list(conference.children.all()),
                acting_user=acting_user,
            )
    except (ValidationError, ValueError):
        # An unusable address (or a name that reads like a child's) must not lose the request: it is
        # saved and waits on the chair's exclusions page all the same.
        logger.warning("Exclusion request %s: the chair could not be emailed.", exclusion.public_id)


def decision_in_words(exclusion: Exclusion) -> str:
    """What was decided, by whom and when, and that it stands."""
    when = f" on {date_in_words(local_date(exclusion.decided_at))}" if exclusion.decided_at else ""
    who = f" by {exclusion.decided_by.full_name}" if exclusion.decided_by else ""
    return (
        f"This request has already been decided: {exclusion.get_decision_display().lower()}{who}{when}. "
        "A decision cannot be changed. If things have changed, ask for a new exclusion."
    )


@transaction.atomic
def exclusion_decide(
    *,
    exclusion: Exclusion,
    decision: str,
    reason: str,
    acting_user: User,
    sections: Iterable[str] | None = None,
) -> Exclusion:
    """The chair agrees or refuses a request, with reasons (R-EX-1). Agreeing, the chair may keep out of the
    exclusion some of the sections asked for (``sections``; all of them if None), never add to them."""
    # Locked, so that two chairs deciding at once cannot both succeed.
    exclusion = (
        Exclusion.objects.select_for_update(of=("self",))
        .select_related("conference", "decided_by")
        .get(pk=exclusion.pk)
    )
    if exclusion.decision != ChairDecision.PENDING:
        raise ValidationError(decision_in_words(exclusion))
    if exclusion.conference.status == ConferenceStatus.CANCELLED:
        raise ValidationError("This conference was cancelled, so there is nothing to decide.")
    chair = professional_for_user(acting_user)
    if chair is None:
        raise ValidationError("Only a chair with an active professional record can decide.")
    errors: dict[str, list[str]] = {}
    if decision not in {ChairDecision.AGREED, ChairDecision.REFUSED}:
        errors["decision"] = ["Select whether you agree to the exclusion"]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ["Enter the reasons for your decision"]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [f"Reasons must be {REASON_MAX_LENGTH} characters or fewer"]
    requested = list(exclusion.sections)
    agreed_sections = requested
    if decision == ChairDecision.AGREED and sections is not None:
        try:
            agreed_sections = _clean_sections(sections)
        except ValidationError as error:
            errors.update(error.message_dict)
        else:
            wider = [key for key in agreed_sections if key not in requested]
            if wider:
                errors["sections"] = [
                    "You can agree to exclude them from fewer sections than were asked for, not more. Ask for "
                    f"a new exclusion for: {', '.join(titles(wider))}"
                ]
    _field_errors(errors)

    snapshot = audit_snapshot(exclusion)
    exclusion.decision = decision
    exclusion.decision_reason = reason
    exclusion.decided_by = chair
    exclusion.decided_at = clock.now()
    if decision == ChairDecision.AGREED:
        exclusion.sections = agreed_sections
    exclusion.full_clean()
    exclusion.save()
    narrowed = [key for key in requested if key not in exclusion.sections]
    audit_record(
        actor=acting_user,
        action="change",
        instance=exclusion,
        before=snapshot,
        after=audit_snapshot(exclusion),
        reason=(
            f"Agreed for fewer sections than asked: not {', '.join(titles(narrowed))}." if narrowed else ""
        ),
    )
    return exclusion


@transaction.atomic
def exclusion_record_told(
    *,
    exclusion: Exclusion,
    told_on: date | None,
    told_how: str,
    views_route: str,
    views_details: str,
    acting_user: User,
) -> Exclusion:
    """Record when and how the person was told of an agreed exclusion, and how their views will still reach
    the conference (R-EX-3). Recording it again corrects it."""
    exclusion = Exclusion.objects.select_for_update().get(pk=exclusion.pk)
    if exclusion.decision != ChairDecision.AGREED:
        raise ValidationError(
            "The chair has not agreed to this exclusion, so there is nothing to tell the person."
            if exclusion.decision == ChairDecision.PENDING
            else "The chair refused this exclusion, so there is nothing to tell the person."
        )
    errors: dict[str, list[str]] = {}
    today = clock.today()
    decided_on = local_date(exclusion.decided_at) if exclusion.decided_at else None
    if told_on is None:
        errors["told_on"] = ["Enter the date they were told"]
    elif told_on > today:
        errors["told_on"] = ["The date they were told must be today or in the past"]
    elif decided_on is not None and told_on < decided_on:
        errors["told_on"] = [
            f"The date they were told must be on or after the chair's decision, {date_in_words(decided_on)}"
        ]
    told_how = (told_how or "").strip()
    if not told_how:
        errors["told_how"] = ["Enter how they were told, for example by phone by the social worker"]
    elif len(told_how) > TOLD_HOW_MAX_LENGTH:
        errors["told_how"] = [f"How they were told must be {TOLD_HOW_MAX_LENGTH} characters or fewer"]
    if views_route not in ViewsRoute.values:
        errors["views_route"] = ["Select how their views will reach the conference"]
    views_details = (views_details or "").strip()
    if not views_details:
        errors["views_details"] = ["Enter the details, for example who will share their views and when"]
    elif len(views_details) > DETAILS_MAX_LENGTH:
        errors["views_details"] = [f"Details must be {DETAILS_MAX_LENGTH} characters or fewer"]
    _field_errors(errors)

    snapshot = audit_snapshot(exclusion)
    exclusion.told_on = told_on
    exclusion.told_how = told_how
    exclusion.views_route = views_route
    exclusion.views_details = views_details
    exclusion.full_clean()
    exclusion.save()
    audit_record(
        actor=acting_user,
        action="change",
        instance=exclusion,
        before=snapshot,
        after=audit_snapshot(exclusion),
    )
    return exclusion


#: For callers that need the whole agenda (the request form's "the whole conference").
ALL_SECTIONS = list(SECTION_KEYS)
