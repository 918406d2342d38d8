"""The consistency rules, worked by hand: each catch beside the near miss it must let pass, then
property tests that tables built consistently and rounded never raise a finding, while a
perturbation beyond the rounding always does."""

from __future__ import annotations

import math
from dataclasses import replace

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from caremarket.rules.consistency import Figure, cite, run_checks, table_units
from caremarket.rules.measures import is_additive, is_counted


def fig(measure: str, dimension: str, category: str, value: float, **kw: object) -> Figure:
    fields: dict[str, object] = {
        "council": "E06000021",
        "period": "2020/21",
        "measure": measure,
        "dimension": dimension,
        "category": category,
        "value": value,
        "unit": "count",
        "source": "Test Local Account, section 9 (a note)",
        "where": f"figures.csv line {abs(hash((measure, category, value))) % 1000}",
        **kw,
    }
    return Figure(**fields)  # type: ignore[arg-type]


def rules(figures: list[Figure]) -> list[str]:
    return [f.rule for f in run_checks(figures)]


# Stated totals ----------------------------------------------------------------------------------


def test_a_total_of_whole_counts_must_add_up_exactly() -> None:
    parts = [fig("complaints", "service_area", f"s{i}", 6) for i in range(14)]
    (finding,) = run_checks([*parts, fig("complaints", "service_area", "Total", 85)])
    assert finding.rule == "total"
    assert "the stated total is 85 but its 14 rows sum to 84, a difference of 1" in finding.message
    assert "whole counts" in finding.message
    assert finding.sources == ("Test Local Account, section 9",)
    assert str(finding).startswith("Stated total does not add up: Complaints by service area")


def test_a_total_that_adds_up_is_not_reported() -> None:
    parts = [fig("complaints", "service_area", f"s{i}", 6) for i in range(14)]
    assert run_checks([*parts, fig("complaints", "service_area", "Total", 84)]) == []


def test_modelled_parts_one_unit_off_their_rounded_total_are_consistent() -> None:
    # Coventry SHOP table: housing with care demand 514 + 653 = 1,167, printed total 1,168.
    rows = [
        fig("specialist_housing_demand", "tenure", "market", 514, unit="units"),
        fig("specialist_housing_demand", "tenure", "affordable", 653, unit="units"),
        fig("specialist_housing_demand", "tenure", "Total", 1168, unit="units"),
    ]
    assert run_checks(rows) == []
    # Two parts and a total each rounded by up to a half: 1.5 is the most they can be apart.
    assert rules([*rows[:2], replace(rows[2], value=1169)]) == ["total"]


def test_a_table_in_thousands_allows_rounding_to_a_thousand() -> None:
    parts = [
        fig("expenditure_gbp", "service", f"s{i}", v, unit="gbp")
        for i, v in enumerate((32_785_000, 15_670_000, 206_000))
    ]
    assert run_checks([*parts, fig("expenditure_gbp", "service", "Total", 48_662_000,
                                   unit="gbp")]) == []  # fmt: skip
    (finding,) = run_checks(
        [*parts, fig("expenditure_gbp", "service", "Total", 48_700_000, unit="gbp")]
    )
    assert "£48,700,000 but its 3 rows sum to £48,661,000" in finding.message
    assert "rounding to the nearest 1,000" in finding.message


def test_a_single_round_number_is_not_taken_for_a_rounded_table() -> None:
    rows = [
        fig("people_supported", "service", "a", 10, unit="people"),
        fig("people_supported", "service", "b", 21, unit="people"),
        fig("people_supported", "service", "Total", 30, unit="people"),
    ]
    assert rules(rows) == ["total"]


def test_decimals_allow_half_their_last_digit_per_figure() -> None:
    rows = [
        fig("care_packages_per_week", "package_type", "a", 32.12, decimals=2),
        fig("care_packages_per_week", "package_type", "b", 50.63, decimals=2),
    ]
    assert run_checks([*rows, fig("care_packages_per_week", "package_type", "Total", 82.76,
                                  decimals=2)]) == []  # fmt: skip
    assert rules(
        [*rows, fig("care_packages_per_week", "package_type", "Total", 82.83, decimals=2)]
    ) == ["total"]


