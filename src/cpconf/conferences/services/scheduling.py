"""Requesting, scheduling, rescheduling, cancelling and closing conferences (R-CT-1 to R-CT-6).

Every function here is one transaction, validates everything before it writes, and writes the audit
history. Due dates come from ``cpconf.conferences.deadlines`` (the statutory clock). A change to a
conference someone else changed since the form was opened is refused (``expected_version``; security
item 10), never silently overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cpconf import clock
from cpconf.access.log import audit_history_for, audit_record, audit_snapshot
from cpconf.clock import date_in_words, time_in_words
from cpconf.conferences import deadlines
from cpconf.conferences.models import (
    INITIAL_TYPES,
    OPEN_STATUSES,
    Conference,
    ConferenceChild,
    ConferenceStatus,
    ConferenceType,
    ScheduleChange,
    VenueKind,
)
from cpconf.conferences.services.invitations import invitations_send_cancellation, invitations_send_updates
from cpconf.conferences.services.reports import reports_sync
from cpconf.enquiries.models import Section47Enquiry
from cpconf.people.models import Authority, Child, Household, Professional, Role, User
from cpconf.people.selectors import working_calendar_for

#: The fields whose change is a change of date, time or place: invitees get an update (R-AF-4).
WHEN_AND_WHERE = ("starts_at", "ends_at", "venue_kind", "venue_address", "joining_details")
SCHEDULE_FIELDS = (*WHEN_AND_WHERE, "chair", "minute_taker", "out_of_timescale_reason")

CHAIR_ROLES = frozenset({Role.CHAIR})
MINUTE_TAKER_ROLES = frozenset({Role.MINUTE_TAKER, Role.CONFERENCE_COORDINATOR})


class StaleEditError(ValidationError):
    """The conference changed since the person opened the form: their change would overwrite another."""


def _check_version(conference: Conference, expected_version: int | None) -> None:
    if expected_version is None or expected_version == conference.version:
        return
    last = audit_history_for(conference).select_related("actor").first()
    who = "someone else"
    when = ""
    if last is not None:
        who = last.actor_name or who
        when = f" on {time_in_words(last.recorded_at)}"
    raise StaleEditError(
        f"{who} changed this conference{when}, after you opened this page. Your change has not been saved: "
        "check the details as they are now, then make your change again."
    )


def _locked(conference: Conference) -> Conference:
    return (
        # Only the conference's own row: PostgreSQL cannot lock the nullable side of an outer join.
        Conference.objects.select_for_update(of=("self",))
        .select_related("authority", "enquiry", "previous")
        .get(pk=conference.pk)
    )


def _save(conference: Conference, before: dict[str, Any], acting_user: User | None, reason: str = "") -> None:
    conference.version += 1
    conference.full_clean()
    conference.save()
    audit_record(
        actor=acting_user,
        action="change",
        instance=conference,
        before=before,
        after=audit_snapshot(conference),
        reason=reason,
    )


def _create(
    *,
    authority: Authority,
    conference_type: str,
    children: Iterable[Child],
    household: Household | None,
    due: deadlines.DueDate,
    acting_user: User | None,
    enquiry: Section47Enquiry | None = None,
    previous: Conference | None = None,
) -> Conference:
    children = list(children)
    if not children:
        raise ValidationError("A conference must be about at least one child.")
    if any(child.authority_id != authority.pk for child in children):
        raise ValidationError("Every child of a conference must belong to the authority holding it.")
    conference = Conference(
        authority=authority,
        conference_type=conference_type,
        household=household,
        enquiry=enquiry,
        previous=previous,
        due_date=due.due_date,
        earliest_date=due.earliest_date,
        counted_from=due.counted_from,
        due_date_basis=due.basis[:300],
        created_by=acting_user,
    )
    conference.full_clean()
    conference.save()
    ConferenceChild.objects.bulk_create(
        ConferenceChild(conference=conference, child=child) for child in children
    )
    audit_record(
        actor=acting_user, action="create", instance=conference, before=None, after=audit_snapshot(conference)
    )
    return conference


def conference_request_initial(
    *, enquiry: Section47Enquiry, decided_on: date, acting_user: User | None
) -> Conference:
    """The initial conference a Section 47 enquiry calls for (R-CT-1), about the children it covers
    (R-CH-1); a pre-birth conference when they are all unborn, due in the policy's window (R-CT-3)."""
    with transaction.atomic():
        authority = enquiry.authority
        children = [
            row.child
            for row in enquiry.enquiry_children.select_related("child").filter(included=True).order_by("pk")
        ]
        calendar = working_calendar_for(authority)
        discussion_on = enquiry.strategy_discussion.held_on if enquiry.strategy_discussion else None
        unborn = [child for child in children if child.is_unborn]
        if children and len(unborn) == len(children):
            expected = min(child.expected_delivery_date for child in unborn if child.expected_delivery_date)
            due = deadlines.pre_birth_due(
                authority,
                calendar,
                expected_delivery=expected,
                decided_on=decided_on,
                strategy_discussion_on=discussion_on,
                enquiry_started_on=enquiry.started_on,
            )
            conference_type = ConferenceType.PRE_BIRTH
        else:
            due = deadlines.initial_due(
                authority,
                calendar,
                strategy_discussion_on=discussion_on,
                enquiry_started_on=enquiry.started_on,
            )
            conference_type = ConferenceType.INITIAL
        return _create(
            authority=authority,
            conference_type=conference_type,
            children=children,
            household=enquiry.household,
            due=due,
            acting_user=acting_user,
            enquiry=enquiry,
        )


