"""The complaints summary worked by hand: a year's log by service area, upheld, in time."""

from __future__ import annotations

from datetime import date

import pytest

from caremarket.rules.complaints import (
    COMMENT,
    COMPLAINT,
    COMPLIMENT,
    FULLY,
    NOT_UPHELD,
    PARTLY,
    Entry,
    financial_year,
    summarise,
    year_bounds,
)

TODAY = date(2021, 6, 1)


def test_financial_years() -> None:
    assert financial_year(date(2020, 4, 1)) == "2020/21"
    assert financial_year(date(2021, 3, 31)) == "2020/21"
    assert financial_year(date(1999, 12, 1)) == "1999/00"
    assert year_bounds("2020/21") == (date(2020, 4, 1), date(2021, 3, 31))
    for bad in ("2020/22", "2020", "20/21", "2020/2021", "abcd/ef"):
        with pytest.raises(ValueError):
            year_bounds(bad)


def test_a_year_by_service_area() -> None:
    entries = [
        # received Wed 23 Dec 2020: deadline Mon 18 Jan 2021 (see test_working_days)
        Entry(COMPLAINT, "Reablement", date(2020, 12, 23), FULLY, date(2021, 1, 18)),
        Entry(COMPLAINT, "reablement ", date(2020, 12, 23), PARTLY, date(2021, 1, 19)),
        Entry(COMPLAINT, "Reablement", date(2021, 3, 1), NOT_UPHELD, date(2021, 3, 2)),
        # not answered: Wed 31 Mar 2021 + 15 = Fri 23 Apr (Thu 1 Apr is day 1, then Easter),
        # passed by 1 June
        Entry(COMPLAINT, "Extra Care", date(2021, 3, 31)),
        Entry(COMPLIMENT, "Extra Care", date(2020, 4, 1)),
        Entry(COMMENT, "Reablement", date(2020, 6, 1)),
        # another year: left out
        Entry(COMPLAINT, "Reablement", date(2021, 4, 1), FULLY, date(2021, 4, 2)),
        Entry(COMPLIMENT, "Reablement", date(2020, 3, 31)),
    ]
    summary = summarise(entries, "2020/21", 15, TODAY)
    extra, reablement = summary.areas
    assert (extra.service_area, reablement.service_area) == ("Extra Care", "Reablement")
    assert (reablement.complaints, reablement.comments, reablement.compliments) == (3, 1, 0)
    assert (reablement.upheld_fully, reablement.upheld_partly, reablement.not_upheld) == (1, 1, 1)
    assert reablement.upheld == 2
    assert (reablement.answered, reablement.in_time) == (3, 2)
    assert reablement.in_time_share == pytest.approx(200 / 3)
    assert (extra.complaints, extra.compliments, extra.open, extra.overdue) == (1, 1, 1, 1)
    assert extra.in_time_share is None
    total = summary.total
    assert (total.complaints, total.compliments, total.comments) == (4, 1, 1)
    assert (total.answered, total.in_time, total.open, total.overdue, total.upheld) == (
        3,
        2,
        1,
        1,
        2,
    )


def test_an_open_complaint_is_not_overdue_until_its_deadline_has_passed() -> None:
    entries = [Entry(COMPLAINT, "Reablement", date(2021, 3, 31))]
    # Thu 1 Apr (1); Good Friday, the weekend, Easter Monday; 6-9 Apr (5); 12-16 (10); 19-23 (15)
    on_the_day = summarise(entries, "2020/21", 15, date(2021, 4, 23)).total
    after = summarise(entries, "2020/21", 15, date(2021, 4, 24)).total
    assert (on_the_day.open, on_the_day.overdue) == (1, 0)
    assert (after.open, after.overdue) == (1, 1)


def test_the_deadline_is_the_councils() -> None:
    entry = Entry(COMPLAINT, "Reablement", date(2021, 3, 8), NOT_UPHELD, date(2021, 3, 15))
    assert summarise([entry], "2020/21", 5, TODAY).total.in_time == 1
    assert summarise([entry], "2020/21", 4, TODAY).total.in_time == 0


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        summarise([Entry("grumble", "x", date(2020, 5, 1))], "2020/21", 15, TODAY)
