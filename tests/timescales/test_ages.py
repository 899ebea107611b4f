"""Ages count months the way the statutory clock does (docs/domain.md's month rule)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpconf.timescales import add_months, age_in_years, whole_months_between


@pytest.mark.parametrize(
    ("born", "on", "months"),
    [
        (date(2026, 1, 31), date(2026, 2, 27), 0),
        (date(2026, 1, 31), date(2026, 2, 28), 1),  # 31 January + 1 month = 28 February
        (date(2026, 3, 15), date(2026, 4, 14), 0),
        (date(2026, 3, 15), date(2026, 4, 15), 1),
        (date(2026, 3, 15), date(2026, 3, 1), 0),  # not born yet on that day: no negative ages
        (date(2019, 4, 12), date(2026, 11, 25), 91),
    ],
)
def test_whole_months_follow_the_month_rule(born: date, on: date, months: int) -> None:
    assert whole_months_between(born, on) == months


@pytest.mark.parametrize(
    ("born", "on", "years"),
    [
        (date(2008, 11, 25), date(2026, 11, 24), 17),
        (date(2008, 11, 25), date(2026, 11, 25), 18),
        # R-PL-5: born on 29 February, 18 on 28 February in a common year (the earlier, safe day).
        (date(2008, 2, 29), date(2026, 2, 27), 17),
        (date(2008, 2, 29), date(2026, 2, 28), 18),
        (date(2012, 2, 29), date(2028, 2, 29), 16),
    ],
)
def test_whole_years_of_age(born: date, on: date, years: int) -> None:
    assert age_in_years(born, on) == years


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)), st.integers(0, 240))
def test_the_months_added_are_the_months_counted(born: date, months: int) -> None:
    on = add_months(born, months)
    assert whole_months_between(born, on) == months
    assert whole_months_between(born, on - timedelta(days=1)) == max(months - 1, 0)