def test_each_part_of_a_compound_breakdown_is_totalled_apart() -> None:
    rows = [
        fig("p", "service|age_band", "home_care|18-64", 10, unit="people"),
        fig("p", "service|age_band", "home_care|65+", 20, unit="people"),
        fig("p", "service|age_band", "home_care|Total", 30, unit="people"),
        fig("p", "service|age_band", "day_care|18-64", 1, unit="people"),
        fig("p", "service|age_band", "day_care|Total", 2, unit="people"),
    ]
    (finding,) = run_checks(rows)
    assert "for day care" in finding.message


def test_percentages_and_prices_are_not_summed() -> None:
    rows = [
        fig("share_pct", "service", "a", 40, unit="pct"),
        fig("share_pct", "service", "Total", 100, unit="pct"),
        fig("fee_rate_gbp", "service", "a", 810.30, unit="gbp_per_week", decimals=2),
        fig("fee_rate_gbp", "service", "Total", 1.0, unit="gbp_per_week", decimals=2),
    ]
    assert run_checks(rows) == []


def test_overlapping_categories_are_only_checked_against_the_total() -> None:
    # Safeguarding concerns by abuse type: one concern can involve several types.
    rows = [
        fig("safeguarding_concerns", "abuse_type", "neglect", 1787),
        fig("safeguarding_concerns", "abuse_type", "physical", 821),
        fig("safeguarding_concerns", "abuse_type", "financial", 3000),
        fig("safeguarding_concerns", "abuse_type", "Total", 4193),
    ]
    assert run_checks(rows) == []
    (finding,) = run_checks([*rows, fig("safeguarding_concerns", "abuse_type", "other", 4200)])
    assert finding.rule == "total" and "4,200, more than the total of 4,193" in finding.message
    assert "more than one type of abuse" in finding.message
    # The same measure by location does add up.
    by_location = [
        fig("safeguarding_concerns", "location", "own_home", 4000),
        fig("safeguarding_concerns", "location", "Total", 4193),
    ]
    assert rules(by_location) == ["total"]


def test_the_catalogue_says_which_breakdowns_add_up() -> None:
    assert not is_additive("safeguarding_concerns", "count", "abuse_type")
    assert is_additive("safeguarding_concerns", "count", "location")
    assert not is_additive("workforce_vacancy_rate_pct", "pct", "all")
    assert is_counted("complaints", "count") and not is_counted("population", "people")


# Rates and averages -----------------------------------------------------------------------------


def test_a_percentage_must_match_its_numerator_and_denominator() -> None:
    rows = [
        fig("x_pct", "all", "Total", 60.0, unit="pct", decimals=1),
        fig("x_numerator", "all", "Total", 153903, unit="people"),
        fig("x_denominator", "all", "Total", 258400, unit="people"),
    ]
    (finding,) = run_checks(rows)
    assert finding.rule == "rate"
    assert "60.0% is stated, but 100 × 153,903 ÷ 258,400 = 59.560%" in finding.message
    assert "printed as 59.6%" in finding.message
    # 60% printed whole is right: 59.56 rounds to 60.
    assert run_checks([replace(rows[0], value=60, decimals=0), *rows[1:]]) == []


def test_an_average_per_person_is_judged_at_its_printed_decimal() -> None:
    # Coventry: circa 15,300 hours a week for 1,211 people, "average 12.7 hrs per person".
    average = fig(
        "home_care_hours_per_person_per_week", "service", "home_support", 12.7,
        unit="hours_per_week", decimals=1,
    )  # fmt: skip
    rows = [
        fig("home_care_hours_per_person_per_week_numerator", "service", "home_support", 15300,
            unit="hours_per_week"),
        fig("home_care_hours_per_person_per_week_denominator", "service", "home_support", 1211,
            unit="people"),
    ]  # fmt: skip
    (finding,) = run_checks([average, *rows])
    assert "15,300 ÷ 1,211 = 12.634, which would be printed as 12.6" in finding.message
    assert run_checks([replace(average, value=12.6), *rows]) == []


