"""A year's compliments, complaints and comments, summarised as a Local Account publishes them.

Each entry of the log is received on a date, in a service area; a complaint is later found
upheld (fully or partly) or not, and answered on a date. The year is the financial year the
entry was received in (April to March). A complaint is answered in time when the answer is on
or before the council's deadline in working days (`rules.working_days`); one not yet answered
is "open", and "overdue" once its deadline has passed. The share answered in time is of the
complaints answered, as Stoke-on-Trent's Local Account states it ("72% of complaints were
responded to within this timescale").

Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from caremarket.rules.working_days import deadline

COMPLAINT, COMPLIMENT, COMMENT = "complaint", "compliment", "comment"
KINDS = (COMPLAINT, COMPLIMENT, COMMENT)
FULLY, PARTLY, NOT_UPHELD = "fully", "partly", "not"
UPHELD = (FULLY, PARTLY, NOT_UPHELD)


def financial_year(day: date) -> str:
    """1 April 2020 to 31 March 2021 → "2020/21"."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def year_bounds(year: str) -> tuple[date, date]:
    """ "2020/21" → (1 April 2020, 31 March 2021); ValueError for anything else."""
    start_text, _, end_text = year.partition("/")
    if not (start_text.isdigit() and end_text.isdigit() and len(start_text) == 4):
        raise ValueError(f"not a financial year: {year!r}")
    start = int(start_text)
    if (start + 1) % 100 != int(end_text) or len(end_text) != 2:
        raise ValueError(f"not a financial year: {year!r}")
    return date(start, 4, 1), date(start + 1, 3, 31)


@dataclass(frozen=True)
class Entry:
    kind: str
    service_area: str
    received: date
    upheld: str = ""
    responded: date | None = None


@dataclass
class AreaCounts:
    """One service area's row (or the total row)."""

    service_area: str
    compliments: int = 0
    complaints: int = 0
    comments: int = 0
    upheld_fully: int = 0
    upheld_partly: int = 0
    not_upheld: int = 0
    answered: int = 0
    in_time: int = 0
    open: int = 0
    overdue: int = 0

    @property
    def upheld(self) -> int:
        """Upheld fully or partly."""
        return self.upheld_fully + self.upheld_partly

    @property
    def in_time_share(self) -> float | None:
        """Percentage of answered complaints answered in time; None when none was answered."""
        return 100.0 * self.in_time / self.answered if self.answered else None

    def add(self, entry: Entry, deadline_days: int, today: date) -> None:
        if entry.kind == COMPLIMENT:
            self.compliments += 1
            return
        if entry.kind == COMMENT:
            self.comments += 1
            return
        self.complaints += 1
        self.upheld_fully += entry.upheld == FULLY
        self.upheld_partly += entry.upheld == PARTLY
        self.not_upheld += entry.upheld == NOT_UPHELD
        due = deadline(entry.received, deadline_days)
        if entry.responded is None:
            self.open += 1
            self.overdue += today > due
        else:
            self.answered += 1
            self.in_time += entry.responded <= due


@dataclass
class Summary:
    year: str
    deadline_days: int
    areas: list[AreaCounts] = field(default_factory=list)
    total: AreaCounts = field(default_factory=lambda: AreaCounts("Total"))


def summarise(entries: Iterable[Entry], year: str, deadline_days: int, today: date) -> Summary:
    """The year's entries by service area (in alphabetical order, case ignored; areas named
    with different capitals or spacing are one area, shown as first written)."""
    start, end = year_bounds(year)
    summary = Summary(year, deadline_days)
    by_area: dict[str, AreaCounts] = {}
    for entry in entries:
        if entry.kind not in KINDS:
            raise ValueError(f"unknown kind {entry.kind!r}")
        if not start <= entry.received <= end:
            continue
        name = " ".join(entry.service_area.split())
        area = by_area.setdefault(name.casefold(), AreaCounts(name))
        area.add(entry, deadline_days, today)
        summary.total.add(entry, deadline_days, today)
    summary.areas = [by_area[key] for key in sorted(by_area)]
    return summary
