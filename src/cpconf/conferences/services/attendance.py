"""Recording who attended a conference, how, and for which parts of the agenda (R-PR-3, R-EX-1).

Who may record is decided before this is called (the views ask for ``MANAGE_CONFERENCE``); this checks
the data, in one transaction, and writes the audit history entry.

Decisions made here:

* **When.** Attendance is recorded from the conference's start time (``cpconf.clock.now()``) for a
  scheduled conference, and at any time for one that has been held, or that met but could not go ahead
  for lack of quorum (R-QU-2: who came is what made it inquorate, and the reconvened conference needs
  it). Not for a requested or cancelled conference, nor before the start.
* **Sections.** Someone who attended (in person or online) was present for at least one part of the
  agenda. Someone who sent apologies or did not attend was present for none: any parts sent with that
  answer are ignored, so that a form whose boxes start ticked needs no unticking.
* **Exclusions.** Nobody is recorded as present for a part of the conference an agreed exclusion kept
  them out of (R-EX-1, R-EX-5: the minutes are redacted from what they were excluded from, so the record
  of who heard what must agree with it).
* **A colleague instead** (R-PR-3) is for professionals, and only with an answer that someone attended.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from cpconf import clock
from cpconf.access.log import audit_record, audit_snapshot
from cpconf.clock import time_in_words
from cpconf.conferences.agenda import titles, validate_sections
from cpconf.conferences.models import (
    Attendance,
    AttendanceMode,
    Conference,
    ConferenceStatus,
    Invitation,
    InviteeRole,
)
from cpconf.conferences.selectors.exclusions import excluded_sections_for
from cpconf.people.models import User

ATTENDED_BY_MAX_LENGTH = 200  # Attendance.attended_by

#: The answers that mean someone was there.
PRESENT_MODES = frozenset({AttendanceMode.IN_PERSON, AttendanceMode.ONLINE})


def recording_closed(conference: Conference, now: datetime) -> str:
    """Why attendance cannot be recorded for ``conference`` at ``now``, or "" if it can."""
    if conference.status in {ConferenceStatus.HELD, ConferenceStatus.INQUORATE}:
        return ""
    if conference.status == ConferenceStatus.CANCELLED:
        return "This conference was cancelled, so there is no attendance to record."
    if conference.status != ConferenceStatus.SCHEDULED or conference.starts_at is None:
        return "This conference has not been booked yet, so there is no attendance to record."
    if now < conference.starts_at:
        return f"You can record attendance from the start of the conference, {time_in_words(conference.starts_at)}."
    return ""


def _clean_sections(
    invitation: Invitation, mode: str, sections: Iterable[str], excluded: list[str]
) -> tuple[list[str], list[str]]:
    """The sections to store and any message about them."""
    if mode not in PRESENT_MODES:
        return [], []
    try:
        keys = validate_sections(list(sections))
    except ValueError:
        return [], ["Choose parts of the agenda from the list"]
    if not keys:
        return [], ["Select the parts of the conference they were present for"]
    clash = [key for key in keys if key in excluded]
    if clash:
        return [], [
            f"{invitation.name} was excluded from {'; '.join(titles(clash))} by the chair's decision, so cannot "
            "be recorded as present for it. Untick it"
        ]
    return keys, []


@transaction.atomic
def attendance_record(
    *,
    invitation: Invitation,
    mode: str,
    sections: Iterable[str],
    attended_by: str = "",
    acting_user: User,
) -> Attendance:
    """Record (or correct) how ``invitation``'s invitee attended, for which sections, and who came instead."""
    conference = invitation.conference
    closed = recording_closed(conference, clock.now())
    if closed:
        raise ValidationError(closed)
    if invitation.withdrawn_at is not None:
        raise ValidationError(
            f"{invitation.name}'s invitation was withdrawn, so their attendance is not recorded."
        )
    errors: dict[str, list[str]] = {}
    if mode not in AttendanceMode.values:
        errors["mode"] = ["Select how they attended"]
    excluded = excluded_sections_for(conference).get(invitation.public_id, [])
    keys, section_errors = _clean_sections(invitation, mode, sections, excluded)
    if section_errors:
        errors["sections"] = section_errors
    attended_by = (attended_by or "").strip()
    if attended_by:
        if invitation.role != InviteeRole.PROFESSIONAL:
            errors["attended_by"] = ["Only a professional can send a colleague in their place"]
        elif mode not in PRESENT_MODES:
            errors["attended_by"] = [
                "A colleague can only be recorded as attending instead if they attended in person or online"
            ]
        elif len(attended_by) > ATTENDED_BY_MAX_LENGTH:
            errors["attended_by"] = [
                f"The colleague's name must be {ATTENDED_BY_MAX_LENGTH} characters or fewer"
            ]
    if errors:
        raise ValidationError(errors)

    attendance = Attendance.objects.select_for_update().filter(invitation=invitation).first()
    before = None if attendance is None else audit_snapshot(attendance)
    if attendance is None:
        attendance = Attendance(invitation=invitation)
    attendance.mode = mode
    attendance.sections = keys
    attendance.attended_by = attended_by
    attendance.recorded_by = acting_user
    attendance.recorded_at = clock.now()
    # The sections are checked above; an empty list (nobody there) is what "blank" means to full_clean.
    attendance.full_clean(exclude=["sections"])
    attendance.save()
    audit_record(
        actor=acting_user,
        action="create" if before is None else "change",
        instance=attendance,
        before=before,
        after=audit_snapshot(attendance),
    )
    return attendance