def test_a_vacancy_rate_is_vacancies_over_filled_posts_and_vacancies() -> None:
    rows = [
        fig("workforce_filled_posts", "all", "Total", 4600, unit="posts"),
        fig("workforce_vacancies", "all", "Total", 500, unit="posts"),
    ]
    stated = fig("workforce_vacancy_rate_pct", "all", "Total", 12, unit="pct")
    (finding,) = run_checks([stated, *rows])
    assert "100 × 500 ÷ (4,600 + 500) = 9.80%" in finding.message
    assert run_checks([replace(stated, value=10), *rows]) == []


def test_a_weekly_average_must_match_the_years_figure() -> None:
    # Stoke: 571,000 hours of home care a year and 10,224 a week (571,000 ÷ 52 = 10,981).
    year = fig("home_care_hours", "service", "domiciliary_care", 571000, unit="hours")
    week = fig("home_care_hours_per_week", "service", "domiciliary_care", 10224,
               unit="hours_per_week")  # fmt: skip
    (finding,) = run_checks([year, week])
    assert finding.rule == "rate" and "571,000 ÷ 52 weeks = 10,980.8" in finding.message
    # The enablement team: 4,307 packages a year, 82.83 a week (4,307 ÷ 52).
    packages = [
        fig("care_packages", "package_type", "Total", 4307),
        fig("care_packages_per_week", "package_type", "Total", 82.83, decimals=2),
    ]
    assert run_checks(packages) == []


def test_a_rate_without_its_denominator_says_nothing() -> None:
    rows = [
        fig("x_pct", "all", "Total", 60, unit="pct"),
        fig("x_numerator", "all", "Total", 1, unit="people"),
    ]
    assert run_checks(rows) == []


# Stated changes ---------------------------------------------------------------------------------


def change_rows(start: float, end: float, stated: float, **kw: object) -> list[Figure]:
    common: dict[str, object] = {"unit": "hours_per_week", **kw}
    return [
        fig("home_care_hours_per_week", "funding_source", "private", start, period="2023-05-31",
            **common),
        fig("home_care_hours_per_week", "funding_source", "private", end, period="2024-05-31",
            **common),
        fig("home_care_hours_per_week_change_pct", "funding_source", "private", stated,
            period="2024-05-31", unit="pct", base_period="2023-05-31"),
    ]  # fmt: skip


def test_a_stated_percentage_change_must_match_its_from_and_to() -> None:
    # B&NES: private home care 5,600 → 12,600 hours a week is +125%, printed as 225%.
    (finding,) = run_checks(change_rows(5600, 12600, 225))
    assert finding.rule == "change"
    assert "a change of 225% since 31 May 2023 is stated" in finding.message
    assert "100 × (12,600 − 5,600) ÷ 5,600 = 125.00%" in finding.message
    assert run_checks(change_rows(5600, 12600, 125)) == []


def test_a_change_between_rounded_figures_allows_their_rounding() -> None:
    # B&NES population 65-74: 18,000 → 22,000 (to the nearest thousand) "19%": possible.
    rows = [
        fig("population", "age_band", "65-74", 18000, unit="people", period="2024"),
        fig("population", "age_band", "75+", 21000, unit="people", period="2024"),
        fig("population", "age_band", "65-74", 22000, unit="people", period="2034"),
        fig("population", "age_band", "75+", 24000, unit="people", period="2034"),
        fig("population_change_pct", "age_band", "65-74", 19, unit="pct", period="2034",
            base_period="2024"),
    ]  # fmt: skip
    assert run_checks(rows) == []
    assert rules([*rows[:-1], replace(rows[-1], value=35)]) == ["change"]


def test_a_stated_increase_in_units_must_match_its_from_and_to() -> None:
    rows = [
        fig("complaints", "all", "Total", 80, period="2019/20"),
        fig("complaints", "all", "Total", 88, period="2020/21"),
        fig("complaints_change", "all", "Total", 9, base_period="2019/20"),
    ]
    (finding,) = run_checks(rows)
    assert "88 − 80 = 8" in finding.message
    assert run_checks([*rows[:2], replace(rows[2], value=8)]) == []


def test_a_change_without_its_base_period_or_base_figure_is_not_checked() -> None:
    rows = change_rows(5600, 12600, 225)
    assert run_checks([*rows[:2], replace(rows[2], base_period="")]) == []
    assert run_checks([rows[1], rows[2]]) == []


# Subsets, age bands and conflicts ---------------------------------------------------------------


