"""When an emergency access must be reviewed by (break glass review, docs/access.md), from the statutory
clock's working days (DESIGN principle 1): this module only asks ``cpconf.timescales``.

The safeguarding manager reviews each emergency access within ``REVIEW_WITHIN_WORKING_DAYS`` working days
of its opening: the NHS Spine's Privacy Officers review their alerts "promptly"; a working week lets a
manager who was on leave for a day or two still be on time, and the alert reaches them at once anyway.
No statute sets it, so it is a documented constant rather than a policy value; an authority that wants
another can have it made a policy value.
"""

from __future__ import annotations

from datetime import date

from cpconf.access.models import BreakGlassGrant
from cpconf.timescales.durations import local_date
from cpconf.timescales.working_days import WorkingCalendar

REVIEW_WITHIN_WORKING_DAYS = 5


def review_due(grant: BreakGlassGrant, calendar: WorkingCalendar) -> date:
    """The last day to review ``grant`` on time: the 5th working day after the day it was opened
    (England's time), with the authority's closure days (``working_calendar_for``) not counted."""
    return calendar.add_working_days(local_date(grant.started_at), REVIEW_WITHIN_WORKING_DAYS)


def review_overdue(grant: BreakGlassGrant, calendar: WorkingCalendar, today: date, *, reviewed: bool) -> bool:
    """Not reviewed, and the last day to review it has passed."""
    return not reviewed and today > review_due(grant, calendar)
