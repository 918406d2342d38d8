"""Extra care nominations: routes, steps, dates and the Local Account's table, worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from caremarket.rules.extracare import (
    Action,
    ExtraCareRuleError,
    Referral,
    Route,
    Stage,
    TableRow,
    allowed,
    check_date,
    financial_year,
    flats_free,
    panel_stage,
    start_stage,
    year_table,
)


def test_each_route_starts_where_the_local_account_says() -> None:
    assert start_stage(Route.COUNCIL) == Stage.PANEL
    assert start_stage(Route.HOUSING) == Stage.WAITING
    assert start_stage(Route.PRIVATE) == Stage.WAITING


@pytest.mark.parametrize(
    ("route", "stage", "actions"),
    [
        (Route.COUNCIL, Stage.PANEL, (Action.DECIDE, Action.WITHDRAW)),
        (Route.COUNCIL, Stage.WAITING, (Action.NOMINATE, Action.WITHDRAW)),
        (Route.HOUSING, Stage.WAITING, (Action.NOMINATE, Action.WITHDRAW)),
        (Route.PRIVATE, Stage.WAITING, (Action.PLACE, Action.WITHDRAW)),
        (Route.COUNCIL, Stage.NOMINATED, (Action.PLACE, Action.WITHDRAW)),
        (Route.COUNCIL, Stage.NOT_ACCEPTED, ()),
        (Route.HOUSING, Stage.PLACED, ()),
        (Route.PRIVATE, Stage.WITHDRAWN, ()),
    ],
)
def test_the_next_steps(route: Route, stage: Stage, actions: tuple[Action, ...]) -> None:
    assert allowed(route, stage) == actions


def test_the_panel_needs_both_yes_and_always_a_reason() -> None:
    assert panel_stage(True, True, "Needs met there") == Stage.WAITING
    assert panel_stage(True, False, "Needs nursing care") == Stage.NOT_ACCEPTED
    assert panel_stage(False, True, "Lives outside the city") == Stage.NOT_ACCEPTED
    with pytest.raises(ExtraCareRuleError, match="reason"):
        panel_stage(True, True, "  ")


def test_flats_free_are_voids_not_yet_promised() -> None:
    assert flats_free(3, 1) == 2
    assert flats_free(2, 2) == 0
    assert flats_free(1, 3) == 0  # voids re-counted below the nominations waiting


def test_step_dates_follow_each_other_and_are_not_in_the_future() -> None:
    today = date(2021, 3, 31)
    check_date(date(2021, 3, 31), date(2021, 3, 1), "the panel", today, "Moved in")
    with pytest.raises(ExtraCareRuleError, match="Moved in cannot be in the future"):
        check_date(date(2021, 4, 1), date(2021, 3, 1), "the panel", today, "Moved in")
    with pytest.raises(
        ExtraCareRuleError, match=r"Nominated on must be on or after the panel \(1 March 2021\)"
    ):
        check_date(date(2021, 2, 28), date(2021, 3, 1), "the panel", today, "Nominated on")


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2020, 4, 1), "2020/21"),
        (date(2021, 3, 31), "2020/21"),
        (date(2021, 4, 1), "2021/22"),
        (date(2000, 1, 15), "1999/00"),
        (date(2099, 6, 1), "2099/00"),
    ],
)
def test_financial_years_run_april_to_march(day: date, year: str) -> None:
    assert financial_year(day) == year


def test_the_table_counts_each_step_in_the_year_it_happened() -> None:
    referrals = [
        # an expression of interest in 2019/20, nominated and placed in 2020/21
        Referral(
            "Oak Priory", Route.COUNCIL, date(2020, 3, 30), date(2020, 4, 2), date(2020, 4, 20)
        ),
        # received, nominated, still waiting to move in
        Referral("Oak Priory", Route.COUNCIL, date(2020, 5, 1), date(2020, 6, 1)),
        # refused at the panel: an expression of interest only
        Referral("Oak Priory", Route.COUNCIL, date(2020, 5, 2)),
        # housing route: no expression of interest, a nomination and a placement
        Referral(
            "Willow Barns", Route.HOUSING, date(2020, 7, 1), date(2020, 7, 3), date(2020, 8, 1)
        ),
        # private: a placement only (placements can outnumber nominations)
        Referral("Willow Barns", Route.PRIVATE, date(2020, 9, 1), None, date(2020, 9, 10)),
        Referral("Willow Barns", Route.PRIVATE, date(2021, 3, 25), None, date(2021, 4, 5)),
    ]
    rows = year_table(referrals, ["Berryhill Village", "Oak Priory", "Willow Barns"])
    assert rows == [
        TableRow("Berryhill Village", "2019/20", 0, 0, 0),
        TableRow("Oak Priory", "2019/20", 1, 0, 0),
        TableRow("Willow Barns", "2019/20", 0, 0, 0),
        TableRow("Berryhill Village", "2020/21", 0, 0, 0),
        TableRow("Oak Priory", "2020/21", 2, 2, 1),
        TableRow("Willow Barns", "2020/21", 0, 1, 2),
        TableRow("Berryhill Village", "2021/22", 0, 0, 0),
        TableRow("Oak Priory", "2021/22", 0, 0, 0),
        TableRow("Willow Barns", "2021/22", 0, 0, 1),
    ]


def test_an_empty_table_has_no_rows() -> None:
    assert year_table([], ["Oak Priory"]) == []