def test_a_part_larger_than_its_whole_is_reported() -> None:
    rows = [
        fig("safeguarding_enquiries", "all", "Total", 52),
        fig("safeguarding_enquiries_substantiated", "all", "Total", 61),
    ]
    (finding,) = run_checks(rows)
    assert finding.rule == "subset"
    assert "61, more than section 42 safeguarding enquiries (52)" in str(finding)
    assert run_checks([rows[0], replace(rows[1], value=52)]) == []


def test_age_bands_that_partly_overlap_or_leave_a_gap_are_reported() -> None:
    overlap = run_checks([fig("p", "age_band", "18-64", 1), fig("p", "age_band", "60-74", 1)])
    gap = run_checks([fig("p", "age_band", "18-64", 1), fig("p", "age_band", "70+", 1)])
    assert [f.rule for f in overlap] == ["age-bands"] and "overlap" in overlap[0].message
    assert "ages 65–69 are missing" in gap[0].message


def test_nested_and_spanning_age_bands_are_not_overlaps() -> None:
    # Stoke's projections: 65+ up 12,000 and, within it, 85+ up 3,200.
    assert run_checks([fig("p", "age_band", "65+", 12000), fig("p", "age_band", "85+", 3200)]) == []
    bands = ("under_18", "18-64", "65-84", "85+", "18+", "65+")
    assert run_checks([fig("p", "age_band", b, 1) for b in bands]) == []
    # Inside a spanning band, its parts must still meet.
    inner = [fig("p", "age_band", b, 1) for b in ("18+", "18-59", "65+")]
    (finding,) = run_checks(inner)
    assert "ages 60–64 are missing" in finding.message


def test_one_figure_at_two_precisions_is_consistent_when_they_agree_coarsely() -> None:
    rows = [
        fig("population", "all", "Total", 249008, unit="people", source="MPS"),
        fig("population", "all", "Total", 249000, unit="people", source="ILS"),
    ]
    assert run_checks(rows) == []
    (finding,) = run_checks([rows[0], replace(rows[1], value=248000)])
    assert finding.rule == "conflict" and "249,008 and 248,000" in finding.message


def test_two_counts_that_differ_are_a_conflict() -> None:
    rows = [
        fig("people_supported", "service", "telecare", 2359, unit="people", source="table"),
        fig("people_supported", "service", "telecare", 2370, unit="people", source="text"),
    ]
    assert rules(rows) == ["conflict"]
    # "1,000" is not read as "rounded to the nearest thousand" (one significant digit).
    assert rules([replace(rows[0], value=1400), replace(rows[1], value=1000)]) == ["conflict"]


# Findings ---------------------------------------------------------------------------------------


def test_a_finding_key_is_stable_and_follows_the_figures() -> None:
    rows = [
        fig("complaints", "service_area", "a", 6),
        fig("complaints", "service_area", "Total", 7),
    ]
    first = run_checks(rows)[0]
    again = run_checks([replace(r, where="another file line 9") for r in reversed(rows)])[0]
    assert first.key == again.key
    changed = run_checks([rows[0], replace(rows[1], value=8)])[0]
    assert changed.key != first.key


def test_sources_are_cited_without_their_notes() -> None:
    source = 'MPS, section "A", table "B" ("quote", 2021) ; also ILS, section "C" (note)'
    assert cite(source) == 'MPS, section "A", table "B"; also ILS, section "C"'


# Properties -------------------------------------------------------------------------------------

UNITS = (1, 10, 100, 1000)


def rounded(value: float, unit: int) -> float:
    return float(math.floor(value / unit + 0.5) * unit)


@st.composite
def rounded_table(draw: st.DrawFn) -> tuple[list[Figure], int, int]:
    """True values, each part and the true total printed rounded to one unit (an estimate)."""
    unit = draw(st.sampled_from(UNITS))
    values = draw(st.lists(st.floats(0, 5e6), min_size=2, max_size=15))
    parts = [rounded(v, unit) for v in values]
    total = rounded(sum(values), unit)
    rows = [fig("projected_demand", "need", f"n{i}", p, unit="people") for i, p in enumerate(parts)]
    rows.append(fig("projected_demand", "need", "Total", total, unit="people"))
    # Only tables whose rounding shows (every value a multiple of the unit, one of them large).
    assume(evident(rows) == unit)
    return rows, unit, len(parts) + 1


