"""Ages: whole months and years between two dates, counted as the statutory clock counts months.

A month after D is the same day number a month later, or that month's last day when it has no such
day (docs/domain.md), so a baby born on 31 January is one month old on 28 February, and someone born on
29 February has a birthday on 28 February in other years: the earlier day, which is the safe one for
"a review must be held before the 18th birthday" (R-PL-5).
"""

from __future__ import annotations

from datetime import date

from cpconf.timescales.durations import add_months


def whole_months_between(start: date, end: date) -> int:
    """The number of whole months from ``start`` to ``end`` (0 if ``end`` is earlier than a month on)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def age_in_years(born: date, on: date) -> int:
    """Whole years of age on ``on`` of someone born on ``born``."""
    return whole_months_between(born, on) // 12
