"""The deadlines after a held conference, from the statutory clock (DESIGN principle 1): the only module of
``cpconf.minutes`` that asks ``cpconf.timescales``. No date arithmetic here either.

* R-AF-1 ``decisions-circulated``: Staffordshire 1 working day, City of London 24 hours.
* R-AF-2 ``minutes-circulated``: Staffordshire 10 working days, City of London 15, Bolton 20.
* R-AF-2 ``minutes-amended``: Staffordshire 28 working days from the conference.

Each is counted from the conference's start, under the policy in force on its day. A policy without the
rule gives None: nothing is due, and nothing is late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from cpconf import timescales
from cpconf.clock import date_in_words, time_in_words
from cpconf.conferences.deadlines import policy_on
from cpconf.conferences.models import Conference
from cpconf.people.selectors import working_calendar_for
from cpconf.timescales import Deadline
from cpconf.timescales.durations import local_date

DECISIONS = "decisions-circulated"
MINUTES = "minutes-circulated"
AMENDED = "minutes-amended"


@dataclass(frozen=True)
class AfterConference:
    decisions: Deadline | None
    minutes: Deadline | None
    amend_until: Deadline | None


def after_conference(conference: Conference) -> AfterConference:
    """The circulation and amendment deadlines of a conference that has a date; all None without one."""
    if conference.starts_at is None:
        return AfterConference(None, None, None)
    policy = policy_on(conference.authority, conference.starts_at)
    found = timescales.deadlines_for_event(
        policy, conference.clock_name, conference.starts_at, working_calendar_for(conference.authority)
    )
    return AfterConference(found.get(DECISIONS), found.get(MINUTES), found.get(AMENDED))


def split(deadline: Deadline | None) -> tuple[date | None, datetime | None]:
    """A deadline as the two stored fields: (day, None) for one in days, (None, moment) for one in hours."""
    if deadline is None:
        return None, None
    if isinstance(deadline, datetime):
        return None, deadline
    return deadline, None


def joined(day: date | None, moment: datetime | None) -> Deadline | None:
    return moment if moment is not None else day


def passed(deadline: Deadline | None, at: datetime) -> bool:
    """Whether ``at`` is after the deadline: after its day, or after its moment. Never, without one."""
    if deadline is None:
        return False
    if isinstance(deadline, datetime):
        return at > deadline
    return local_date(at) > deadline


def in_words(deadline: Deadline | None) -> str:
    if deadline is None:
        return ""
    if isinstance(deadline, datetime):
        return time_in_words(deadline)
    return date_in_words(deadline)
