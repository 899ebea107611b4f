"""Today's date and the current time: the one place the product asks for them (tests freeze time), and
how a moment is written for people."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta

from django.utils import timezone

# How far ``as_if_at`` has moved the clock (nothing, outside it).
_shift: ContextVar[timedelta] = ContextVar("clock_shift", default=timedelta(0))


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return timezone.now() + _shift.get()


def today() -> date:
    """Today's date in England (Europe/London), which is what every deadline is counted in."""
    return timezone.localdate(now())


@contextmanager
def as_if_at(moment: datetime) -> Iterator[None]:
    """Run the block as if it were ``moment`` (aware): for the demo, which writes a family's past through
    the services, so that what they check against "now" holds as it did on the day. Rows' own creation
    times (``auto_now_add``) and the audit history's still say when they were really written."""
    if timezone.is_naive(moment):
        raise ValueError("as_if_at needs an aware datetime.")
    token = _shift.set(moment - timezone.now())
    try:
        yield
    finally:
        _shift.reset(token)


def date_in_words(day: date) -> str:
    """A date as GOV.UK writes it: "5 November 2026"."""
    return f"{day.day} {day:%B %Y}"


def time_of_day_in_words(moment: datetime) -> str:
    """The time of day as GOV.UK writes it, in England's time: "3:06pm", "12:05am"."""
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    return f"{hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def time_in_words(moment: datetime) -> str:
    """A moment as GOV.UK writes it, in England's time: "25 November 2026 at 3:06pm"."""
    return f"{date_in_words(timezone.localtime(moment).date())} at {time_of_day_in_words(moment)}"