@transaction.atomic
def conference_request_review(
    *, previous: Conference, dual_process: bool = False, acting_user: User | None
) -> Conference:
    """The review after a held conference: the first within 3 months of an initial (or transfer-in) one,
    then within 6 (R-CT-2, R-CT-4); combined with a looked-after child review if ``dual_process`` (R-CT-5)."""
    previous = _locked(previous)
    if previous.status != ConferenceStatus.HELD:
        raise ValidationError("A review can be requested only after the conference before it has been held.")
    if previous.following.exclude(status=ConferenceStatus.CANCELLED).exists():
        raise ValidationError("A conference has already been requested to follow this one.")
    due = deadlines.review_due(
        previous.authority, working_calendar_for(previous.authority), previous=previous
    )
    return _create(
        authority=previous.authority,
        conference_type=ConferenceType.DUAL_PROCESS if dual_process else ConferenceType.REVIEW,
        children=previous.children.order_by("pk"),
        household=previous.household,
        due=due,
        acting_user=acting_user,
        enquiry=previous.enquiry,
        previous=previous,
    )


@transaction.atomic
def conference_request_transfer_in(
    *,
    authority: Authority,
    household: Household,
    children: Iterable[Child],
    decided_on: date,
    acting_user: User | None,
) -> Conference:
    """A transfer-in conference for children on another authority's plan who have moved here for good,
    due counted from the decision to hold it, not from the move (R-CT-4)."""
    if household.authority_id != authority.pk:
        raise ValidationError({"household": "The household belongs to another authority."})
    children = list(children)
    members = set(household.children.values_list("pk", flat=True))
    outside = [child for child in children if child.pk not in members]
    if outside:
        raise ValidationError({"children": f"{outside[0].full_name} is not a child of this household."})
    if decided_on > clock.today():
        raise ValidationError({"decided_on": "The date of the decision must be today or in the past."})
    due = deadlines.transfer_in_due(authority, working_calendar_for(authority), decided_on=decided_on)
    return _create(
        authority=authority,
        conference_type=ConferenceType.TRANSFER_IN,
        children=children,
        household=household,
        due=due,
        acting_user=acting_user,
    )


def booking_clashes(
    *,
    conference: Conference,
    starts_at: datetime,
    ends_at: datetime,
    chair: Professional | None,
    minute_taker: Professional | None,
) -> list[str]:
    """Warnings, in words, for a chair or minute taker already booked at another conference at that time."""
    warnings: list[str] = []
    for person, field, what in (
        (chair, "chair", "chairing"),
        (minute_taker, "minute_taker", "taking minutes at"),
    ):
        if person is None:
            continue
        others = (
            Conference.objects.filter(
                status=ConferenceStatus.SCHEDULED, starts_at__lt=ends_at, ends_at__gt=starts_at
            )
            .filter(**{field: person})
            .exclude(pk=conference.pk)
            .order_by("starts_at")
        )
        for other in others[:3]:
            # Scheduled, so both times are set (the filter above needs them).
            other_start, other_end = cast(datetime, other.starts_at), cast(datetime, other.ends_at)
            warnings.append(
                f"{person.full_name} is already {what} conference {other.reference} from "
                f"{clock.time_of_day_in_words(other_start)} to {clock.time_of_day_in_words(other_end)} "
                f"on {date_in_words(timezone.localtime(other_start).date())}."
            )
    return warnings