def evident(rows: list[Figure]) -> float:
    return next(iter(table_units(rows).values()), 1.0)


@settings(max_examples=300, deadline=None)
@given(rounded_table())
def test_a_rounded_consistent_table_never_raises_a_finding(
    table: tuple[list[Figure], int, int],
) -> None:
    rows, _, _ = table
    assert run_checks(rows) == []


@settings(max_examples=300, deadline=None)
@given(rounded_table(), st.integers(1, 5), st.booleans())
def test_a_total_moved_beyond_the_rounding_always_raises_one(
    table: tuple[list[Figure], int, int], steps: int, up: bool
) -> None:
    rows, unit, count = table
    # Each of the `count` printed figures may be off by half its unit; moving the total away
    # from the sum of its parts by more than all of them together can never be rounding.
    total = rows[-1]
    offset = total.value - sum(r.value for r in rows[:-1])
    direction = 1 if offset > 0 or (offset == 0 and up) else -1
    shift = unit * (math.floor(count / 2) + steps) * direction
    moved = replace(total, value=total.value + shift)
    assume(moved.value >= 0 and evident([*rows[:-1], moved]) == unit)
    assert [f.rule for f in run_checks([*rows[:-1], moved])] == ["total"]


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 10**6),
    st.integers(1, 10**6),
    st.sampled_from((0, 1, 2)),
    st.integers(2, 50),
)
def test_percentages_rounded_from_their_figures_agree_and_moved_ones_do_not(
    numerator: int, extra: int, decimals: int, steps: int
) -> None:
    denominator = numerator + extra
    exact = 100 * numerator / denominator
    printed = round(exact, decimals)
    rows = [
        fig("x_numerator", "all", "Total", numerator, unit="people"),
        fig("x_denominator", "all", "Total", denominator, unit="people"),
    ]
    stated = fig("x_pct", "all", "Total", printed, unit="pct", decimals=decimals)
    assert run_checks([stated, *rows]) == []
    moved = replace(stated, value=round(printed + steps * 10**-decimals, decimals))
    assert [f.rule for f in run_checks([moved, *rows])] == ["rate"]


@settings(max_examples=300, deadline=None)
@given(
    st.integers(100, 10**6),
    st.floats(-0.9, 3.0),
    st.sampled_from((0, 1)),
    st.integers(1, 50),
)
def test_changes_rounded_from_their_figures_agree_and_moved_ones_do_not(
    start: int, growth: float, decimals: int, steps: int
) -> None:
    end = max(round(start * (1 + growth)), 1)
    printed = round(100 * (end - start) / start, decimals)
    rows = change_rows(start, end, printed)
    rows[-1] = replace(rows[-1], decimals=decimals)
    assert run_checks(rows) == []
    # Beyond the rounding: past what half a unit on each figure and on the change can explain.
    step = 10**-decimals
    spread = 100 * ((end + 0.5) / (start - 0.5) - (end - 0.5) / (start + 0.5))
    beyond = math.ceil(spread / step) + 1 + steps
    moved = replace(rows[-1], value=round(printed + beyond * step, decimals))
    assume(evident(rows[:2]) == 1)
    assert [f.rule for f in run_checks([*rows[:2], moved])] == ["change"]


def test_a_total_off_by_a_row_printed_with_an_extra_zero_says_so() -> None:
    # Stoke's Local Account printed "£4,032,0000" and "£2,464,0000" among lines in £000s.
    rows = [
        fig("expenditure_gbp", "service", "residential", 30_871_000, unit="gbp"),
        fig("expenditure_gbp", "service", "prevention", 40_320_000, unit="gbp"),
        fig("expenditure_gbp", "service", "extra_care", 24_640_000, unit="gbp"),
        fig("expenditure_gbp", "service", "Total", 37_367_000, unit="gbp"),
    ]
    (finding,) = run_checks(rows)
    assert "these rows were printed with one zero too many" in finding.message
    assert "£40,320,000 (perhaps £4,032,000)" in finding.message
    assert "£24,640,000 (perhaps £2,464,000)" in finding.message
    plain = run_checks([rows[0], replace(rows[3], value=40_000_000)])
    assert "zero too many" not in plain[0].message
