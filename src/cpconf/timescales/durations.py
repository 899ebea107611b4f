"""Durations such as "15 wd", "3 months", "6 weeks", "2 days" and "24 hours", and how they apply to a date.

This module owns the meaning of every unit, as docs/domain.md's last paragraph of "Policy values by
authority" defines it:

- working days ("15 wd"): "within N working days after D" means the Nth working day after D is the last
  allowed day; N working days *before* D is the Nth working day before D (`WorkingCalendar`);
- months ("3 months"): "3 months after a date is the same day number three months later, or the last
  day of that month if it has no such day (30 November + 3 months = 28/29 February)";
- days and weeks: calendar days;
- hours: "counted on the clock", i.e. elapsed time, so across a clock change 24 hours is 24 real hours.
  A rule in hours yields a timezone-aware datetime in Europe/London. When only a date is given for an
  hours rule, the count starts at the start of that day (00:00 in Europe/London): before an event that
  gives the earlier deadline than any time later that day would, and after an event too, so it is the
  safer reading in both directions.

Rules in working days, days, weeks or months given an aware datetime count from its local date in
Europe/London.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from cpconf.timescales.errors import DurationError
from cpconf.timescales.working_days import WorkingCalendar

LONDON = ZoneInfo("Europe/London")

#: A deadline: a date, or an aware datetime in Europe/London for a rule in hours.
Deadline = date | datetime


class Unit(StrEnum):
    """The units a duration may be written in (the value is the short form used when printing)."""

    WORKING_DAYS = "wd"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    HOURS = "hours"


# The words accepted for each unit, singular and plural; "wd" is docs/domain.md's abbreviation.
_UNIT_WORDS: dict[str, Unit] = {
    "wd": Unit.WORKING_DAYS,
    "working day": Unit.WORKING_DAYS,
    "working days": Unit.WORKING_DAYS,
    "day": Unit.DAYS,
    "days": Unit.DAYS,
    "week": Unit.WEEKS,
    "weeks": Unit.WEEKS,
    "month": Unit.MONTHS,
    "months": Unit.MONTHS,
    "hour": Unit.HOURS,
    "hours": Unit.HOURS,
}

_DURATION = re.compile(r"(?P<amount>[0-9]+) +(?P<unit>[a-z]+(?: [a-z]+)?)")

DURATION_HELP = (
    "write a whole number above zero and a unit (wd, working days, days, weeks, months or hours), "
    'for example "15 wd" or "3 months"'
)


def parse_duration(text: str) -> Duration:
    """Read a duration such as "15 wd"; raise `DurationError` saying what is accepted otherwise."""
    if not isinstance(text, str):
        raise DurationError(f'a duration must be text such as "15 wd", not {text!r}')
    match = _DURATION.fullmatch(text.strip().lower())
    unit = _UNIT_WORDS.get(match["unit"]) if match else None
    if match is None or unit is None:
        raise DurationError(f"{text!r} is not a duration: {DURATION_HELP}")
    amount = int(match["amount"])
    if amount == 0:
        raise DurationError(f"{text!r} is not a duration: {DURATION_HELP}")
    return Duration(amount, unit)


def add_months(day: date, months: int) -> date:
    """Return the same day number `months` later (earlier if negative), clamped to the month's last day.

    docs/domain.md: 30 November + 3 months = 28 February (29 in a leap year); 31 January + 1 month = 28/29
    February; 31 August + 6 months = 28/29 February.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise DurationError(f"{months} months from {day.isoformat()} falls outside the years 1 to 9999")
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def start_of_day(day: date) -> datetime:
    """Return 00:00 on `day` in Europe/London, aware (midnight always exists: clocks change at 01:00 UTC)."""
    return datetime(day.year, day.month, day.day, tzinfo=LONDON)


def local_date(moment: date | datetime) -> date:
    """Return the date in Europe/London of `moment` (a date is returned as it is)."""
    if isinstance(moment, datetime):
        return _require_aware(moment).astimezone(LONDON).date()
    return moment


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        # Time discipline: a naive datetime has no place on the statutory clock.
        raise ValueError(f"{moment.isoformat()} has no time zone: pass an aware datetime or a date")
    return moment


@dataclass(frozen=True, slots=True)
class Duration:
    """An amount of one unit, such as 15 working days or 3 months."""

    amount: int
    unit: Unit

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read a duration such as "15 wd" (see `parse_duration`)."""
        return parse_duration(text)

    def __str__(self) -> str:
        if self.unit is Unit.WORKING_DAYS:
            return f"{self.amount} wd"
        word = self.unit.value if self.amount != 1 else self.unit.value.removesuffix("s")
        return f"{self.amount} {word}"

    def after(self, start: date | datetime, calendar: WorkingCalendar) -> Deadline:
        """Return the last allowed day (or moment, for hours) `self` after `start`."""
        return self._apply(start, calendar, 1)

    def before(self, start: date | datetime, calendar: WorkingCalendar) -> Deadline:
        """Return the day (or moment, for hours) `self` before `start`."""
        return self._apply(start, calendar, -1)

    def _apply(self, start: date | datetime, calendar: WorkingCalendar, sign: int) -> Deadline:
        amount = sign * self.amount
        if self.unit is Unit.HOURS:
            # Hours are elapsed time (docs/domain.md: "counted on the clock"): add them in UTC, show in London.
            moment = _require_aware(start) if isinstance(start, datetime) else start_of_day(start)
            return (moment.astimezone(UTC) + timedelta(hours=amount)).astimezone(LONDON)
        day = local_date(start)
        try:
            if self.unit is Unit.WORKING_DAYS:
                return calendar.add_working_days(day, amount)
            if self.unit is Unit.MONTHS:
                return add_months(day, amount)
            days = amount * 7 if self.unit is Unit.WEEKS else amount
            return day + timedelta(days=days)
        except OverflowError as error:
            raise DurationError(f"{self} from {day.isoformat()} falls outside the years 1 to 9999") from error
