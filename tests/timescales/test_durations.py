"""Durations (cpconf.timescales.durations): reading "15 wd" and the like, and applying them as docs/domain.md defines."""

from __future__ import annotations

import calendar as month_lengths
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpconf.timescales import (
    LONDON,
    Duration,
    DurationError,
    Unit,
    WorkingCalendar,
    add_months,
    parse_duration,
)

CALENDAR = WorkingCalendar()


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("15 wd", 15, Unit.WORKING_DAYS),
        ("1 working day", 1, Unit.WORKING_DAYS),
        ("28 working days", 28, Unit.WORKING_DAYS),
        ("3 months", 3, Unit.MONTHS),
        ("1 month", 1, Unit.MONTHS),
        ("6 weeks", 6, Unit.WEEKS),
        ("2 days", 2, Unit.DAYS),
        ("24 hours", 24, Unit.HOURS),
        ("  5 WD ", 5, Unit.WORKING_DAYS),
    ],
)
def test_a_duration_is_read_from_a_number_and_a_unit(text: str, amount: int, unit: Unit) -> None:
    assert parse_duration(text) == Duration(amount, unit)


@pytest.mark.parametrize(
    "text",
    ["", "15", "wd", "fifteen wd", "3 monts", "0 wd", "-2 days", "1.5 days", "2 fortnights", "3months"],
)
def test_anything_else_is_refused_with_a_message_saying_what_is_accepted(text: str) -> None:
    with pytest.raises(DurationError, match="is not a duration: write a whole number above zero and a unit"):
        parse_duration(text)


def test_a_duration_that_is_not_text_is_refused() -> None:
    with pytest.raises(DurationError, match="must be text"):
        parse_duration(15)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["15 wd", "3 months", "1 month", "6 weeks", "2 days", "24 hours", "1 hour"])
def test_a_duration_prints_as_it_is_written(text: str) -> None:
    assert str(parse_duration(text)) == text


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),  # 31 January + 1 month
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # ... in a leap year
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # docs/domain.md's example
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # ... in a leap year
        (date(2026, 8, 31), 6, date(2027, 2, 28)),  # 31 August + 6 months
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # over the year end
        (date(2026, 5, 31), -3, date(2026, 2, 28)),  # counting back
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
    ],
)
def test_months_keep_the_day_number_or_clamp_to_the_end_of_the_month(
    start: date, months: int, expected: date
) -> None:
    # docs/domain.md: "3 months after a date is the same day number three months later, or the last day of
    # that month if it has no such day".
    assert add_months(start, months) == expected


def test_days_and_weeks_are_calendar_days() -> None:
    assert parse_duration("2 days").before(date(2028, 3, 1), CALENDAR) == date(2028, 2, 28)
    assert parse_duration("6 weeks").after(date(2028, 1, 18), CALENDAR) == date(2028, 2, 29)


def test_working_days_before_a_date_end_on_the_nth_working_day_before_it() -> None:
    assert parse_duration("5 wd").before(date(2027, 1, 5), CALENDAR) == date(2026, 12, 24)


def test_hours_after_a_time_are_elapsed_hours_across_the_spring_clock_change() -> None:
    # 27 March 2027 15:00 GMT + 24 hours: the clocks go forward at 01:00 GMT on the 28th, so 16:00 BST.
    start = datetime(2027, 3, 27, 15, 0, tzinfo=LONDON)
    deadline = parse_duration("24 hours").after(start, CALENDAR)
    assert deadline == datetime(2027, 3, 28, 15, 0, tzinfo=UTC)
    assert deadline.isoformat() == "2027-03-28T16:00:00+01:00"


def test_hours_before_a_time_are_elapsed_hours_across_the_autumn_clock_change() -> None:
    # 25 October 2026 10:00 GMT - 24 hours: 24 October 10:00 UTC, which is 11:00 BST.
    start = datetime(2026, 10, 25, 10, 0, tzinfo=LONDON)
    assert parse_duration("24 hours").before(start, CALENDAR).isoformat() == "2026-10-24T11:00:00+01:00"


def test_hours_from_a_date_count_from_the_start_of_that_day_in_london() -> None:
    # The earlier, safer deadline: from 00:00, whether counting before or after.
    assert (
        parse_duration("24 hours").after(date(2026, 12, 1), CALENDAR).isoformat()
        == "2026-12-02T00:00:00+00:00"
    )
    assert (
        parse_duration("24 hours").before(date(2026, 3, 30), CALENDAR).isoformat()
        == "2026-03-28T23:00:00+00:00"
    )


def test_an_hours_deadline_is_in_london_time_whatever_zone_the_start_is_in() -> None:
    start = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    deadline = parse_duration("24 hours").after(start, CALENDAR)
    assert deadline.tzinfo == LONDON
    assert deadline.isoformat() == "2026-07-02T10:00:00+01:00"


def test_a_day_rule_from_a_datetime_counts_from_its_date_in_london() -> None:
    # 23:30 UTC on 30 June is 00:30 BST on 1 July.
    start = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert parse_duration("2 days").after(start, CALENDAR) == date(2026, 7, 3)


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="has no time zone"):
        parse_duration("2 days").after(datetime(2026, 7, 1, 9, 0), CALENDAR)


def test_a_deadline_beyond_the_year_9999_is_an_error_not_a_crash() -> None:
    with pytest.raises(DurationError, match="outside the years"):
        add_months(date(9999, 12, 1), 1)
    with pytest.raises(DurationError, match="outside the years"):
        parse_duration("2 days").after(date(9999, 12, 31), CALENDAR)


# Properties -------------------------------------------------------------------------------------------


@settings(settings.get_profile("timescales"))
@given(
    start=st.dates(min_value=date(1, 1, 1), max_value=date(9000, 12, 31)),
    months=st.integers(min_value=-120, max_value=1200),
)
def test_month_arithmetic_clamps_to_the_month_end_and_never_overflows(start: date, months: int) -> None:
    if start.year * 12 + start.month - 1 + months < 12:
        return  # before the year 1: out of range by definition
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day == min(start.day, month_lengths.monthrange(result.year, result.month)[1])


@settings(settings.get_profile("timescales"))
@given(
    start=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2050, 12, 31), timezones=st.just(LONDON)
    ),
    hours=st.integers(min_value=1, max_value=24 * 14),
)
def test_hours_are_always_exactly_that_many_real_hours(start: datetime, hours: int) -> None:
    deadline = parse_duration(f"{hours} hours").after(start, CALENDAR)
    # Subtract in UTC: Python subtracts two datetimes in the same zone by their wall clocks.
    assert deadline.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=hours)
    assert deadline.tzinfo == LONDON


@settings(settings.get_profile("timescales"))
@given(start=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)), count=st.integers(1, 40))
def test_a_longer_working_day_duration_never_ends_earlier(start: date, count: int) -> None:
    shorter = parse_duration(f"{count} wd").after(start, CALENDAR)
    longer = parse_duration(f"{count + 1} wd").after(start, CALENDAR)
    assert shorter < longer
