"""Working days in England (cpconf.timescales.working_days): weekdays less bank holidays and closure days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpconf.timescales import WorkingCalendar, bank_holidays_in

CALENDAR = WorkingCalendar()

# Starts from 1990 to 2060, where the `holidays` package computes England's bank holidays.
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))
counts = st.integers(min_value=1, max_value=80)
# Closure days near the start, so that they matter.
closures = st.lists(st.integers(min_value=-30, max_value=150), max_size=8)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 24), True),  # Thursday
        (date(2026, 12, 25), False),  # Christmas Day, Friday
        (date(2026, 12, 26), False),  # Boxing Day, Saturday
        (date(2026, 12, 28), False),  # Boxing Day (observed), Monday
        (date(2026, 12, 29), True),
        (date(2027, 1, 1), False),  # New Year's Day
        (date(2026, 1, 2), True),  # 2 January is a bank holiday in Scotland only
        (date(2027, 3, 26), False),  # Good Friday
        (date(2027, 3, 29), False),  # Easter Monday
        (date(2027, 5, 3), False),  # Early May bank holiday
        (date(2027, 5, 31), False),  # Spring bank holiday
        (date(2027, 8, 30), False),  # Summer bank holiday
        (date(2027, 12, 27), False),  # Christmas Day (observed)
        (date(2027, 12, 28), False),  # Boxing Day (observed)
        (date(2028, 1, 3), False),  # New Year's Day (observed)
        (date(2028, 2, 29), True),  # Tuesday in a leap year
        (date(2023, 5, 8), False),  # Coronation of King Charles III
        (date(2022, 9, 19), False),  # State funeral of Queen Elizabeth II
        (date(2026, 12, 5), False),  # Saturday
        (date(2026, 12, 6), False),  # Sunday
    ],
)
def test_a_working_day_is_a_weekday_that_is_not_a_bank_holiday_in_england(day: date, working: bool) -> None:
    assert CALENDAR.is_working_day(day) is working


def test_a_closure_day_is_not_a_working_day() -> None:
    calendar = WorkingCalendar(closure_days=[date(2026, 12, 24)])
    assert not calendar.is_working_day(date(2026, 12, 24))
    assert calendar.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 29)


def test_bank_holidays_are_known_for_any_year() -> None:
    assert date(2051, 12, 25) in bank_holidays_in(2051)
    assert CALENDAR.is_bank_holiday(date(2051, 12, 25))


def test_working_days_after_christmas_skip_christmas_boxing_day_and_new_year() -> None:
    # "Within 15 working days after D": the 15th working day after D is the last allowed day.
    assert CALENDAR.add_working_days(date(2026, 12, 14), 15) == date(2027, 1, 7)


def test_working_days_before_a_date_count_back_over_easter() -> None:
    # The 2nd working day before Tuesday 30 March 2027: Easter Monday and Good Friday do not count.
    assert CALENDAR.add_working_days(date(2027, 3, 30), -2) == date(2027, 3, 24)


def test_counting_from_a_weekend_counts_the_next_working_day_as_the_first() -> None:
    assert CALENDAR.add_working_days(date(2027, 1, 30), 1) == date(2027, 2, 1)


def test_adding_no_working_days_returns_the_same_day() -> None:
    assert CALENDAR.add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 25)


def test_next_and_previous_working_day_step_over_a_long_weekend() -> None:
    assert CALENDAR.next_working_day(date(2027, 3, 26)) == date(2027, 3, 30)
    assert CALENDAR.previous_working_day(date(2027, 3, 29)) == date(2027, 3, 25)
    assert CALENDAR.next_working_day(date(2027, 3, 25)) == date(2027, 3, 25)


def test_working_days_between_two_dates_is_the_inverse_of_adding_them() -> None:
    assert CALENDAR.working_days_between(date(2026, 12, 14), date(2027, 1, 7)) == 15
    assert CALENDAR.working_days_between(date(2027, 3, 30), date(2027, 3, 24)) == -2
    assert CALENDAR.working_days_between(date(2027, 3, 30), date(2027, 3, 30)) == 0


def test_with_closure_days_adds_to_the_calendar_without_changing_it() -> None:
    extra = CALENDAR.with_closure_days([date(2026, 12, 24)])
    assert not extra.is_working_day(date(2026, 12, 24))
    assert CALENDAR.is_working_day(date(2026, 12, 24))
    assert extra == WorkingCalendar([date(2026, 12, 24)])
    assert extra.with_closure_days([date(2026, 12, 24)]) is extra


# Properties -------------------------------------------------------------------------------------------


@settings(settings.get_profile("timescales"))
@given(start=days, count=st.integers(min_value=-80, max_value=80).filter(bool), offsets=closures)
def test_a_working_day_deadline_never_falls_on_a_weekend_a_bank_holiday_or_a_closure_day(
    start: date, count: int, offsets: list[int]
) -> None:
    closure_days = {start + timedelta(days=offset) for offset in offsets}
    deadline = WorkingCalendar(closure_days).add_working_days(start, count)
    assert deadline.weekday() < 5
    assert deadline not in bank_holidays_in(deadline.year)
    assert deadline not in closure_days


@settings(settings.get_profile("timescales"))
@given(start=days, count=counts, offsets=closures)
def test_counting_forward_then_back_returns_to_the_start_or_the_working_day_before_it(
    start: date, count: int, offsets: list[int]
) -> None:
    calendar = WorkingCalendar({start + timedelta(days=offset) for offset in offsets})
    there_and_back = calendar.add_working_days(calendar.add_working_days(start, count), -count)
    assert there_and_back == calendar.previous_working_day(start)
    if calendar.is_working_day(start):
        assert there_and_back == start


@settings(settings.get_profile("timescales"))
@given(
    start=days, fewer=st.integers(min_value=-60, max_value=60), more=st.integers(min_value=0, max_value=60)
)
def test_adding_more_working_days_never_gives_an_earlier_date(start: date, fewer: int, more: int) -> None:
    assert CALENDAR.add_working_days(start, fewer) <= CALENDAR.add_working_days(start, fewer + more)


@settings(settings.get_profile("timescales"))
@given(start=days, count=counts)
def test_the_nth_working_day_after_a_date_is_n_working_days_later(start: date, count: int) -> None:
    deadline = CALENDAR.add_working_days(start, count)
    assert deadline > start
    assert CALENDAR.working_days_between(start, deadline) == count
