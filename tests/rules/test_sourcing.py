"""Sourcing rules on hand-worked cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from caremarket.rules.sourcing import (
    CallPattern,
    Candidate,
    CareRequest,
    ContractKind,
    SourcingRuleError,
    Uplift,
    Version,
    commissioned_hours,
    days_to_source,
    figures,
    hours_in_force,
    market_share,
    match,
    time_to_source_by,
    time_to_source_by_month,
    unsourced,
    uplifted,
    weekly_cost,
)

WARD, LOCALITY, OTHER_WARD = 11, 1, 12
REQUEST = CareRequest(
    service_kind="home_care",
    area_ids=frozenset({WARD, LOCALITY}),
    area_name="Meir North",
    hours_per_week=Decimal(14),
    needs=frozenset({"dementia"}),
)
WORDS = {"home_care": "home care", "double_handed": "two carers at each call"}


def candidate(pk: int, name: str, **changes: object) -> Candidate:
    fields: dict[str, object] = {
        "location_id": pk,
        "name": name,
        "service_kinds": frozenset({"home_care"}),
        "area_ids": frozenset({LOCALITY}),
        "spare_hours": Decimal(20),
        "specialisms": frozenset({"dementia"}),
        "rating": "Good",
        "contract": ContractKind.FRAMEWORK,
        **changes,
    }
    return Candidate(**fields)  # type: ignore[arg-type]


def test_each_failing_condition_excludes_with_its_own_reason() -> None:
    cases = {
        "wrong service": (
            {"service_kinds": frozenset({"care_home"})},
            "Does not provide home care",
        ),
        "wrong area": ({"area_ids": frozenset({OTHER_WARD})}, "Does not cover Meir North"),
        "stopped": (
            {"stop": "Full placement stop: no new placements"},
            "Under a placement stop (full placement stop: no new placements)",
        ),
        "inadequate": (
            {"rating": "Inadequate"},
            "Rated Inadequate by CQC, below the council's minimum of Requires improvement",
        ),
        "full": (
            {"spare_hours": Decimal("13.5")},
            "Has only 13.5 hours spare a week, 14 hours asked for",
        ),
        "no dementia": ({"specialisms": frozenset()}, "Does not offer: dementia"),
    }
    for label, (changes, reason) in cases.items():
        [result] = match(REQUEST, [candidate(1, label, **changes)], WORDS)
        assert not result.eligible, label
        assert reason in result.reasons, (label, result.reasons)


def test_an_eligible_provider_says_why() -> None:
    [result] = match(REQUEST, [candidate(1, "Meir Home Care")], WORDS)
    assert result.eligible
    assert result.reasons == (
        "Provides home care",
        "Covers Meir North",
        "Rated Good by CQC",
        "Has 20 hours spare a week, 14 hours asked for",
        "Offers: dementia",
        "Holds a framework agreement",
    )


def test_needs_are_named_in_words() -> None:
    two = CareRequest(
        "home_care", frozenset({WARD}), "Meir North", Decimal(7), frozenset({"double_handed"})
    )
    [result] = match(two, [candidate(1, "A")], WORDS)
    assert "Does not offer: two carers at each call" in result.reasons
    [result] = match(two, [candidate(1, "A", specialisms=frozenset({"double_handed"}))], WORDS)
    assert "Offers: two carers at each call" in result.reasons


def test_unknowns_pass_and_say_so() -> None:
    c = candidate(1, "New Agency", area_ids=frozenset(), rating="", spare_hours=None)
    [result] = match(REQUEST, [c], WORDS)
    assert result.eligible
    assert "Covers the whole council" in result.reasons
    assert "Not yet rated by CQC" in result.reasons
    assert "Spare capacity not known" in result.reasons


def test_exactly_the_hours_asked_for_is_enough() -> None:
    [result] = match(REQUEST, [candidate(1, "A", spare_hours=Decimal(14))], WORDS)
    assert result.eligible


def test_ranking_contract_then_rating_then_spare_hours_then_name() -> None:
    results = match(
        REQUEST,
        [
            candidate(1, "Spot Outstanding", contract=ContractKind.SPOT, rating="Outstanding"),
            candidate(2, "Stopped GMH", contract=ContractKind.GUARANTEED_HOURS, stop="Full"),
            candidate(3, "Framework Good 30", spare_hours=Decimal(30)),
            candidate(4, "Framework Outstanding", rating="Outstanding"),
            candidate(5, "GMH Good", contract=ContractKind.GUARANTEED_HOURS),
            candidate(6, "Framework Good 20 B"),
            candidate(7, "Framework Good 20 A"),
            candidate(8, "No contract", contract=None),
        ],
        WORDS,
    )
    assert [m.candidate.location_id for m in results] == [5, 4, 3, 7, 6, 1, 8, 2]
    assert [m.eligible for m in results] == [True] * 7 + [False]


def test_a_stricter_minimum_rating() -> None:
    c = candidate(1, "A", rating="Requires improvement")
    assert match(REQUEST, [c], WORDS)[0].eligible
    assert not match(REQUEST, [c], WORDS, minimum_rating="Good")[0].eligible
    with pytest.raises(SourcingRuleError):
        match(REQUEST, [c], WORDS, minimum_rating="Fine")


def test_zero_hours_is_refused() -> None:
    bad = CareRequest("home_care", frozenset({WARD}), "Meir North", Decimal(0))
    with pytest.raises(SourcingRuleError, match="more than 0"):
        match(bad, [], WORDS)


BANES = {60: Decimal("23.76"), 45: Decimal("19.01"), 30: Decimal("14.26")}


def test_weekly_cost_at_the_banes_rates_by_call_length() -> None:
    four_a_day = CallPattern(calls_per_day=4, minutes=30, days_per_week=7)
    assert four_a_day.calls_per_week == 28
    assert four_a_day.hours_per_week == Decimal("14.00")
    assert weekly_cost(four_a_day, BANES) == Decimal("399.28")  # 28 × 14.26
    assert weekly_cost(CallPattern(2, 45, 5), BANES) == Decimal("190.10")  # 10 × 19.01
    # 15 minutes: no published rate, a quarter of £23.76 = £5.94 a call, 14 calls
    assert weekly_cost(CallPattern(2, 15, 7), BANES) == Decimal("83.16")
    assert CallPattern(3, 45, 7).hours_per_week == Decimal("15.75")
    assert CallPattern(4, 30, 7).describe() == "4 calls a day, 30 minutes each, 7 days a week"


def test_weekly_cost_refuses_to_guess() -> None:
    with pytest.raises(SourcingRuleError, match="no rate for 15-minute calls"):
        weekly_cost(CallPattern(1, 15, 7), {30: Decimal("14.26")})


@pytest.mark.parametrize(
    ("calls", "minutes", "days"), [(0, 30, 7), (9, 30, 7), (1, 10, 7), (1, 30, 0), (1, 30, 8)]
)
def test_impossible_call_patterns_are_refused(calls: int, minutes: int, days: int) -> None:
    with pytest.raises(SourcingRuleError):
        CallPattern(calls, minutes, days)


def test_days_to_source_across_weekends_and_month_ends() -> None:
    assert days_to_source(date(2024, 5, 31), date(2024, 6, 3)) == 3  # Fri 31 May → Mon 3 June
    assert days_to_source(date(2024, 2, 28), date(2024, 3, 1)) == 2  # leap year: 29 Feb
    assert days_to_source(date(2023, 2, 28), date(2023, 3, 1)) == 1
    assert days_to_source(date(2023, 12, 15), date(2024, 1, 1)) == 17
    assert days_to_source(date(2024, 6, 3), date(2024, 6, 3)) == 0
    with pytest.raises(SourcingRuleError, match="before the referral"):
        days_to_source(date(2024, 6, 3), date(2024, 6, 2))


def test_time_to_source_by_month_median_mean_and_90th_percentile() -> None:
    pairs = [
        # sourced in May 2024: 3, 10, 17, 30 days
        (date(2024, 5, 1), date(2024, 5, 4)),
        (date(2024, 4, 25), date(2024, 5, 5)),
        (date(2024, 4, 30), date(2024, 5, 17)),
        (date(2024, 5, 1), date(2024, 5, 31)),
        # sourced on 3 June from a referral on 31 May: a June figure of 3 days
        (date(2024, 5, 31), date(2024, 6, 3)),
    ]
    may, june = time_to_source_by_month(pairs)
    assert (may.year, may.month, may.count) == (2024, 5, 4)
    assert may.median == Fraction(27, 2)  # (10 + 17) / 2
    assert may.mean == Fraction(60, 4)
    assert may.p90 == 30  # nearest rank: ceil(0.9 × 4) = 4th
    assert (june.month, june.count, june.median, june.mean, june.p90) == (6, 1, 3, 3, 3)
    assert time_to_source_by_month([]) == []


def test_time_to_source_by_service_and_area_across_weekends_and_month_ends() -> None:
    rows = [
        # home care in Longton: Fri 31 May → Mon 3 June (3 days, over a weekend and a month end)
        ("home_care", "Longton", date(2024, 5, 31), date(2024, 6, 3)),
        # home care in Longton: Thu 28 Feb 2024 → Fri 1 March (2 days: 29 February counts)
        ("home_care", "Longton", date(2024, 2, 28), date(2024, 3, 1)),
        # home care in Tunstall: Fri 15 Dec 2023 → Mon 1 Jan 2024 (17 days, over the year end)
        ("home_care", "Tunstall", date(2023, 12, 15), date(2024, 1, 1)),
        # sitting service in Longton, accepted the day it was referred (0 days)
        ("sitting", "Longton", date(2024, 6, 8), date(2024, 6, 8)),
    ]
    by_service = time_to_source_by((s, r, a) for s, _, r, a in rows)
    assert list(by_service) == ["home_care", "sitting"]
    home = by_service["home_care"]
    assert (home.count, home.median, home.mean, home.p90) == (3, 3, Fraction(22, 3), 17)
    assert by_service["sitting"] == figures([0])
    by_area = time_to_source_by((area, r, a) for _, area, r, a in rows)
    assert by_area["Longton"].median == 2  # 0, 2, 3
    assert by_area["Longton"].p90 == 3  # ceil(0.9 × 3) = 3rd
    assert by_area["Tunstall"].median == 17
    assert time_to_source_by([]) == {}
    with pytest.raises(SourcingRuleError, match="before the referral"):
        time_to_source_by([("x", date(2024, 6, 3), date(2024, 5, 31))])


def test_the_90th_percentile_is_the_nearest_rank() -> None:
    ten = list(range(1, 11))  # ceil(0.9 × 10) = 9th of 1..10
    assert figures(ten).p90 == 9
    assert figures([*ten, 40]).p90 == 10  # ceil(0.9 × 11) = 10th
    assert figures([5, 1]).p90 == 5  # ceil(1.8) = 2nd
    assert figures([4, 9, 1]).median == 4  # unsorted input is sorted first
    with pytest.raises(SourcingRuleError):
        figures([])


def test_requests_unsourced_past_n_days() -> None:
    today = date(2024, 3, 4)  # a Monday
    waiting = [
        ("a", date(2024, 2, 19)),  # 14 days: not past 14
        ("b", date(2024, 2, 18)),  # 15 days, across 29 February
        ("c", date(2024, 3, 1)),  # Friday: 3 days over the weekend and month end
        ("d", date(2023, 12, 31)),  # 64 days, across the year end
    ]
    assert unsourced(waiting, today, 14) == [("d", 64), ("b", 15)]
    assert unsourced(waiting, today, 2) == [("d", 64), ("b", 15), ("a", 14), ("c", 3)]
    assert unsourced(waiting, today, 100) == []
    assert unsourced([], today, 0) == []
    with pytest.raises(SourcingRuleError):
        unsourced(waiting, today, -1)


def test_hours_in_force_follow_the_package_history() -> None:
    # 14 hours from Fri 31 May 2024, 21 from Sat 1 June (over a month end, on a weekend); the
    # last day of care Sun 30 June, so 0 from Mon 1 July
    history = [
        Version(date(2024, 5, 31), Decimal(14)),
        Version(date(2024, 6, 1), Decimal(21)),
        Version(date(2024, 7, 1), Decimal(0)),
    ]
    assert hours_in_force(history, date(2024, 5, 30)) == 0  # not started
    assert hours_in_force(history, date(2024, 5, 31)) == 14
    assert hours_in_force(history, date(2024, 6, 1)) == 21
    assert hours_in_force(history, date(2024, 6, 30)) == 21  # the last day of care
    assert hours_in_force(history, date(2024, 7, 1)) == 0
    assert hours_in_force(list(reversed(history)), date(2024, 6, 15)) == 21  # any order
    # two changes from one day: the later one recorded wins
    same_day = [Version(date(2024, 2, 29), Decimal(7)), Version(date(2024, 2, 29), Decimal("10.5"))]
    assert hours_in_force(same_day, date(2024, 3, 1)) == Decimal("10.5")
    assert hours_in_force([], date(2024, 3, 1)) == 0


def test_commissioned_hours_by_provider_and_the_councils_share() -> None:
    on = date(2024, 5, 31)
    packages = [
        ("Meir Home Care", [Version(date(2024, 1, 1), Decimal(14))]),
        ("Meir Home Care", [Version(date(2024, 5, 1), Decimal("10.5"))]),
        ("Tunstall Care", [Version(date(2024, 5, 31), Decimal(7))]),  # starts that day
        ("Tunstall Care", [Version(date(2024, 6, 1), Decimal(20))]),  # not yet
        ("Fenton Care", [Version(date(2024, 1, 1), Decimal(7)), Version(on, Decimal(0))]),
    ]
    assert commissioned_hours(packages, on) == {
        "Meir Home Care": Decimal("24.5"),
        "Tunstall Care": Decimal(7),
    }
    # B&NES, May 2024: 7,400 commissioned hours a week of a 20,000-hour market is 37%
    assert market_share(Decimal(7400), Decimal(20000)) == Decimal("37.0")
    assert market_share(Decimal(1), Decimal(3)) == Decimal("33.3")
    assert market_share(Decimal(2), Decimal(3)) == Decimal("66.7")  # half up
    assert market_share(Decimal(1), Decimal(1600)) == Decimal("0.1")  # 0.0625 rounds up
    for bad in (Decimal(0), Decimal(-1)):
        with pytest.raises(SourcingRuleError, match="market"):
            market_share(Decimal(1), bad)
    with pytest.raises(SourcingRuleError):
        commissioned_hours([("x", [Version(on, Decimal(-1))])], on)


def test_uplifts_compound_from_their_dates_to_the_penny() -> None:
    # B&NES's hour rate £23.76; 5% from 1 April 2025, then 3.5% from 1 April 2026
    uplifts = [
        Uplift(date(2026, 4, 1), Decimal("3.5")),  # listed out of order on purpose
        Uplift(date(2025, 4, 1), Decimal(5)),
    ]
    rate = Decimal("23.76")
    assert uplifted(rate, uplifts, date(2025, 3, 31)) == Decimal("23.76")
    assert uplifted(rate, uplifts, date(2025, 4, 1)) == Decimal("24.95")  # 24.948 → 24.95
    # 24.95 × 1.035 = 25.82325 → 25.82 (on the rounded 24.95, not 23.76 × 1.08675 = 25.82)
    assert uplifted(rate, uplifts, date(2026, 4, 1)) == Decimal("25.82")
    # 30 minutes at £14.26: 14.973 → 14.97; then 15.49395 → 15.49 (half up to the penny)
    assert uplifted(Decimal("14.26"), uplifts, date(2027, 1, 1)) == Decimal("15.49")
    assert uplifted(Decimal("0.10"), [Uplift(date(2025, 1, 1), Decimal(5))], date(2025, 1, 1)) == (
        Decimal("0.11")  # 0.105 rounds half up
    )
    assert uplifted(rate, [Uplift(date(2025, 1, 1), Decimal(-2))], date(2025, 1, 1)) == (
        Decimal("23.28")  # a cut: 23.2848
    )
    assert uplifted(rate, [], date(2030, 1, 1)) == rate
    with pytest.raises(SourcingRuleError, match="between -50% and 100%"):
        uplifted(rate, [Uplift(date(2025, 1, 1), Decimal(150))], date(2025, 1, 1))
    with pytest.raises(SourcingRuleError):
        uplifted(Decimal(-1), [], date(2025, 1, 1))


def test_matching_without_reasons_agrees_with_the_reasons() -> None:
    """Every combination of the conditions: the quick eligibility equals the worded one."""
    import itertools

    made = []
    for n, (kinds, areas, stop, rating, spare, specialisms) in enumerate(
        itertools.product(
            (frozenset({"home_care"}), frozenset({"sitting"})),
            (frozenset(), frozenset({LOCALITY}), frozenset({OTHER_WARD})),
            (None, "Full stop"),
            ("", "Good", "Inadequate"),
            (None, Decimal(13), Decimal(14)),
            (frozenset(), frozenset({"dementia"})),
        )
    ):
        made.append(
            candidate(
                n,
                f"Home {n:03d}",
                service_kinds=kinds,
                area_ids=areas,
                stop=stop,
                rating=rating,
                spare_hours=spare,
                specialisms=specialisms,
            )
        )
    worded = match(REQUEST, made, WORDS)
    quick = match(REQUEST, made, WORDS, reasons=False)
    assert [(m.candidate, m.eligible) for m in worded] == [(m.candidate, m.eligible) for m in quick]
    assert sum(m.eligible for m in quick) == 2 * 2 * 2  # areas × ratings × spare hours passing
    assert all(m.reasons == () for m in quick)
