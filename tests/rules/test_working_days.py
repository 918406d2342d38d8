"""Complaint deadlines in working days, worked by hand on a calendar of England's bank holidays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caremarket.rules.working_days import (
    MAX_WORKING_DAYS,
    add_working_days,
    deadline,
    england_bank_holidays,
    in_time,
    working_days_taken,
)


def test_the_calendar_comes_from_the_holidays_package_with_substitute_and_one_off_days() -> None:
    days = england_bank_holidays([2020, 2021, 2023])
    assert date(2020, 12, 28) in days  # Boxing Day 2020 was a Saturday: Monday instead
    assert date(2021, 12, 27) in days and date(2021, 12, 28) in days  # both at a weekend
    assert date(2023, 5, 8) in days  # the Coronation, a one-off bank holiday
    assert date(2021, 4, 2) in days and date(2021, 4, 5) in days  # Good Friday, Easter Monday
    assert date(2021, 3, 17) not in days  # St Patrick's Day is Northern Ireland's, not England's


def test_a_plain_week_counts_monday_to_friday() -> None:
    # Monday 8 March 2021 + 4 working days = Friday 12 March; + 5 = Monday 15 March
    assert deadline(date(2021, 3, 8), 4) == date(2021, 3, 12)
    assert deadline(date(2021, 3, 8), 5) == date(2021, 3, 15)
    assert deadline(date(2021, 3, 8), 0) == date(2021, 3, 8)


def test_a_weekend_is_skipped_and_a_weekend_receipt_counts_from_monday() -> None:
    # Friday 5 March 2021: day 1 is Monday 8 March; 15 days: 8-12 (5), 15-19 (10), 22-26 (15)
    assert deadline(date(2021, 3, 5), 1) == date(2021, 3, 8)
    assert deadline(date(2021, 3, 5), 15) == date(2021, 3, 26)
    # Saturday 6 and Sunday 7 March: Monday 8 is still day 1, so the same deadline
    assert deadline(date(2021, 3, 6), 15) == date(2021, 3, 26)
    assert deadline(date(2021, 3, 7), 1) == date(2021, 3, 8)


def test_christmas_with_a_substitute_boxing_day() -> None:
    # Wednesday 23 December 2020: Thu 24 (1); Fri 25 Christmas; weekend; Mon 28 Boxing Day
    # (substitute); 29, 30, 31 (4); Fri 1 January; 4-8 January (9); 11-15 (14); Mon 18 (15)
    assert deadline(date(2020, 12, 23), 15) == date(2021, 1, 18)
    assert deadline(date(2020, 12, 23), 2) == date(2020, 12, 29)


def test_christmas_when_both_days_fall_at_a_weekend() -> None:
    # Friday 24 December 2021: Sat 25, Sun 26, Mon 27 and Tue 28 (both substitutes) are not
    # working days, so day 1 is Wednesday 29 December; 30, 31 (3); Mon 3 January 2022 is the
    # substitute for New Year's Day (a Saturday); 4 January is day 4
    assert deadline(date(2021, 12, 24), 1) == date(2021, 12, 29)
    assert deadline(date(2021, 12, 24), 4) == date(2022, 1, 4)


def test_easter() -> None:
    # Thursday 1 April 2021: Good Friday 2, weekend, Easter Monday 5; Tue 6 is day 1, Thu 8 day 3
    assert deadline(date(2021, 4, 1), 3) == date(2021, 4, 8)
    # 15 days: 6-9 (4), 12-16 (9), 19-23 (14), Monday 26 April (15)
    assert deadline(date(2021, 4, 1), 15) == date(2021, 4, 26)


def test_a_response_on_the_deadline_day_is_in_time_and_the_next_day_is_not() -> None:
    assert in_time(date(2020, 12, 23), date(2021, 1, 18), 15)
    assert not in_time(date(2020, 12, 23), date(2021, 1, 19), 15)
    assert in_time(date(2020, 12, 23), date(2020, 12, 23), 15)


def test_working_days_taken_counts_the_same_way() -> None:
    assert working_days_taken(date(2020, 12, 23), date(2021, 1, 18)) == 15
    assert working_days_taken(date(2021, 3, 6), date(2021, 3, 7)) == 0
    assert working_days_taken(date(2021, 4, 6), date(2021, 4, 1)) == -1


def test_a_given_calendar_can_be_passed_for_other_rules() -> None:
    # a council closed on one extra day: that day is skipped too
    closed = {date(2021, 3, 9)}
    assert add_working_days(date(2021, 3, 8), 1, closed) == date(2021, 3, 10)


@pytest.mark.parametrize("days", [-1, MAX_WORKING_DAYS + 1])
def test_a_deadline_out_of_range_is_refused(days: int) -> None:
    with pytest.raises(ValueError, match="working days"):
        deadline(date(2021, 3, 8), days)


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31)),
    days=st.integers(min_value=1, max_value=60),
)
def test_a_deadline_is_a_working_day_that_many_working_days_on(start: date, days: int) -> None:
    due = deadline(start, days)
    assert due.weekday() < 5 and due not in england_bank_holidays([due.year])
    assert working_days_taken(start, due) == days
    # the day before the deadline is one working day short of it
    assert working_days_taken(start, due - timedelta(days=1)) == days - 1
    assert in_time(start, due, days) and not in_time(start, due + timedelta(days=1), days)