def _check_person(
    person: Professional | None, authority: Authority, roles: frozenset[str], field: str, what: str
) -> None:
    if person is None:
        return
    if person.agency.authority_id != authority.pk or not person.is_active:
        raise ValidationError({field: f"Choose a {what} who works for this authority."})
    if not ({held.role for held in person.roles.all()} & roles):
        raise ValidationError({field: f"{person.full_name} is not recorded as a {what}."})


@transaction.atomic
def conference_schedule(
    *,
    conference: Conference,
    starts_at: datetime,
    ends_at: datetime,
    venue_kind: str,
    venue_address: str = "",
    joining_details: str = "",
    chair: Professional | None = None,
    minute_taker: Professional | None = None,
    out_of_timescale_reason: str = "",
    change_reason: str = "",
    accept_clashes: bool = False,
    expected_version: int | None = None,
    acting_user: User | None,
) -> Conference:
    """Book (or rebook) the conference's date, time, place, chair and minute taker.

    A date past the due date needs a reason (the conference is then shown as out of timescale). A change
    to a scheduled conference's date, time or place needs a reason, keeps the history and raises the
    calendar sequence so invitees get an update (R-AF-4). A chair or minute taker booked elsewhere at that
    time is refused unless ``accept_clashes`` (the form shows the warning first).
    """
    conference = _locked(conference)
    _check_version(conference, expected_version)
    if conference.status not in OPEN_STATUSES:
        raise ValidationError(
            f"This conference is {conference.get_status_display().lower()}: it cannot be rescheduled."
        )
    errors: dict[str, str] = {}
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("Conference times must be aware datetimes.")
    start_day = timezone.localtime(starts_at).date()
    if ends_at <= starts_at:
        errors["ends_at"] = "The end time must be after the start time."
    elif timezone.localtime(ends_at).date() != start_day:
        errors["ends_at"] = "The conference must end on the day it starts."
    if starts_at <= clock.now():
        errors["starts_at"] = "The conference must start in the future."
    enquiry = conference.enquiry
    if enquiry is not None and start_day < enquiry.started_on:
        errors["starts_at"] = (
            f"The conference cannot be before the Section 47 enquiry started, on {date_in_words(enquiry.started_on)}."
        )
    previous_day = conference.previous.held_on if conference.previous else None
    if previous_day is not None and start_day <= previous_day:
        errors["starts_at"] = (
            f"The conference must be after the conference before it, on {date_in_words(previous_day)}."
        )
    if venue_kind not in VenueKind.values:
        errors["venue_kind"] = "Select how people will attend."
    if venue_kind in {VenueKind.IN_PERSON, VenueKind.BLENDED} and not venue_address.strip():
        errors["venue_address"] = "Enter the address where the conference will be held."
    if venue_kind in {VenueKind.ONLINE, VenueKind.BLENDED} and not joining_details.strip():
        errors["joining_details"] = "Enter how people join online."
    due_date = conference.due_date
    late = due_date is not None and start_day > due_date
    if due_date is not None and late and not out_of_timescale_reason.strip():
        errors["out_of_timescale_reason"] = (
            f"The conference is due by {date_in_words(due_date)}. "
            "To book it later, give the reason it cannot be held in time."
        )
    if errors:
        raise ValidationError(errors)
    _check_person(chair, conference.authority, CHAIR_ROLES, "chair", "conference chair")
    _check_person(minute_taker, conference.authority, MINUTE_TAKER_ROLES, "minute_taker", "minute taker")
    if not accept_clashes:
        clashes = booking_clashes(
            conference=conference,
            starts_at=starts_at,
            ends_at=ends_at,
            chair=chair,
            minute_taker=minute_taker,
        )
        if clashes:
            raise ValidationError({"accept_clashes": clashes})

    before = audit_snapshot(conference)
    new_values: dict[str, Any] = {
        "starts_at": starts_at,
        "ends_at": ends_at,
        "venue_kind": venue_kind,
        "venue_address": venue_address.strip() if venue_kind != VenueKind.ONLINE else "",
        "joining_details": joining_details.strip() if venue_kind != VenueKind.IN_PERSON else "",
        "chair": chair,
        "minute_taker": minute_taker,
        "out_of_timescale_reason": out_of_timescale_reason.strip() if late else "",
    }
    when_or_where_changed = any(getattr(conference, field) != new_values[field] for field in WHEN_AND_WHERE)
    anything_changed = any(getattr(conference, field) != new_values[field] for field in SCHEDULE_FIELDS)
    was_scheduled = conference.status == ConferenceStatus.SCHEDULED
    if was_scheduled and when_or_where_changed and not change_reason.strip():
        raise ValidationError({"change_reason": "Give the reason the date, time or place is changing."})
    if was_scheduled and not anything_changed:
        return conference
    for field, value in new_values.items():
        setattr(conference, field, value)
    conference.status = ConferenceStatus.SCHEDULED
    if was_scheduled and when_or_where_changed:
        conference.schedule_sequence += 1
    _save(conference, before, acting_user, reason=change_reason.strip())
    if was_scheduled:
        ScheduleChange.objects.create(
            conference=conference,
            changed_at=clock.now(),
            changed_by=acting_user,
            reason=change_reason.strip(),
            before={field: before.get(field) for field in SCHEDULE_FIELDS},
            after={field: audit_snapshot(conference).get(field) for field in SCHEDULE_FIELDS},
        )
    # R-PR-5: the reports' deadlines follow the conference's date.
    reports_sync(conference=conference, acting_user=acting_user)
    # R-AF-4: everyone already invited is sent the new date, time or place (and only then).
    if was_scheduled and when_or_where_changed:
        invitations_send_updates(conference=conference, acting_user=acting_user)
    return conference


