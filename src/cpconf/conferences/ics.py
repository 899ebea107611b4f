"""The calendar invitation (.ics) sent with an invitation email (R-PR-1, R-AF-4), made with ``icalendar``.

One event per conference, whatever the email: the same ``UID`` every time (``<public id>@cpconf``), and
``SEQUENCE`` the conference's ``schedule_sequence``, so that a calendar replaces the event when the date,
time or place changes and removes it on a cancellation. Times are Europe/London with the time zone's
definition included. The event names no child: it gives the conference's reference and the authority.
Each file is for one person: the only attendee in it is the invitee, so no one learns another's address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress

from cpconf.conferences.models import Conference, VenueKind

LONDON = ZoneInfo("Europe/London")
PRODUCT_ID = "-//cpconf//Child protection conference invitations//EN"
ONLINE = "Online"


class Method(StrEnum):
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True)
class Person:
    name: str
    email: str


def event_uid(conference: Conference) -> str:
    """The same for every invitation, update and cancellation of one conference."""
    return f"{conference.public_id}@cpconf"


def place_in_words(conference: Conference) -> str:
    """Where the conference is, as one line: the address, "Online", or both."""
    address = ", ".join(line.strip() for line in conference.venue_address.splitlines() if line.strip())
    if conference.venue_kind == VenueKind.ONLINE:
        return ONLINE
    if conference.venue_kind == VenueKind.BLENDED:
        return f"{address} (or online)" if address else ONLINE
    return address


def summary(conference: Conference) -> str:
    return f"Child protection conference {conference.reference} ({conference.authority.name})"


def conference_calendar(
    *,
    conference: Conference,
    method: Method,
    organizer: Person,
    attendee: Person,
    description: str,
    stamp: datetime,
) -> bytes:
    """The .ics for one invitee: an invitation or update (``REQUEST``) or a cancellation (``CANCEL``)."""
    if conference.starts_at is None or conference.ends_at is None:
        raise ValueError("A calendar invitation needs the conference's start and end.")
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", method.value)
    event = Event()
    event.add("uid", event_uid(conference))
    event.add("sequence", conference.schedule_sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", timezone.localtime(conference.starts_at, LONDON))
    event.add("dtend", timezone.localtime(conference.ends_at, LONDON))
    event.add(
        "summary", f"Cancelled: {summary(conference)}" if method is Method.CANCEL else summary(conference)
    )
    location = place_in_words(conference)
    if location:
        event.add("location", location)
    event.add("description", description)
    event.add("status", "CANCELLED" if method is Method.CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer_address = vCalAddress(f"mailto:{organizer.email}")
    organizer_address.params["cn"] = organizer.name
    event.add("organizer", organizer_address)
    attendee_address = vCalAddress(f"mailto:{attendee.email}")
    attendee_address.params["cn"] = attendee.name
    attendee_address.params["role"] = "REQ-PARTICIPANT"
    attendee_address.params["partstat"] = "NEEDS-ACTION"
    # Replies are made through the link in the email, which records them; a calendar's own reply would
    # reach a mailbox nobody reads for replies.
    attendee_address.params["rsvp"] = "FALSE"
    event.add("attendee", attendee_address)
    calendar.add_component(event)
    # The time zone's rules for the conference's year only: enough for every calendar, and short.
    start, end = (
        timezone.localtime(conference.starts_at, LONDON),
        timezone.localtime(conference.ends_at, LONDON),
    )
    calendar.add_missing_timezones(first_date=date(start.year, 1, 1), last_date=date(end.year + 1, 1, 1))
    ical: bytes = calendar.to_ical()
    return ical
