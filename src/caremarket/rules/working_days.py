"""Deadlines in working days: Monday to Friday, except England's bank holidays.

A council answers a complaint "within 15 working days" of receiving it. The day it arrives is
day 0; the deadline is the 15th working day after it. A complaint that arrives on a Saturday,
Sunday or bank holiday is counted from the next working day the same way (its first working
day is day 1), so one received on Saturday and one received the Friday before share a deadline.
A response on or before the deadline day is in time.

England's bank holidays come from the maintained `holidays` package (its United Kingdom
calendar for England, which has substitute days when Christmas, Boxing Day or New Year's Day
fall at a weekend, and one-off days such as the Coronation on 8 May 2023), never a typed list.

Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays

#: Longest deadline a council may set: a year of working days is far beyond any policy.
MAX_WORKING_DAYS = 260


@lru_cache(maxsize=64)
def _england(year: int) -> frozenset[date]:
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return frozenset(calendar.keys())


def england_bank_holidays(years: Iterable[int]) -> frozenset[date]:
    """England's bank holidays (with substitute days) in the given calendar years."""
    found: set[date] = set()
    for year in years:
        found |= _england(year)
    return frozenset(found)


def is_working_day(day: date, bank_holidays: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in bank_holidays


def add_working_days(start: date, days: int, bank_holidays: Collection[date]) -> date:
    """The `days`-th working day after `start` (`start` itself is day 0, whatever it is)."""
    if not 0 <= days <= MAX_WORKING_DAYS:
        raise ValueError(f"a deadline must be 0 to {MAX_WORKING_DAYS} working days")
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, bank_holidays):
            counted += 1
    return day


def deadline(received: date, days: int) -> date:
    """The last day to respond to something received on `received`, in England."""
    # the longest deadline allowed ends within the next two calendar years
    years = range(received.year, received.year + 3)
    return add_working_days(received, days, england_bank_holidays(years))


def working_days_taken(received: date, responded: date) -> int:
    """Working days from receipt to response (0 when answered on a non-working day after a
    weekend receipt, or the same day); negative when the response date is before receipt."""
    if responded < received:
        return -working_days_taken(responded, received)
    bank = england_bank_holidays(range(received.year, responded.year + 1))
    count = 0
    day = received
    while day < responded:
        day += timedelta(days=1)
        if is_working_day(day, bank):
            count += 1
    return count


def in_time(received: date, responded: date, days: int) -> bool:
    """Whether a response on `responded` met a deadline of `days` working days."""
    return responded <= deadline(received, days)