@transaction.atomic
def conference_cancel(
    *, conference: Conference, reason: str, expected_version: int | None = None, acting_user: User | None
) -> Conference:
    """Cancel a conference that is still to happen, with the reason."""
    conference = _locked(conference)
    _check_version(conference, expected_version)
    if conference.status not in OPEN_STATUSES:
        raise ValidationError(
            f"This conference is {conference.get_status_display().lower()}: it cannot be cancelled."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason the conference is cancelled."})
    before = audit_snapshot(conference)
    conference.status = ConferenceStatus.CANCELLED
    conference.cancelled_reason = reason.strip()
    if conference.starts_at is not None:
        conference.schedule_sequence += 1  # the calendar cancellation supersedes the last invitation
    _save(conference, before, acting_user, reason=reason.strip())
    invitations_send_cancellation(conference=conference, acting_user=acting_user)
    return conference


def _started(conference: Conference) -> None:
    if conference.status != ConferenceStatus.SCHEDULED or conference.starts_at is None:
        raise ValidationError("Only a scheduled conference can be recorded as held or adjourned.")
    if conference.starts_at > clock.now():
        raise ValidationError(
            f"The conference starts at {time_in_words(conference.starts_at)}: record what happened after it starts."
        )


@transaction.atomic
def conference_mark_held(
    *, conference: Conference, expected_version: int | None = None, acting_user: User | None
) -> Conference:
    """Record that the conference went ahead."""
    conference = _locked(conference)
    _check_version(conference, expected_version)
    _started(conference)
    before = audit_snapshot(conference)
    conference.status = ConferenceStatus.HELD
    _save(conference, before, acting_user)
    return conference


@transaction.atomic
def conference_mark_inquorate(
    *, conference: Conference, reason: str, expected_version: int | None = None, acting_user: User | None
) -> Conference:
    """The chair found the conference not quorate and without enough information to go ahead (R-QU-2):
    it is adjourned, and the reconvened conference is requested, due from the original date (R-CT-6).
    Returns the reconvened conference."""
    conference = _locked(conference)
    _check_version(conference, expected_version)
    _started(conference)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason the conference could not go ahead."})
    before = audit_snapshot(conference)
    conference.status = ConferenceStatus.INQUORATE
    _save(conference, before, acting_user, reason=reason.strip())
    due = deadlines.reconvened_due(
        conference.authority,
        working_calendar_for(conference.authority),
        original_on=timezone.localtime(cast(datetime, conference.starts_at)).date(),  # _started checked it
    )
    # R-CT-6 is about initial conferences; a review that could not go ahead is held again as a review.
    reconvened_type = (
        ConferenceType.RECONVENED
        if conference.conference_type in INITIAL_TYPES
        else conference.conference_type
    )
    return _create(
        authority=conference.authority,
        conference_type=reconvened_type,
        children=conference.children.order_by("pk"),
        household=conference.household,
        due=due,
        acting_user=acting_user,
        enquiry=conference.enquiry,
        previous=conference,
    )
