"""Working days in England: the calendar every "N working days" rule counts on.

A working day is Monday to Friday, excluding bank holidays in England (from the `holidays` package,
``UnitedKingdom(subdiv="ENG")``, computed offline for any year) and the closure days passed in: the
authority's own closure days and those listed in its policy profile. docs/domain.md, "Policy values by
authority": "wd" = working days.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date, timedelta

import holidays

# The weekday numbers of Saturday and Sunday (date.weekday()).
_WEEKEND = frozenset({5, 6})


@functools.cache
def bank_holidays_in(year: int) -> frozenset[date]:
    """Return England's bank holidays in `year` (cached: the `holidays` package computes them per year).

    The package also lists the weekend day a bank holiday fell on before it was moved to the Monday
    (26 December 2026 beside 28 December); that is harmless because weekends are never working days.
    """
    return frozenset(holidays.UnitedKingdom(subdiv="ENG", years=year).keys())


class WorkingCalendar:
    """Working days in England for one authority: weekdays that are neither bank holidays nor closure days."""

    __slots__ = ("_closure_days",)

    def __init__(self, closure_days: Iterable[date] = ()) -> None:
        self._closure_days = frozenset(closure_days)

    @property
    def closure_days(self) -> frozenset[date]:
        """The authority's own closure days (beyond England's bank holidays)."""
        return self._closure_days

    def with_closure_days(self, closure_days: Iterable[date]) -> WorkingCalendar:
        """Return a calendar that also treats `closure_days` as non-working days."""
        extra = frozenset(closure_days)
        if extra <= self._closure_days:
            return self
        return WorkingCalendar(self._closure_days | extra)

    def is_bank_holiday(self, day: date) -> bool:
        """Whether `day` is a bank holiday in England."""
        return day in bank_holidays_in(day.year)

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a working day: a weekday, not a bank holiday in England, not a closure day."""
        return (
            day.weekday() not in _WEEKEND
            and day not in self._closure_days
            and day not in bank_holidays_in(day.year)
        )

    def add_working_days(self, day: date, count: int) -> date:
        """Return the `count`th working day after `day` (before it when `count` is negative).

        docs/domain.md: "within N working days after D" means the Nth working day after D is the last
        allowed day; "N working days before D" is the Nth working day before D. `day` itself is never
        counted, whether or not it is a working day. A `count` of 0 returns `day` unchanged.
        """
        step = timedelta(days=1 if count > 0 else -1)
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def next_working_day(self, day: date) -> date:
        """Return `day` if it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def previous_working_day(self, day: date) -> date:
        """Return `day` if it is a working day, otherwise the last working day before it."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Count the working days after `start` up to and including `end` (negative if `end` is earlier).

        It is the inverse of `add_working_days` for working-day results:
        ``working_days_between(d, add_working_days(d, n)) == n``.
        """
        if end >= start:
            # The working days in (start, end].
            first, days = start + timedelta(days=1), (end - start).days
            sign = 1
        else:
            # The working days in [end, start), counted negative.
            first, days = end, (start - end).days
            sign = -1
        return sign * sum(1 for offset in range(days) if self.is_working_day(first + timedelta(days=offset)))

    def __repr__(self) -> str:
        return f"WorkingCalendar(closure_days={sorted(self._closure_days)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WorkingCalendar) and other._closure_days == self._closure_days

    def __hash__(self) -> int:
        return hash(self._closure_days)
